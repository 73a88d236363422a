using System.Text.Json.Serialization;
using Casework.Persistence;

namespace Casework.Intake.Domain;

public static class WebhookDeliveryStates
{
    /// <summary>Waiting for its first or next attempt.</summary>
    public const string Pending = "Pending";
    /// <summary>The partner answered 2xx.</summary>
    public const string Delivered = "Delivered";
    /// <summary>Every attempt failed; no more are made.</summary>
    public const string Failed = "Failed";
    /// <summary>The partner removed its webhook before it was delivered.</summary>
    public const string Cancelled = "Cancelled";

    public static readonly IReadOnlyList<string> All = [Pending, Delivered, Failed, Cancelled];
}

/// <summary>One post to the partner's webhook: when, what it answered (status code or the error), how long it took.</summary>
public sealed record WebhookAttempt(int Number, DateTimeOffset At, int? StatusCode, string? Error, long DurationMs)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>
/// A status change to post to a partner's webhook, written in the same commit as the change. The body is
/// fixed then, so every attempt sends the same bytes (only the timestamp and signature are new). Workers
/// claim a delivery by moving <see cref="NextAttemptAt"/> past the attempt (a versioned write, so one
/// worker wins); a worker that dies mid-attempt leaves it to be tried again when that lease runs out.
/// </summary>
public sealed record WebhookDelivery(
    Guid Id,
    string ClientId,
    Guid ReferralId,
    string? ExternalReference,
    string Event,
    string ReferralStatus,
    string Body,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset CreatedAt)
{
    public string State { get; init; } = WebhookDeliveryStates.Pending;

    /// <summary>When a worker may (next) send it; none once it is finished, so the workers' range query skips it.</summary>
    [JsonConverter(typeof(SortableUtc.JsonConverter))]
    public DateTimeOffset? NextAttemptAt { get; init; }

    public IReadOnlyList<WebhookAttempt> Attempts { get; init; } = [];

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why it was cancelled.</summary>
    public string? Note { get; init; }

    public static WebhookDelivery Create(Guid id, string clientId, Referral referral, string eventName, string body, DateTimeOffset now) =>
        new(id, clientId, referral.Id, referral.ExternalReference, eventName, referral.Status, body, now) { NextAttemptAt = now };

    /// <summary>Hides it from other workers for <paramref name="lease"/> while this one sends it.</summary>
    public WebhookDelivery Claim(DateTimeOffset now, TimeSpan lease) =>
        State == WebhookDeliveryStates.Pending
            ? this with { NextAttemptAt = now + lease }
            : throw new InvalidOperationException($"A {State} delivery cannot be claimed.");

    /// <summary>Records an attempt: delivered, due again after the policy's delay, or failed once the attempts run out.</summary>
    public WebhookDelivery Record(WebhookAttempt attempt, WebhookRetryPolicy retry, double jitter)
    {
        var attempted = this with { Attempts = [.. Attempts, attempt] };
        if (attempt.Succeeded)
        {
            return attempted with { State = WebhookDeliveryStates.Delivered, NextAttemptAt = null, FinishedAt = attempt.At };
        }
        return retry.DelayAfter(attempted.Attempts.Count, jitter) is { } delay
            ? attempted with { NextAttemptAt = attempt.At + delay }
            : attempted with { State = WebhookDeliveryStates.Failed, NextAttemptAt = null, FinishedAt = attempt.At };
    }

    /// <summary>
    /// Holds a pending delivery back without an attempt (its partner just failed another one): a partner that is down
    /// waits out its own backoff instead of filling every worker's batch. Never brings an attempt forward.
    /// </summary>
    public WebhookDelivery HoldUntil(DateTimeOffset until) =>
        State == WebhookDeliveryStates.Pending && (NextAttemptAt is null || NextAttemptAt < until) ? this with { NextAttemptAt = until } : this;

    public WebhookDelivery Cancel(string why, DateTimeOffset now) =>
        this with { State = WebhookDeliveryStates.Cancelled, NextAttemptAt = null, FinishedAt = now, Note = why };
}

/// <summary>
/// Exponential backoff with jitter: after the n-th failure wait base × 2^(n-1), capped at the maximum,
/// of which the second half is random (so partners coming back up are not hit by every retry at once).
/// </summary>
public sealed record WebhookRetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    /// <param name="failedAttempts">Attempts made so far (all failed).</param>
    /// <param name="jitter">A random number in [0, 1).</param>
    /// <returns>The wait before the next attempt, or null when no attempt is left.</returns>
    public TimeSpan? DelayAfter(int failedAttempts, double jitter)
    {
        if (failedAttempts >= MaxAttempts)
        {
            return null;
        }
        var exponential = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(failedAttempts - 1, 0));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + capped / 2 * Math.Clamp(jitter, 0, 1));
    }
}
