using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Casework.Intake.Domain;
using Casework.Intake.Webhooks;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Casework.Intake.Apis;

/// <summary>A partner's request to (re)register its webhook.</summary>
public sealed record RegisterWebhookRequest(
    [property: Required, Description("Where to post status changes: an https URL on a public host (up to 2,000 characters).")] string? Url = null);

/// <summary>A partner's webhook as it reads it back (the secret is only in the registration answer).</summary>
public sealed record WebhookView(
    string Url,
    DateTimeOffset RegisteredAt,
    [property: Description("The start and end of the signing secret, to tell which one is in force.")] string SecretHint);

/// <summary>The answer to a registration: the only time the signing secret is shown.</summary>
public sealed record WebhookRegistration(
    string Url,
    DateTimeOffset RegisteredAt,
    [property: Description("The signing secret. Store it now: it is not shown again. Registering again issues a new one.")] string Secret,
    string SecretHint);

/// <summary>One delivery in the partner's log, with each attempt.</summary>
public sealed record WebhookDeliveryView(
    Guid Id,
    string Event,
    Guid ReferralId,
    string? ExternalReference,
    string ReferralStatus,
    [property: Description("Pending (waiting for its first or next attempt), Delivered, Failed (no attempts left) or Cancelled (the webhook was removed).")] string State,
    DateTimeOffset CreatedAt,
    [property: Description("When the next attempt is due, while Pending.")] DateTimeOffset? NextAttemptAt,
    DateTimeOffset? FinishedAt,
    string? Note,
    [property: Description("Every attempt: when, the HTTP status the webhook answered (or the error when there was no answer) and how long it took.")] IReadOnlyList<WebhookAttempt> Attempts)
{
    public static WebhookDeliveryView From(WebhookDelivery d) => new(d.Id, d.Event, d.ReferralId, d.ExternalReference, d.ReferralStatus, d.State,
        d.CreatedAt, d.State == WebhookDeliveryStates.Pending ? d.NextAttemptAt : null, d.FinishedAt, d.Note, d.Attempts);
}

/// <summary>
/// A partner portal's webhook for its referrals' status changes (one per partner client) and its delivery
/// log. Partner tokens only: the client id in the token is the owner.
/// </summary>
public static class WebhooksApi
{
    public const string SignatureScheme =
        "Each post is JSON: {\"deliveryId\", \"event\" (referral.received, referral.screening, referral.accepted, referral.declined or " +
        "referral.withdrawn), \"referralId\", \"externalReference\", \"status\", \"reason\" (for declined and withdrawn), \"occurredAt\", " +
        "\"referralVersion\" (higher is newer: ignore a status older than one you have)}. Headers: Casework-Delivery (the delivery id, the same " +
        "on every retry: drop repeats), Casework-Event, Casework-Timestamp (Unix seconds) and Casework-Signature: " +
        "v1=hex(HMAC-SHA256(key = the secret's UTF-8 bytes, message = the UTF-8 bytes of timestamp + \".\" + raw body)). Verify by recomputing " +
        "it over the raw body, comparing in constant time, and refusing timestamps more than 5 minutes from your clock. Answer 2xx within " +
        "10 seconds; anything else is retried with exponential backoff and jitter (about 30 s, 1, 2, 4 … minutes, up to 8 attempts), then the " +
        "delivery is marked Failed. Polling GET /api/intake/referrals still works alongside.";

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var webhook = app.MapGroup("/api/intake/webhook").WithTags("Partner webhook")
            .RequireAuthorization(policy => policy.RequireRole(CaseworkRoles.Partner));

        webhook.MapPut("", RegisterAsync)
            .RequireScope(IntakeService.ReferralsWriteScope)
            .WithName("RegisterWebhook")
            .WithSummary("Register or replace the portal's webhook (partners)")
            .WithDescription("Casework posts every status change of the portal's referrals to this URL, signed with a secret it generates. " +
                "The answer carries the secret once; registering again (a new URL, or to rotate the secret) replaces the webhook and its secret, " +
                "and pending deliveries go to the new URL with the new secret. The URL must be https on a public host. " + SignatureScheme)
            .Produces<WebhookRegistration>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        webhook.MapGet("", GetAsync)
            .RequireScope(IntakeService.ReferralsReadScope)
            .WithName("GetWebhook")
            .WithSummary("The portal's webhook, without its secret (partners)")
            .Produces<WebhookView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        webhook.MapDelete("", RemoveAsync)
            .RequireScope(IntakeService.ReferralsWriteScope)
            .WithName("RemoveWebhook")
            .WithSummary("Remove the portal's webhook (partners)")
            .WithDescription("No more deliveries are made: the delivery worker cancels the pending ones when it next comes to them (register again before that and they go to the new URL). Polling still works.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        webhook.MapGet("/deliveries", ListDeliveriesAsync)
            .RequireScope(IntakeService.ReferralsReadScope)
            .WithName("ListWebhookDeliveries")
            .WithSummary("The portal's webhook delivery log, newest first (partners)")
            .WithDescription("Each delivery with its state and every attempt (time, HTTP status or error, duration). Filter by state " +
                "(Pending, Delivered, Failed, Cancelled) or referralId; page with offset and limit (max 200).")
            .Produces<Page<WebhookDeliveryView>>()
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> RegisterAsync(
        RegisterWebhookRequest request, HttpContext http, IDocumentStore store, IOptions<WebhookOptions> options, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (WebhookTargets.Refusal(request.Url, options.Value.AllowInsecureTargets) is { } refusal)
        {
            errors.Add("url", refusal);
            return errors.ToProblem();
        }
        if (http.User.ClientId() is not { } clientId)
        {
            return NoClient();
        }
        var now = clock.GetUtcNow();
        var subscription = WebhookSubscription.Register(clientId, new Uri(request.Url!.Trim()), http.ActorId(), now);
        await using var session = store.OpenSession();
        var current = await session.GetAsync<WebhookSubscription>(clientId, cancellationToken);
        if (current is null)
        {
            session.Insert(clientId, subscription);
        }
        else
        {
            session.Update(clientId, subscription, current.Version);
        }
        session.Audit(http, current is null ? "WebhookRegistered" : "WebhookReplaced", "webhook", clientId, now);
        try
        {
            await session.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is StaleVersionException or DuplicateDocumentException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The webhook was changed at the same time.",
                detail: "Read it again and register once more if your URL is not the one in force.");
        }
        return TypedResults.Ok(new WebhookRegistration(subscription.Url, subscription.RegisteredAt, subscription.Secret, subscription.SecretHint));
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        if (http.User.ClientId() is not { } clientId)
        {
            return NoClient();
        }
        var subscription = await store.GetAsync<WebhookSubscription>(clientId, cancellationToken);
        return subscription is { Document: { IsActive: true } webhook }
            ? TypedResults.Ok(new WebhookView(webhook.Url, webhook.RegisteredAt, webhook.SecretHint))
            : NotFound();
    }

    private static async Task<IResult> RemoveAsync(HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (http.User.ClientId() is not { } clientId)
        {
            return NoClient();
        }
        await using var session = store.OpenSession();
        var current = await session.GetAsync<WebhookSubscription>(clientId, cancellationToken);
        if (current is not { Document.IsActive: true })
        {
            return NotFound();
        }
        var now = clock.GetUtcNow();
        session.Update(clientId, current.Document.Remove(now), current.Version);
        session.Audit(http, "WebhookRemoved", "webhook", clientId, now);
        try
        {
            await session.CommitAsync(cancellationToken);
        }
        catch (StaleVersionException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The webhook was changed at the same time.",
                detail: "Read it again and remove it once more if it is still registered.");
        }
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListDeliveriesAsync(
        HttpContext http, IDocumentStore store, string? state, Guid? referralId, int? offset, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.OneOf("state", state, WebhookDeliveryStates.All, required: false);
        errors.Paging(offset, limit);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (http.User.ClientId() is not { } clientId)
        {
            return NoClient();
        }
        var page = await store.QueryAsync<WebhookDelivery>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("clientId", clientId).Equal("state", state).Equal("referralId", referralId?.ToString()),
            OrderBy = "createdAt",
            Descending = true,
            Offset = offset ?? 0,
            Limit = limit ?? 50,
        }, cancellationToken);
        return TypedResults.Ok(page.With(page.Items.Select(d => WebhookDeliveryView.From(d.Document)).ToList()));
    }

    private static IResult NoClient() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The token names no partner client.");

    private static IResult NotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The portal has no webhook registered.");
}
