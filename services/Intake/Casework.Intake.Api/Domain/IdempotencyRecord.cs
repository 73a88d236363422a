using System.Text.Json.Serialization;
using Casework.Persistence;

namespace Casework.Intake.Domain;

/// <summary>
/// The first result of a partner's POST with an Idempotency-Key, stored in the same transaction as the
/// referral, so a retry returns that result instead of creating a second referral. Kept for a retention period
/// (<c>Retention:IdempotencyKeys</c>), so its time is stored sortable.
/// </summary>
public sealed record IdempotencyRecord(
    string ClientId,
    string Key,
    string RequestHash,
    Guid ReferralId,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset CreatedAt)
{
    public static string DocumentId(string clientId, string key) => $"{clientId}:{key}";
}
