using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Casework.Messaging;

public sealed record ErrorQueueView(string Queue, string ErrorQueue, uint Messages);

public sealed record ReplayResult(string Queue, int Moved);

/// <summary>
/// Lets an admin see the service's error queues and send their messages back for another attempt
/// once the cause is fixed: <c>/api/{segment}/admin/error-queues</c>, reachable through the gateway.
/// </summary>
public static class MessagingAdminApi
{
    public static IEndpointRouteBuilder MapMessagingAdmin(this IEndpointRouteBuilder app, string apiSegment)
    {
        var admin = app.MapGroup($"/api/{apiSegment}/admin/error-queues")
            .WithTags("Administration")
            // Operator tools, documented in the README; the API reference is for integrators.
            .ExcludeFromDescription()
            .RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireRole("admin"));

        admin.MapGet("", async (ReceiveQueues queues, BrokerConnection broker, CancellationToken cancellationToken) =>
        {
            var views = new List<ErrorQueueView>();
            foreach (var queue in queues.Names)
            {
                views.Add(new ErrorQueueView(queue, queue + "_error", await broker.CountMessagesAsync(queue + "_error", cancellationToken)));
            }
            return TypedResults.Ok(views);
        })
        .WithName("ListErrorQueues")
        .WithSummary("The service's queues and how many failed messages wait in each error queue (admin)");

        admin.MapPost("/{queue}/replay", async Task<IResult> (
            string queue, int? max, HttpContext http, ReceiveQueues queues, BrokerConnection broker, ILoggerFactory loggers,
            CancellationToken cancellationToken) =>
        {
            if (!queues.Names.Contains(queue))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "This service has no such queue.");
            }
            if (max is < 1 or > 10_000)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["max"] = ["The field must be between 1 and 10000."] });
            }
            var moved = await broker.ReplayAsync(queue, max ?? 1000, cancellationToken);
            loggers.CreateLogger("Casework.Audit").LogWarning(
                "Audit: {Actor} replayed {Moved} messages from {Queue}_error", http.User.FindFirst("sub")?.Value ?? "unknown", moved, queue);
            return TypedResults.Ok(new ReplayResult(queue, moved));
        })
        .WithName("ReplayErrorQueue")
        .WithSummary("Move failed messages back to their queue for another attempt (admin)")
        .WithDescription("Moves up to max (default 1000) messages from the queue's _error queue back to the queue. Consumers are idempotent, so a message applied before changes nothing.");
        return app;
    }
}
