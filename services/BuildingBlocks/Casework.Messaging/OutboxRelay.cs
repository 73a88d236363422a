using System.Text.Json;
using Casework.Contracts.Events;
using Casework.Persistence;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Casework.Messaging;

public sealed class OutboxRelayOptions
{
    /// <summary>Fallback poll for events committed by other replicas or left by a crash.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public int BatchSize { get; set; } = 200;
    /// <summary>How long a claimed batch stays hidden from other relays before it is retried.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan KeepSentFor { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Publishes committed outbox events with publisher confirms and marks them sent. Woken by each
/// commit that wrote events; an event is published at least once, with its outbox id as the
/// message id so that consumers' inboxes drop duplicates.
/// </summary>
internal sealed class OutboxRelay(
    IOutboxStore outbox,
    OutboxSignal signal,
    IBus bus,
    IOptions<OutboxRelayOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly Counter Published = Metrics.CreateCounter("casework_outbox_published_total", "Outbox events published to the broker.");
    private static readonly Counter Failures = Metrics.CreateCounter("casework_outbox_publish_failures_total", "Outbox events whose publish failed (retried later).");
    private static readonly Gauge Pending = Metrics.CreateGauge("casework_outbox_pending", "Outbox events not yet published, counted by the relay at its poll pace.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lastPurge = DateTimeOffset.MinValue;
        var lastCount = DateTimeOffset.MinValue;
        var failuresInARow = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The backlog gauge is refreshed at the poll pace on every path, failing publishes included: a
                // broker outage is exactly when the backlog grows (the outbox-backlog alert reads it).
                if (DateTimeOffset.UtcNow - lastCount >= settings.PollInterval)
                {
                    lastCount = DateTimeOffset.UtcNow;
                    Pending.Set(await outbox.CountPendingAsync(stoppingToken));
                }
                var batch = await outbox.ClaimAsync(settings.BatchSize, settings.Lease, stoppingToken);
                if (batch.Count > 0)
                {
                    var sent = await PublishAsync(batch, stoppingToken);
                    await outbox.MarkSentAsync(sent, stoppingToken);
                    failuresInARow = sent.Count == batch.Count ? 0 : failuresInARow + 1;
                    if (batch.Count == settings.BatchSize && failuresInARow == 0)
                    {
                        continue; // more may be waiting
                    }
                }
                else
                {
                    failuresInARow = 0;
                }
                if (failuresInARow > 0)
                {
                    await Task.Delay(Backoff(failuresInARow), stoppingToken);
                    continue;
                }

                // Once an hour, and only when caught up (not between batches): delete sent events older than KeepSentFor.
                if (DateTimeOffset.UtcNow - lastPurge > TimeSpan.FromHours(1))
                {
                    lastPurge = DateTimeOffset.UtcNow;
                    await outbox.PurgeSentAsync(lastPurge - settings.KeepSentFor, stoppingToken);
                }
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                failuresInARow++;
                logger.LogWarning(exception, "Outbox relay failed; retrying");
                await Task.Delay(Backoff(failuresInARow), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Publishes the batch with many confirms in flight; returns the ids the broker confirmed.</summary>
    private async Task<IReadOnlyCollection<Guid>> PublishAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(batch.Select(async message =>
        {
            try
            {
                var type = EventTypes.Resolve(message.Type)
                    ?? throw new InvalidOperationException($"Unknown event type '{message.Type}' in the outbox.");
                var body = JsonSerializer.Deserialize(message.Payload, type, DocumentJson.Options)!;
                await bus.Publish(body, type, context => context.MessageId = message.Id, cancellationToken);
                Published.Inc();
                return (message.Id, Sent: true);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                Failures.Inc();
                logger.LogWarning(exception, "Publishing outbox event {EventId} ({EventType}) failed", message.Id, message.Type);
                return (message.Id, Sent: false);
            }
        }));
        return results.Where(r => r.Sent).Select(r => r.Id).ToList();
    }

    private static TimeSpan Backoff(int failures) => TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, failures), 10_000));
}
