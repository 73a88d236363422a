using Casework.Case.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Case.Consumers;

/// <summary>Shows the accountable worker Assignment chose on the case.</summary>
public sealed class CaseAssignedConsumer(IDocumentStore store) : InboxConsumer<CaseAssigned>(store)
{
    protected override Task ApplyAsync(CaseAssigned message, IDocumentSession session, CancellationToken cancellationToken) =>
        AssignmentChange.ApplyAsync(session, message.CaseId,
            c => c.AssignTo(message.WorkerId, message.WorkerName, message.OccurredAt, message.Sequence, message.Reason), cancellationToken);
}

internal static class AssignmentChange
{
    /// <summary>Applies an assignment event to its case (which must exist: Case published CaseOpened before Assignment could act).</summary>
    public static async Task ApplyAsync(IDocumentSession session, Guid caseId, Func<SupportCase, SupportCase> change, CancellationToken cancellationToken)
    {
        var stored = await session.GetAsync<SupportCase>(caseId.ToString(), cancellationToken)
            ?? throw new InvalidOperationException($"Case {caseId} had its assignment changed but does not exist.");
        var changed = change(stored.Document);
        if (!ReferenceEquals(changed, stored.Document))
        {
            session.Update(stored.Id, changed, stored.Version);
        }
    }
}
