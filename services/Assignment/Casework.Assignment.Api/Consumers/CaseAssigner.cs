using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// Gives an opened case its accountable worker (<see cref="WorkerSelection.Choose"/>) or, when nobody can take its
/// hours, puts it in the team's queue. Workers are written at the version they were read, so two cases opened at
/// once cannot both be counted against one stale read: the later commit fails with <see cref="StaleVersionException"/>
/// and the message is retried with fresh reads.
/// </summary>
public sealed class CaseAssigner(IDocumentStore store, CaseMoves moves, TimeProvider clock, ILogger<CaseAssigner> logger)
{
    /// <summary>Queues the assignment, the caseload change and their events on <paramref name="session"/>.</summary>
    public async Task AssignAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var existing = await session.GetAsync<CaseAssignment>(CaseAssignment.DocumentId(message.CaseId), cancellationToken);
        if (existing is not null && !existing.Document.NeedsWorker)
        {
            logger.LogInformation("Case {CaseId} already has an assignment ({Status}); nothing to do", message.CaseId, existing.Document.Status);
            return;
        }
        var current = (existing?.Document ?? CaseAssignment.Placeholder(message.CaseId))
            .Opened(message.TeamId, message.PathwayId, message.ConcernLevel, message.OccurredAt);
        await AssignAsync(current, existing?.Version, session, cancellationToken);
    }

    /// <summary>
    /// Gives <paramref name="current"/> (a case that needs a worker, as it should be kept) a worker of its team, or
    /// queues it. <paramref name="version"/>: the version it was read at (null: inserted).
    /// </summary>
    public async Task AssignAsync(CaseAssignment current, long? version, IDocumentSession session, CancellationToken cancellationToken)
    {
        var hours = (await session.HoursOfTeamAsync(current.TeamId, cancellationToken)).For(current.Level);
        var team = await store.QueryAllAsync<Worker>(new DocumentFilter().Includes("teamIds", current.TeamId), cancellationToken);
        var loads = new WorkerLoads(session, clock);
        loads.Know(team);
        var chosen = WorkerSelection.Choose(team.Select(w => w.Document), current.ToPlace(hours));
        if (chosen is null)
        {
            logger.LogWarning(
                "Case {CaseId} of team {TeamId} ({Hours} h a week) fits no available worker of the team; it waits in the team's queue",
                current.CaseId, current.TeamId, hours);
        }
        await moves.MoveAsync(session, loads, current, version, chosen, hours, ChangeBy.System("New case: the worker with the most free capacity"),
            cancellationToken);
        loads.Flush();
    }
}
