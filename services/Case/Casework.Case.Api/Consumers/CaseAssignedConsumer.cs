using Casework.Case.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Case.Consumers;

/// <summary>Shows the accountable worker Assignment chose on the case.</summary>
public sealed class CaseAssignedConsumer(IDocumentStore store) : InboxConsumer<CaseAssigned>(store)
{
    protected override async Task ApplyAsync(CaseAssigned message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var stored = await session.GetAsync<SupportCase>(message.CaseId.ToString(), cancellationToken)
            ?? throw new InvalidOperationException($"Case {message.CaseId} was assigned but does not exist.");
        var assigned = stored.Document.AssignTo(message.WorkerId, message.WorkerName, message.OccurredAt);
        if (!ReferenceEquals(assigned, stored.Document))
        {
            session.Update(stored.Id, assigned, stored.Version);
        }
    }
}
