using Casework.Intake.Domain;
using Casework.Persistence;
using Microsoft.Extensions.Options;

namespace Casework.Intake;

/// <summary>How long Intake keeps records that are finished with (section <c>Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Delivered, failed or cancelled webhook deliveries (the partner's delivery log) are kept this long after they were queued.</summary>
    public TimeSpan WebhookDeliveries { get; set; } = TimeSpan.FromDays(30);

    /// <summary>An Idempotency-Key answers retries this long; after that the key is forgotten (and could be used again).</summary>
    public TimeSpan IdempotencyKeys { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the retention runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Deletes what Intake keeps only for a while, so the stores do not grow without end: finished webhook deliveries
/// and old idempotency keys. Safe on every replica (a purge deletes whatever still matches).
/// </summary>
public sealed class IntakeRetention(IDocumentStore store, IOptions<RetentionOptions> options, TimeProvider clock, ILogger<IntakeRetention> logger)
    : BackgroundService
{
    private const int Batch = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (deliveries, keys) = await PurgeAsync(clock.GetUtcNow(), stoppingToken);
                if (deliveries + keys > 0)
                {
                    logger.LogInformation("Retention deleted {Deliveries} finished webhook deliveries and {Keys} idempotency keys", deliveries, keys);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Retention failed; it runs again at the next interval");
            }
            try
            {
                await Task.Delay(options.Value.Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Deletes everything past its retention at <paramref name="now"/>; returns how many deliveries and keys.</summary>
    public async Task<(int Deliveries, int Keys)> PurgeAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var finished = new DocumentFilter()
            .In("state", [WebhookDeliveryStates.Delivered, WebhookDeliveryStates.Failed, WebhookDeliveryStates.Cancelled])
            .LessThan("createdAt", SortableUtc.Format(now - settings.WebhookDeliveries));
        var expired = new DocumentFilter().LessThan("createdAt", SortableUtc.Format(now - settings.IdempotencyKeys));
        return (await PurgeAllAsync<WebhookDelivery>(finished, cancellationToken), await PurgeAllAsync<IdempotencyRecord>(expired, cancellationToken));
    }

    private async Task<int> PurgeAllAsync<T>(DocumentFilter filter, CancellationToken cancellationToken) where T : class
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await store.PurgeAsync<T>(filter, Batch, cancellationToken);
            total += deleted;
        }
        while (deleted == Batch);
        return total;
    }
}
