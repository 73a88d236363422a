using Casework.Intake.Domain;

namespace Casework.Intake.Webhooks;

/// <summary>Partner webhook settings (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Local runs and tests only: allow http and private, loopback and link-local targets.</summary>
    public bool AllowInsecureTargets { get; set; }

    /// <summary>How often each replica looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Due deliveries taken per poll, and how many of them are sent at once.</summary>
    public int BatchSize { get; set; } = 20;
    public int Concurrency { get; set; } = 4;

    /// <summary>How long a partner has to answer one post.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a claimed delivery stays hidden from other workers; longer than <see cref="Timeout"/>.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts in all, and the backoff between them (base × 2^(n-1), capped, half of it random).</summary>
    public int MaxAttempts { get; set; } = 8;
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    public WebhookRetryPolicy RetryPolicy => new(MaxAttempts, BaseDelay, MaxDelay);

    /// <summary>The settings' problems, if any (checked at start-up).</summary>
    public IEnumerable<string> Problems()
    {
        if (PollInterval <= TimeSpan.Zero) yield return "PollInterval must be positive.";
        if (BatchSize is < 1 or > 500) yield return "BatchSize must be between 1 and 500.";
        if (Concurrency is < 1 or > 64) yield return "Concurrency must be between 1 and 64.";
        if (Timeout <= TimeSpan.Zero) yield return "Timeout must be positive.";
        if (Lease <= Timeout) yield return "Lease must be longer than Timeout, or a slow post could be sent twice at once.";
        if (MaxAttempts is < 1 or > 50) yield return "MaxAttempts must be between 1 and 50.";
        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay) yield return "BaseDelay must be positive and MaxDelay at least BaseDelay.";
    }
}
