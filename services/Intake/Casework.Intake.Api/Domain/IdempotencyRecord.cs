namespace Casework.Intake.Domain;

/// <summary>
/// The first result of a partner's POST with an Idempotency-Key, stored in the same transaction as the
/// referral, so a retry returns that result instead of creating a second referral.
/// </summary>
public sealed record IdempotencyRecord(string ClientId, string Key, string RequestHash, Guid ReferralId, DateTimeOffset CreatedAt)
{
    public static string DocumentId(string clientId, string key) => $"{clientId}:{key}";
}
