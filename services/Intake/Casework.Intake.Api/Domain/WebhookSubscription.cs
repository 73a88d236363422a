using System.Security.Cryptography;

namespace Casework.Intake.Domain;

/// <summary>
/// A partner portal's webhook: where Casework posts its referrals' status changes and the secret the
/// posts are signed with. One per partner client (the document id is the client id); replacing it
/// issues a new secret, removing it keeps the record with <see cref="RemovedAt"/> set.
/// </summary>
public sealed record WebhookSubscription(string ClientId, string Url, string Secret, DateTimeOffset RegisteredAt, string RegisteredBy)
{
    public DateTimeOffset? RemovedAt { get; init; }

    public bool IsActive => RemovedAt is null;

    public static WebhookSubscription Register(string clientId, Uri url, string registeredBy, DateTimeOffset now) =>
        new(clientId, url.AbsoluteUri, WebhookSignature.NewSecret(), now, registeredBy);

    public WebhookSubscription Remove(DateTimeOffset now) => this with { RemovedAt = RemovedAt ?? now };

    /// <summary>Enough of the secret for a partner to tell which one is in force, never enough to use it.</summary>
    public string SecretHint => Secret[..WebhookSignature.SecretPrefix.Length] + "…" + Secret[^4..];
}

/// <summary>
/// How deliveries are signed. The partner recomputes the signature to know a post came from Casework
/// and was not altered or replayed:
/// <c>Casework-Signature: v1=hex(HMAC-SHA256(key: UTF-8 of the secret, message: UTF-8 of "{timestamp}.{body}"))</c>,
/// where timestamp is the <c>Casework-Timestamp</c> header (Unix seconds) and body the raw request body.
/// </summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";
    public const string Version = "v1";

    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"{Version}={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>What a receiver does: same signature (compared in constant time) and a timestamp within the tolerance.</summary>
    public static bool Verify(string secret, string? timestampHeader, string body, string? signatureHeader, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, out var timestamp) || signatureHeader is null
            || (now - DateTimeOffset.FromUnixTimeSeconds(timestamp)).Duration() > tolerance)
        {
            return false;
        }
        var expected = System.Text.Encoding.UTF8.GetBytes(Sign(secret, timestamp, body));
        return signatureHeader.Split(',', StringSplitOptions.TrimEntries)
            .Any(candidate => CryptographicOperations.FixedTimeEquals(expected, System.Text.Encoding.UTF8.GetBytes(candidate)));
    }
}
