using Casework.Assignment.Assigning;
using Casework.Messaging;
using Casework.Persistence;
using MassTransit;

namespace Casework.Assignment.Consumers;

/// <summary>
/// An inbox consumer whose change may free a worker's room: the change commits first (with its inbox mark), then the
/// freed workers are offered queued cases as a separate best-effort step (<see cref="CapacityUnit.FillFreedAsync"/>),
/// so contention over the queue can never fail the change itself or send it to the error queue.
/// </summary>
public abstract class CapacityConsumer<TMessage>(IDocumentStore store, CapacityUnit capacity) : InboxConsumer<TMessage>(store), IConsumer<TMessage>
    where TMessage : class
{
    protected CapacityUnit Capacity => capacity;

    async Task IConsumer<TMessage>.Consume(ConsumeContext<TMessage> context)
    {
        await Consume(context);
        await capacity.FillFreedAsync(context.CancellationToken);
    }
}
