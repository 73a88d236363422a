using System.Text.Json;
using Casework.Intake.Domain;
using Casework.Persistence;

namespace Casework.Intake.Webhooks;

/// <summary>The JSON a partner's webhook receives for one status change of one of its referrals.</summary>
public sealed record ReferralStatusWebhook(
    Guid DeliveryId,
    string Event,
    Guid ReferralId,
    string? ExternalReference,
    string Status,
    string? Reason,
    DateTimeOffset OccurredAt,
    long ReferralVersion);

public static class PartnerWebhooks
{
    /// <summary>
    /// Queues a webhook delivery of the referral's latest status change on the session (so it commits with
    /// the change, or not at all) when the partner that submitted it has a webhook. Nothing is sent here:
    /// the <see cref="WebhookDeliveryWorker"/> posts it.
    /// </summary>
    /// <param name="version">The referral's version once this change commits; partners use it to ignore an older status arriving late.</param>
    public static async Task EnqueueStatusWebhookAsync(this IDocumentSession session, Referral referral, long version, CancellationToken cancellationToken)
    {
        if (referral.PartnerClientId is not { } clientId)
        {
            return; // staff-entered and self-referrals have no partner to tell
        }
        var subscription = await session.GetAsync<WebhookSubscription>(clientId, cancellationToken);
        if (subscription is not { Document.IsActive: true })
        {
            return;
        }
        var change = referral.History[^1];
        var deliveryId = Guid.CreateVersion7(change.At);
        var eventName = EventName(referral.Status);
        // Decline and withdrawal reasons are the partner's to see; nothing else carries one.
        var reason = referral.Status is ReferralStatus.Declined or ReferralStatus.Withdrawn ? change.Reason : null;
        var body = JsonSerializer.Serialize(
            new ReferralStatusWebhook(deliveryId, eventName, referral.Id, referral.ExternalReference, referral.Status, reason, change.At, version),
            DocumentJson.Options);
        var delivery = WebhookDelivery.Create(deliveryId, clientId, referral, eventName, body, change.At);
        session.Insert(delivery.Id.ToString(), delivery);
    }

    /// <summary>"referral.received", "referral.screening", "referral.accepted", "referral.declined", "referral.withdrawn".</summary>
    public static string EventName(string status) => "referral." + status.ToLowerInvariant();
}
