using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// A reopened case goes back to the worker it had (Case still shows them as accountable) and counts against their
/// caseload again, even above capacity: capacity limits new assignments, not returning people. When that worker
/// is gone or has moved team, the case is assigned anew like an opened one (or queued), so it never stays without one.
/// </summary>
public sealed class CaseReopenedConsumer(IDocumentStore store, CaseAssigner assigner, TimeProvider clock) : InboxConsumer<CaseReopened>(store)
{
    protected override async Task ApplyAsync(CaseReopened message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(message.CaseId);
        var assignment = await session.GetAsync<CaseAssignment>(id, cancellationToken);
        if (assignment is null)
        {
            // Overtook its CaseOpened (and closure): remember it, so the closure releases nothing and CaseOpened assigns.
            session.Insert(id, CaseAssignment.ReopenedBeforeOpened(message.CaseId, message.CaseVersion));
            return;
        }
        if (assignment.Document.HasApplied(message.CaseVersion))
        {
            return; // closed again after this reopening, or applied before
        }
        var reopened = assignment.Document.Reopened(message.CaseVersion);
        if (reopened.Status != AssignmentStatus.Released || reopened.TeamId == "")
        {
            // Still active (the reopening overtook its closure) or queued; or opened here not yet (CaseOpened will assign).
            session.Update(id, reopened, assignment.Version);
            return;
        }
        if (reopened.WorkerId is { } workerId && await session.GetAsync<Worker>(workerId, cancellationToken) is { } worker
            && worker.Document.TeamId == reopened.TeamId)
        {
            var taken = worker.Document.Take();
            session.Update(worker.Id, taken, worker.Version);
            session.Publish(new WorkerCapacityChanged(taken.Id, taken.TeamId, taken.Capacity, taken.OpenCases, clock.GetUtcNow()));
            session.Update(id, reopened.Reactivate(), assignment.Version);
            return;
        }
        await assigner.AssignAsync(message.CaseId, reopened.TeamId, reopened.OpenedAt ?? message.OccurredAt, new Stored<CaseAssignment>(assignment.Id, assignment.Version, reopened),
            session, cancellationToken);
    }
}
