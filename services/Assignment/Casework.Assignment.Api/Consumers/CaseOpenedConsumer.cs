using Casework.Assignment.Assigning;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>Assigns every opened case to the worker of its team with the most free capacity.</summary>
public sealed class CaseOpenedConsumer(IDocumentStore store, CaseAssigner assigner, CapacityUnit capacity) : CapacityConsumer<CaseOpened>(store, capacity)
{
    protected override Task ApplyAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken) =>
        assigner.OpenedAsync(message, session, cancellationToken);
}
