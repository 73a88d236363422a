using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>Assigns every opened case to the worker of its team with the most free capacity.</summary>
public sealed class CaseOpenedConsumer(IDocumentStore store, CaseAssigner assigner) : InboxConsumer<CaseOpened>(store)
{
    protected override Task ApplyAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken) =>
        assigner.AssignAsync(message, session, cancellationToken);
}
