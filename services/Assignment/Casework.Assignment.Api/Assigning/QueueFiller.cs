using Casework.Assignment.Domain;
using Casework.Persistence;

namespace Casework.Assignment.Assigning;

/// <summary>
/// When a worker's room grows (a closure, a case taken from them, a lowered concern level, back from Away, more
/// hours), they take the oldest queued cases of their teams and pathways that now fit. Run after the change that
/// freed the room has committed, in a session of its own, with a few retries on stale versions: it is best effort,
/// so a failure is logged and the cases stay queued (the next free-up, or a supervisor, picks them up).
/// </summary>
public sealed class QueueFiller(IDocumentStore store, CaseMoves moves, TimeProvider clock, ILogger<QueueFiller> logger)
{
    /// <summary>How many queued cases one freeing gives one worker at most (and how far down the queue it looks: five times that).</summary>
    public const int MaxPerWorker = 10;

    private const int Attempts = 3;

    public async Task FillAsync(IReadOnlyCollection<string> workerIds, IReadOnlySet<Guid> leaveAlone, CancellationToken cancellationToken)
    {
        foreach (var workerId in workerIds)
        {
            for (var attempt = 1; attempt <= Attempts; attempt++)
            {
                try
                {
                    await FillOneAsync(workerId, leaveAlone, cancellationToken);
                    break;
                }
                catch (Exception exception) when (exception is StaleVersionException or DuplicateDocumentException && attempt < Attempts)
                {
                    // The worker or a queued case changed meanwhile: read them again.
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogWarning(exception, "Offering queued cases to worker {WorkerId} failed; the cases stay queued", workerId);
                    break;
                }
            }
        }
    }

    private async Task FillOneAsync(string workerId, IReadOnlySet<Guid> leaveAlone, CancellationToken cancellationToken)
    {
        await using var session = store.OpenSession();
        var loads = new WorkerLoads(session, clock, logger);
        if (await loads.GetAsync(workerId, cancellationToken) is not { IsAvailable: true, FreeHours: > 0 } worker || worker.TeamIds.Count == 0)
        {
            return;
        }
        var queued = (await store.QueryAsync<CaseAssignment>(new DocumentQuery
        {
            Filter = QueuedFor(worker),
            OrderBy = "openedAt",
            Limit = MaxPerWorker * 5,
            CountLimit = 0,
        }, cancellationToken)).Items.Where(q => !leaveAlone.Contains(q.Document.CaseId)).ToList();
        // Taking a case from the queue weighs it by its team's table as it is now.
        var weighed = new Dictionary<Guid, CaseAssignment>();
        foreach (var q in queued)
        {
            weighed[q.Document.CaseId] = await session.WeighAsync(q.Document, cancellationToken);
        }
        var picks = WorkerSelection.FromQueue(worker, queued.Select(q => weighed[q.Document.CaseId].ToPlace()), MaxPerWorker);
        if (picks.Count == 0)
        {
            return;
        }
        foreach (var pick in picks)
        {
            var stored = queued.First(q => q.Document.CaseId == pick.CaseId);
            await moves.MoveAsync(session, loads, stored.Document, weighed[pick.CaseId], stored.Version, loads[workerId],
                ChangeBy.System("Capacity freed: the oldest queued case that fits"), cancellationToken);
        }
        loads.Flush();
        await session.CommitAsync(cancellationToken);
    }

    /// <summary>The queued cases of the worker's teams, and of their pathways when they name some.</summary>
    private static DocumentFilter QueuedFor(Worker worker)
    {
        var filter = new DocumentFilter().Equal("status", AssignmentStatus.Unassigned).In("teamId", worker.TeamIds);
        return worker.PathwayIds.Count == 0 ? filter : filter.In("pathwayId", worker.PathwayIds);
    }
}
