using Casework.Assignment.Apis;
using Casework.Assignment.Consumers;
using Casework.Assignment.Domain;
using Casework.Assignment.Grpc;
using Casework.Assignment.Hosting;
using Casework.Messaging;
using Casework.Persistence;
using Casework.ServiceDefaults;
using MassTransit;

namespace Casework.Assignment;

public static class AssignmentService
{
    public const string Name = "assignment";
    public const string Audience = "casework-assignment";
    public const string Scope = "assignment";

    public static readonly ServiceDescription Description = new(Name, Audience, "assignment", "Casework Assignment API",
        "Workers, their capacity and who is accountable for each open case. Cases are assigned automatically when they open, " +
        "to the team's worker with the most free capacity. Staff only (scope assignment).");

    public static WebApplicationBuilder AddAssignmentService(this WebApplicationBuilder builder)
    {
        builder.AddDocumentStore(collections => collections
            .Add<Worker>("workers", ["teamId"], ["name"])
            .Add<CaseAssignment>("assignments", ["status", "openedAt"], ["teamId", "status"], ["workerId", "status"]));
        // Registered before the bus so the workers exist before the first CaseOpened is consumed.
        builder.AddDemoDataSeeder<WorkerSeeder>();
        builder.AddMessaging(Name, bus =>
        {
            bus.AddConsumer<CaseOpenedConsumer>();
            bus.AddConsumer<CaseClosedConsumer>();
            bus.AddConsumer<CaseReopenedConsumer>();
        });
        builder.Services.AddScoped<CaseAssigner>();
        return builder;
    }

    public static WebApplication MapAssignmentService(this WebApplication app)
    {
        app.MapMessagingAdmin(Description.ApiSegment);
        app.MapAssignmentApi();
        app.MapGrpcService<AssignmentQueriesService>().RequireAuthorization();
        return app;
    }
}
