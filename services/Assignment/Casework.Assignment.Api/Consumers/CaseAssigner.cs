using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// Gives an opened case its accountable worker. The worker's caseload is written with the version it
/// was read at, so two cases opened at once cannot both be counted against one stale read: the later
/// commit fails with <see cref="StaleVersionException"/> and the message is retried with fresh reads.
/// </summary>
public sealed class CaseAssigner(IDocumentStore store, TimeProvider clock, ILogger<CaseAssigner> logger)
{
    /// <summary>Queues the assignment, the caseload change and their events on <paramref name="session"/>.</summary>
    public async Task AssignAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(message.CaseId);
        var existing = await session.GetAsync<CaseAssignment>(id, cancellationToken);
        if (existing is not null && existing.Document.Status != AssignmentStatus.Unassigned)
        {
            logger.LogInformation("Case {CaseId} already has an assignment ({Status}); nothing to do", message.CaseId, existing.Document.Status);
            return;
        }

        var workers = await TeamWorkersAsync(message.TeamId, cancellationToken);
        var chosen = WorkerSelection.Choose(workers.Select(w => w.Document), message.CaseId);
        if (chosen is null)
        {
            logger.LogWarning("Case {CaseId} was opened for team {TeamId}, which has no workers; it stays unassigned", message.CaseId, message.TeamId);
            if (existing is null)
            {
                session.Insert(id, CaseAssignment.Unassigned(message.CaseId, message.TeamId, message.OccurredAt));
            }
            return;
        }
        if (chosen.IsFull)
        {
            logger.LogWarning(
                "Every worker of team {TeamId} is at or over capacity; case {CaseId} goes to {WorkerId} ({OpenCases}/{Capacity} open)",
                message.TeamId, message.CaseId, chosen.Id, chosen.OpenCases, chosen.Capacity);
        }

        var now = clock.GetUtcNow();
        var version = workers.Single(w => w.Id == chosen.Id).Version;
        var taken = chosen.Take();
        session.Update(chosen.Id, taken, version);
        var assignment = CaseAssignment.Assign(message.CaseId, message.TeamId, chosen, message.OccurredAt, now);
        if (existing is null)
        {
            session.Insert(id, assignment);
        }
        else
        {
            session.Update(id, assignment, existing.Version);
        }
        session.Publish(new CaseAssigned(message.CaseId, chosen.Id, chosen.Name, message.TeamId, now));
        session.Publish(new WorkerCapacityChanged(taken.Id, taken.TeamId, taken.Capacity, taken.OpenCases, now));
    }

    private Task<List<Stored<Worker>>> TeamWorkersAsync(string teamId, CancellationToken cancellationToken) =>
        store.QueryAllAsync<Worker>(new DocumentFilter().Equal("teamId", teamId), cancellationToken);
}
