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
        var existing = await session.GetAsync<CaseAssignment>(CaseAssignment.DocumentId(message.CaseId), cancellationToken);
        await AssignAsync(message.CaseId, message.TeamId, message.OccurredAt, existing, session, cancellationToken);
    }

    /// <summary>
    /// Gives the case a worker of its team, or queues it as unassigned when the team has none. <paramref name="existing"/>
    /// is the case's assignment as it should be kept (e.g. a reopened one), written at its version; nothing is done unless it needs a worker.
    /// </summary>
    public async Task AssignAsync(
        Guid caseId, string teamId, DateTimeOffset openedAt, Stored<CaseAssignment>? existing, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(caseId);
        if (existing is not null && !existing.Document.NeedsWorker)
        {
            logger.LogInformation("Case {CaseId} already has an assignment ({Status}); nothing to do", caseId, existing.Document.Status);
            return;
        }

        var workers = await TeamWorkersAsync(teamId, cancellationToken);
        var chosen = WorkerSelection.Choose(workers.Select(w => w.Document), caseId);
        if (chosen is null)
        {
            logger.LogWarning("Case {CaseId} of team {TeamId} has no worker to go to (the team has none); it waits unassigned", caseId, teamId);
            var queued = CaseAssignment.Unassigned(caseId, teamId, openedAt);
            if (existing is null)
            {
                session.Insert(id, queued);
            }
            else
            {
                session.Update(id, existing.Document with { Status = AssignmentStatus.Unassigned, TeamId = teamId, WorkerId = null, WorkerName = null }, existing.Version);
            }
            return;
        }
        if (chosen.IsFull)
        {
            logger.LogWarning(
                "Every worker of team {TeamId} is at or over capacity; case {CaseId} goes to {WorkerId} ({OpenCases}/{Capacity} open)",
                teamId, caseId, chosen.Id, chosen.OpenCases, chosen.Capacity);
        }

        var now = clock.GetUtcNow();
        var version = workers.Single(w => w.Id == chosen.Id).Version;
        var taken = chosen.Take();
        session.Update(chosen.Id, taken, version);
        var assignment = CaseAssignment.Assign(caseId, teamId, chosen, openedAt, now);
        if (existing is null)
        {
            session.Insert(id, assignment);
        }
        else
        {
            // Keep what the case's life so far says (its closures and reopenings).
            session.Update(id, assignment with { LifecycleVersion = existing.Document.LifecycleVersion, ReopenedLast = existing.Document.ReopenedLast },
                existing.Version);
        }
        session.Publish(new CaseAssigned(caseId, chosen.Id, chosen.Name, teamId, now));
        session.Publish(new WorkerCapacityChanged(taken.Id, taken.TeamId, taken.Capacity, taken.OpenCases, now));
    }

    private Task<List<Stored<Worker>>> TeamWorkersAsync(string teamId, CancellationToken cancellationToken) =>
        store.QueryAllAsync<Worker>(new DocumentFilter().Equal("teamId", teamId), cancellationToken);
}
