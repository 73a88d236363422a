using Casework.Persistence;
using MassTransit;

namespace Casework.Messaging;

/// <summary>
/// A consumer whose effect is applied exactly once per message: the message id is recorded in the
/// inbox in the same transaction as the effect (and any events it publishes through the outbox),
/// so a redelivery or a retry after a crash changes nothing twice.
/// </summary>
public abstract class InboxConsumer<TMessage>(IDocumentStore store) : IConsumer<TMessage> where TMessage : class
{
    protected IDocumentStore Store => store;

    public async Task Consume(ConsumeContext<TMessage> context)
    {
        var messageId = context.MessageId ?? throw new InvalidOperationException($"A {typeof(TMessage).Name} arrived without a message id.");
        var consumer = GetType().Name;
        if (await store.HasConsumedAsync(messageId, consumer, context.CancellationToken))
        {
            return;
        }
        await using var session = store.OpenSession();
        session.MarkConsumed(messageId, consumer);
        await ApplyAsync(context.Message, session, context.CancellationToken);
        await session.CommitAsync(context.CancellationToken);
    }

    /// <summary>Reads what it needs and queues its writes and events on <paramref name="session"/>; the base commits.</summary>
    protected abstract Task ApplyAsync(TMessage message, IDocumentSession session, CancellationToken cancellationToken);
}
