using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// A reopened case goes back to the worker it had (Case still shows them as accountable) and counts its hours against
/// their load again, even above capacity: capacity limits new assignments, not returning people. When that worker has
/// left the team or the service, the case is assigned anew like an opened one (or queued), so it never stays without one.
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
        if (reopened.Status != AssignmentStatus.Released || !reopened.OpenedHere)
        {
            // Still active (the reopening overtook its closure) or queued; or opened here not yet (CaseOpened will assign).
            session.Update(id, reopened, assignment.Version);
            return;
        }
        // Weighed again by today's table: the team's hours may have changed while it was closed.
        var hours = (await session.HoursOfTeamAsync(reopened.TeamId, cancellationToken)).For(reopened.Level);
        var loads = new WorkerLoads(session, clock);
        if (reopened.WorkerId is { } workerId && await loads.GetAsync(workerId, cancellationToken) is { } worker
            && worker.InTeam(reopened.TeamId) && worker.Availability != WorkerAvailability.Left)
        {
            loads.Take(workerId, reopened.Level, hours);
            session.Update(id, reopened.Reactivate(hours), assignment.Version);
            loads.Flush();
            return;
        }
        await assigner.AssignAsync(reopened, assignment.Version, session, cancellationToken);
    }
}
