using Casework.Persistence;
using MassTransit;
using Prometheus;

namespace Casework.Messaging;

/// <summary>
/// A consumer whose effect is applied exactly once per message: the message id is recorded in the
/// inbox in the same transaction as the effect (and any events it publishes through the outbox),
/// so a redelivery or a retry after a crash changes nothing twice.
/// </summary>
public abstract class InboxConsumer<TMessage>(IDocumentStore store) : IConsumer<TMessage> where TMessage : class
{
    private static readonly Counter Consumed = Metrics.CreateCounter("casework_messages_consumed_total",
        "Messages handled by inbox consumers, by consumer and outcome (applied, duplicate, failed).", "consumer", "outcome");

    private static readonly Histogram Duration = Metrics.CreateHistogram("casework_message_consume_duration_seconds",
        "Time to apply one message, including its commit.", new HistogramConfiguration
        {
            LabelNames = ["consumer"],
            Buckets = Histogram.ExponentialBuckets(0.001, 2, 14),
        });

    protected IDocumentStore Store => store;

    /// <summary>
    /// The inbox key and metrics label: the class name, unless one generic consumer class serves many message types
    /// (it names itself per type). Renaming it makes the consumer apply already-applied messages again.
    /// </summary>
    protected virtual string ConsumerName => GetType().Name;

    /// <summary>Virtual so a consumer can wrap the whole unit of work (e.g. hold it while a projection is rebuilt).</summary>
    public virtual async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"A {typeof(TMessage).Name} arrived without a message id.");
        var consumer = ConsumerName;
        using var timer = Duration.WithLabels(consumer).NewTimer();
        try
        {
            if (await store.HasConsumedAsync(messageId, consumer, context.CancellationToken))
            {
                Consumed.WithLabels(consumer, "duplicate").Inc();
                return;
            }
            await using var session = store.OpenSession();
            session.MarkConsumed(messageId, consumer);
            await ApplyAsync(context.Message, session, context.CancellationToken);
            var result = await session.CommitAsync(context.CancellationToken);
            Consumed.WithLabels(consumer, result == CommitResult.Committed ? "applied" : "duplicate").Inc();
        }
        catch
        {
            Consumed.WithLabels(consumer, "failed").Inc();
            throw;
        }
    }

    /// <summary>Reads what it needs and queues its writes and events on <paramref name="session"/>; the base commits.</summary>
    protected abstract Task ApplyAsync(TMessage message, IDocumentSession session, CancellationToken cancellationToken);
}
