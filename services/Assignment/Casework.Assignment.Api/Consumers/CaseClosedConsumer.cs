using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// Releases a closed case's assignment and frees the hours it held; the worker then takes the oldest queued case of
/// their teams that fits, in the same commit.
/// </summary>
public sealed class CaseClosedConsumer(IDocumentStore store, QueueFiller queue, TimeProvider clock, ILogger<CaseClosedConsumer> logger)
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

        var loads = new WorkerLoads(session, clock);
        var held = await session.WeighedAsync(assignment.Document, cancellationToken);
        // Only an active assignment holds capacity (a queued case never took any).
        if (held is { Status: AssignmentStatus.Active, WorkerId: { } workerId } && await loads.GetAsync(workerId, cancellationToken) is not null)
        {
            loads.Release(workerId, held.Level, held.Hours);
            await queue.FillAsync(session, loads, [workerId], new HashSet<Guid> { message.CaseId }, cancellationToken);
        }
        session.Update(id, held.Release(message.CaseVersion, clock.GetUtcNow()), assignment.Version);
        loads.Flush();
    }
}
