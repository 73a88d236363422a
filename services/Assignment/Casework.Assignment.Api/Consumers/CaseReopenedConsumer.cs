using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// A reopened case goes back to the worker it had (Case still shows them as accountable), and counts against
/// their caseload again, even above capacity: capacity limits new assignments, not returning people.
/// </summary>
public sealed class CaseReopenedConsumer(IDocumentStore store, TimeProvider clock, ILogger<CaseReopenedConsumer> logger)
    : InboxConsumer<CaseReopened>(store)
{
    protected override async Task ApplyAsync(CaseReopened message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var assignment = await session.GetAsync<CaseAssignment>(CaseAssignment.DocumentId(message.CaseId), cancellationToken);
        if (assignment is null || assignment.Document.ClosedSince(message.OccurredAt))
        {
            return; // never assigned here, or closed again after this reopening
        }
        var current = assignment.Document;
        if (current.Status != AssignmentStatus.Released)
        {
            // The reopening overtook its closure: remember it, so the late closure releases nothing.
            session.Update(assignment.Id, current with { ReopenedAt = message.OccurredAt.ToUniversalTime() }, assignment.Version);
            return;
        }
        if (current.WorkerId is not { } workerId || await session.GetAsync<Worker>(workerId, cancellationToken) is not { } worker)
        {
            logger.LogWarning("Case {CaseId} was reopened but its worker is no longer here; it stays unassigned", message.CaseId);
            return;
        }
        var taken = worker.Document.Take();
        session.Update(worker.Id, taken, worker.Version);
        session.Publish(new WorkerCapacityChanged(taken.Id, taken.TeamId, taken.Capacity, taken.OpenCases, clock.GetUtcNow()));
        session.Update(assignment.Id, current.Reactivate(message.OccurredAt), assignment.Version);
    }
}
