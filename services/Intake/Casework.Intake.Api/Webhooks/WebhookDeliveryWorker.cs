using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Casework.Intake.Domain;
using Casework.Persistence;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Casework.Intake.Webhooks;

/// <summary>The headers of a webhook post (documented in the API description and the README).</summary>
public static class WebhookHeaders
{
    /// <summary>The delivery's id: the same on every attempt, so a receiver can drop a repeat.</summary>
    public const string Delivery = "Casework-Delivery";
    public const string Event = "Casework-Event";
    /// <summary>Unix seconds when this attempt was signed.</summary>
    public const string Timestamp = "Casework-Timestamp";
    public const string Signature = "Casework-Signature";
}

/// <summary>
/// Posts due webhook deliveries, on every replica. Each delivery is claimed with a versioned write
/// before it is sent, so only one worker sends a given attempt; the outcome is written back the same way.
/// </summary>
public sealed class WebhookDeliveryWorker(
    IDocumentStore store,
    IHttpClientFactory httpClients,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDeliveryWorker> logger) : BackgroundService
{
    public const string HttpClientName = "casework-webhooks";

    private static readonly Counter Attempts = Metrics.CreateCounter("casework_webhook_attempts_total",
        "Webhook posts to partners, by outcome (delivered, retry, failed, cancelled).", "outcome");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) >= settings.BatchSize)
                {
                    continue; // more may be due
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Webhook deliveries could not be processed; trying again at the next poll");
            }
            try
            {
                await Task.Delay(settings.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Sends the deliveries due now; returns how many were due.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var due = await store.QueryAsync<WebhookDelivery>(new DocumentQuery
        {
            Filter = new DocumentFilter().AtMost("nextAttemptAt", SortableUtc.Format(clock.GetUtcNow())),
            OrderBy = "nextAttemptAt",
            Limit = settings.BatchSize,
            CountLimit = 0,
        }, cancellationToken);
        // Partners in parallel, each partner's deliveries one after another. Once one of a partner's attempts fails, all
        // its due deliveries (not only this batch's) wait for that one's retry time without an attempt: a partner that is
        // down costs one timeout per retry, and the next batches are other partners' deliveries.
        var byPartner = due.Items.GroupBy(d => d.Document.ClientId);
        await Parallel.ForEachAsync(byPartner, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (deliveries, token) =>
            {
                foreach (var candidate in deliveries)
                {
                    if (await DeliverAsync(candidate, token) is { State: WebhookDeliveryStates.Pending, NextAttemptAt: { } retryAt })
                    {
                        await HoldPartnerAsync(deliveries.Key, retryAt, token);
                        return;
                    }
                }
            });
        return due.Items.Count;
    }

    /// <summary>Moves every due delivery of the partner to <paramref name="until"/> (a delivery claimed meanwhile is left to its worker).</summary>
    private async Task HoldPartnerAsync(string clientId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var dueBy = SortableUtc.Format(clock.GetUtcNow());
        while (true)
        {
            var batch = await store.QueryAsync<WebhookDelivery>(new DocumentQuery
            {
                Filter = new DocumentFilter().Equal("clientId", clientId).AtMost("nextAttemptAt", dueBy),
                Limit = 200,
                CountLimit = 0,
            }, cancellationToken);
            foreach (var candidate in batch.Items)
            {
                await HoldAsync(candidate, until, cancellationToken);
            }
            if (batch.Items.Count < 200)
            {
                return;
            }
        }
    }

    private async Task HoldAsync(Stored<WebhookDelivery> candidate, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var held = candidate.Document.HoldUntil(until);
        if (!ReferenceEquals(held, candidate.Document))
        {
            await WebhookDeliveries.SaveAsync(store, candidate, held, cancellationToken); // a worker that claimed it meanwhile wins
        }
    }

    /// <summary>Makes one attempt at a delivery this worker manages to claim; returns its outcome (null when another worker had it).</summary>
    private async Task<WebhookDelivery?> DeliverAsync(Stored<WebhookDelivery> candidate, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var claimed = await WebhookDeliveries.TryClaimAsync(store, candidate, clock.GetUtcNow(), settings.Lease, cancellationToken);
        if (claimed is null)
        {
            return null; // another replica has it
        }
        var delivery = claimed.Document;
        var subscription = await store.GetAsync<WebhookSubscription>(delivery.ClientId, cancellationToken);
        WebhookDelivery outcome;
        if (subscription is not { Document.IsActive: true })
        {
            outcome = delivery.Cancel("The webhook was removed before the delivery was made.", clock.GetUtcNow());
            Attempts.WithLabels("cancelled").Inc();
        }
        else
        {
            var attempt = await PostAsync(subscription.Document, delivery, delivery.Attempts.Count + 1, cancellationToken);
            outcome = delivery.Record(attempt, settings.RetryPolicy, Random.Shared.NextDouble());
            Attempts.WithLabels(outcome.State switch
            {
                WebhookDeliveryStates.Delivered => "delivered",
                WebhookDeliveryStates.Failed => "failed",
                _ => "retry",
            }).Inc();
            if (outcome.State == WebhookDeliveryStates.Failed)
            {
                logger.LogWarning("Webhook delivery {DeliveryId} to partner {ClientId} failed after {Attempts} attempts (last: {Status} {Error})",
                    delivery.Id, delivery.ClientId, outcome.Attempts.Count, attempt.StatusCode, attempt.Error);
            }
        }
        await WebhookDeliveries.SaveAsync(store, claimed, outcome, cancellationToken);
        return outcome;
    }

    private async Task<WebhookAttempt> PostAsync(WebhookSubscription subscription, WebhookDelivery delivery, int number, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var startedAt = clock.GetUtcNow();
        var timestamp = startedAt.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookHeaders.Delivery, delivery.Id.ToString());
        request.Headers.Add(WebhookHeaders.Event, delivery.Event);
        request.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSignature.Sign(subscription.Secret, timestamp, delivery.Body));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Casework-Webhooks", "1"));

        var stopwatch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return new WebhookAttempt(number, startedAt, (int)response.StatusCode, null, stopwatch.ElapsedMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookAttempt(number, startedAt, null, $"No answer within {settings.Timeout.TotalSeconds:0.#} s.", stopwatch.ElapsedMilliseconds);
        }
        catch (HttpRequestException exception)
        {
            // The log is the partner's to read: say what went wrong in general terms, never what was resolved or where.
            var error = exception.InnerException is WebhookTargetRefusedException
                ? "The webhook's host resolves to an address Casework does not post to (private, loopback or reserved)."
                : $"The request failed: {exception.HttpRequestError}.";
            return new WebhookAttempt(number, startedAt, null, error, stopwatch.ElapsedMilliseconds);
        }
    }
}

/// <summary>The versioned writes of the delivery lifecycle.</summary>
public static class WebhookDeliveries
{
    /// <summary>
    /// Claims a due delivery for one attempt, or returns null when another worker claimed or finished it
    /// since it was read (the write is conditional on the version read).
    /// </summary>
    public static async Task<Stored<WebhookDelivery>?> TryClaimAsync(
        IDocumentStore store, Stored<WebhookDelivery> candidate, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (candidate.Document.State != WebhookDeliveryStates.Pending)
        {
            return null;
        }
        var claimed = candidate.Document.Claim(now, lease);
        await using var session = store.OpenSession();
        session.Update(candidate.Id, claimed, candidate.Version);
        try
        {
            await session.CommitAsync(cancellationToken);
        }
        catch (StaleVersionException)
        {
            return null;
        }
        return new Stored<WebhookDelivery>(candidate.Id, candidate.Version + 1, claimed);
    }

    /// <summary>Writes the attempt's outcome over the claim (a stale claim, one whose lease ran out and was retaken, is dropped).</summary>
    public static async Task SaveAsync(IDocumentStore store, Stored<WebhookDelivery> claimed, WebhookDelivery outcome, CancellationToken cancellationToken)
    {
        await using var session = store.OpenSession();
        session.Update(claimed.Id, outcome, claimed.Version);
        try
        {
            await session.CommitAsync(cancellationToken);
        }
        catch (StaleVersionException)
        {
            // The lease ran out and another worker took the delivery over: its record of the attempt stands.
        }
    }
}
