using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// Gives a case that needs one its accountable worker (<see cref="WorkerSelection.Choose"/>) or, when nobody can take
/// its hours, puts it in the team's queue. Workers are written at the version they were read, so two cases opened at
/// once cannot both be counted against one stale read: the later commit fails with <see cref="StaleVersionException"/>
/// and the message is retried with fresh reads.
/// </summary>
public sealed class CaseAssigner(IDocumentStore store, CaseMoves moves, CapacityUnit capacity, ILogger<CaseAssigner> logger)
{
    /// <summary>Records CaseOpened's facts and, when the case needs a worker, assigns or queues it, on <paramref name="session"/>.</summary>
    public async Task OpenedAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(message.CaseId);
        var existing = await session.GetAsync<CaseAssignment>(id, cancellationToken);
        var step = CaseLifecycle.WhenOpened(existing?.Document, message.CaseId, message.TeamId, message.PathwayId, message.ConcernLevel, message.OccurredAt,
            message.NextReviewOn);
        switch (step.Action)
        {
            case LifecycleAction.Assign:
                await AssignAsync(step.Next!, existing?.Version, session, cancellationToken);
                break;
            case LifecycleAction.Save:
                // Closed before it was opened here: nobody to assign, but its team and pathway are kept for a reopening.
                session.SaveAt(id, (await session.WeighAsync(step.Next!, cancellationToken)), existing?.Version);
                break;
            default:
                logger.LogInformation("Case {CaseId} already has an assignment ({Status}); nothing to do", message.CaseId, existing?.Document.Status);
                break;
        }
    }

    /// <summary>
    /// Gives <paramref name="current"/> (a case that needs a worker, as stored or as it should be kept) the worker of its
    /// team the automatic rule picks, other than <paramref name="except"/>, or queues it. <paramref name="version"/>:
    /// the version it was read at (null: inserted). <paramref name="by"/>: who asked (the system when null).
    /// </summary>
    public async Task<CaseAssignment> AssignAsync(
        CaseAssignment current, long? version, IDocumentSession session, CancellationToken cancellationToken, string? except = null, ChangeBy? by = null)
    {
        var weighed = await session.WeighAsync(current, cancellationToken);
        var team = await store.QueryAllAsync<Worker>(new DocumentFilter().Includes("teamIds", current.TeamId), cancellationToken);
        var loads = capacity.Loads(session);
        loads.Know(team);
        var chosen = WorkerSelection.Choose(team.Select(w => w.Document).Where(w => w.Id != except), weighed.ToPlace());
        if (chosen is null)
        {
            logger.LogWarning(
                "Case {CaseId} of team {TeamId} ({Hours} h a week) fits no available worker of the team; it waits in the team's queue",
                current.CaseId, current.TeamId, weighed.Hours);
        }
        var next = await moves.MoveAsync(session, loads, current, weighed, version, chosen,
            by ?? ChangeBy.System("New case: the worker with the most free capacity"), cancellationToken);
        loads.Flush();
        return next;
    }
}
