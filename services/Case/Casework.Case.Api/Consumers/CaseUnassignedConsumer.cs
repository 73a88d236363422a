using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Case.Consumers;

/// <summary>Clears the accountable worker when Assignment puts the case back in its team's queue.</summary>
public sealed class CaseUnassignedConsumer(IDocumentStore store) : InboxConsumer<CaseUnassigned>(store)
{
    protected override Task ApplyAsync(CaseUnassigned message, IDocumentSession session, CancellationToken cancellationToken) =>
        AssignmentChange.ApplyAsync(session, message.CaseId, c => c.Unassign(message.Reason, message.OccurredAt, message.Sequence, message.WorkerId), cancellationToken);
}
