using Casework.Messaging;
using Casework.Persistence;
using MassTransit;

namespace Casework.Reporting.Projections;

/// <summary>
/// The one consumer of every event Reporting reads (registered once per type in <see cref="Projector.Consumed"/>): stores
/// the event in the event log and applies it to the read models in the same commit, once per message (the inbox).
/// </summary>
public sealed class EventConsumer<T>(IDocumentStore store, Projector projector, ProjectionGate gate, TimeProvider time)
    : InboxConsumer<T>(store) where T : class
{
    private Guid _messageId;

    /// <summary>The name each per-type consumer had before this class replaced them: messages already applied stay applied.</summary>
    protected override string ConsumerName { get; } = typeof(T).Name + "Consumer";

    public override async Task Consume(ConsumeContext<T> context)
    {
        _messageId = context.MessageId ?? throw new InvalidOperationException($"A {typeof(T).Name} arrived without a message id.");
        using (await gate.EnterAsync(context.CancellationToken))
        {
            await base.Consume(context);
        }
    }

    protected override async Task ApplyAsync(T message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var batch = new ReadModelBatch(session);
        // Already logged (a message applied before the inbox knew this consumer's name): kept as first stored.
        await batch.ChangeAsync(EventLogEntry.DocumentId(_messageId), () => EventLogEntry.For(_messageId, message, time.GetUtcNow()), e => e, cancellationToken);
        await projector.ApplyAsync(message, batch, cancellationToken);
        batch.QueueWrites();
    }
}
