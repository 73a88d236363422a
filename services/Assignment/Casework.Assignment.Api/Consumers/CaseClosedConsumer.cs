using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>Releases a closed case's assignment and frees the capacity it held.</summary>
public sealed class CaseClosedConsumer(IDocumentStore store, TimeProvider clock, ILogger<CaseClosedConsumer> logger)
    : InboxConsumer<CaseClosed>(store)
{
    protected override async Task ApplyAsync(CaseClosed message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(message.CaseId);
        var assignment = await session.GetAsync<CaseAssignment>(id, cancellationToken);
        if (assignment is null)
        {
            // Events can overtake each other: remember the closure so a late CaseOpened assigns nobody.
            logger.LogWarning("Case {CaseId} closed before it was opened here; recording it as released", message.CaseId);
            session.Insert(id, CaseAssignment.ClosedBeforeOpened(message.CaseId, message.OccurredAt, message.CaseVersion));
            return;
        }
        if (assignment.Document.HasApplied(message.CaseVersion))
        {
            return; // a reopening after this closure overtook it (or this closure was applied)
        }
        if (assignment.Document.Status == AssignmentStatus.Released)
        {
            session.Update(id, assignment.Document with { LifecycleVersion = Math.Max(assignment.Document.LifecycleVersion, message.CaseVersion), ReopenedLast = false },
                assignment.Version);
            return;
        }

        var now = clock.GetUtcNow();
        // Only an active assignment holds capacity (an unassigned case never took any).
        if (assignment.Document is { Status: AssignmentStatus.Active, WorkerId: { } workerId }
            && await session.GetAsync<Worker>(workerId, cancellationToken) is { } worker)
        {
            var released = worker.Document.Release();
            session.Update(worker.Id, released, worker.Version);
            session.Publish(new WorkerCapacityChanged(released.Id, released.TeamId, released.Capacity, released.OpenCases, now));
        }
        session.Update(id, assignment.Document.Release(message.CaseVersion, now), assignment.Version);
    }
}
