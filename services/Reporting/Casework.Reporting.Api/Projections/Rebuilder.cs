using Casework.Persistence;
using Casework.Reporting.Domain;

namespace Casework.Reporting.Projections;

public sealed record RebuildResult(long EventsReplayed, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

/// <summary>
/// Recomputes every read model from the event log: empties them, then replays the log in order (the event's time, then
/// its message id) a page at a time, each page one commit. This process's consumers are held meanwhile
/// (<see cref="ProjectionGate"/>): events arriving wait in their queues and are applied on top afterwards. Other replicas'
/// consumers are not held: an event they apply meanwhile is in the log (replayed) or already in the document it changed
/// (kept, since the replay applies onto it), and every read model ends the same in any order, so none is lost either way.
/// The log itself is never changed.
/// </summary>
public sealed class Rebuilder(IDocumentStore store, Projector projector, ProjectionGate gate, TimeProvider time, ILogger<Rebuilder> logger)
{
    public const int PageSize = 500;

    /// <summary>Runs a rebuild; null if one is already running in this process.</summary>
    public async Task<RebuildResult?> RunAsync(CancellationToken cancellationToken)
    {
        using var hold = await gate.TryHoldAsync(cancellationToken);
        if (hold is null)
        {
            return null;
        }
        var startedAt = time.GetUtcNow();
        await SetStateAsync(s => s with { Rebuilding = true, RebuildStartedAt = startedAt }, cancellationToken);
        long replayed = 0;
        try
        {
            await PurgeAsync<CaseReport>("caseId", cancellationToken);
            await PurgeAsync<ReferralReport>("referralId", cancellationToken);
            await PurgeAsync<NoteFact>("noteId", cancellationToken);
            await PurgeAsync<WorkerReport>("workerId", cancellationToken);
            await PurgeAsync<PathwayReport>("pathwayId", cancellationToken);
            await PurgeAsync<PersonReport>("personId", cancellationToken);
            string? after = null;
            while (true)
            {
                var filter = new DocumentFilter().AtLeast("position", after);
                var page = await store.QueryAsync<EventLogEntry>(
                    new DocumentQuery { Filter = filter, OrderBy = "position", Limit = PageSize, CountLimit = 0 }, cancellationToken);
                var entries = page.Items.Select(i => i.Document).Where(e => e.Position != after).ToList();
                if (entries.Count == 0)
                {
                    break;
                }
                await ReplayAsync(entries, cancellationToken);
                replayed += entries.Count;
                after = entries[^1].Position;
            }
        }
        finally
        {
            var finishedAt = time.GetUtcNow();
            // Also after a failure: the models are then incomplete until the next rebuild, which the log says nothing of,
            // so the failure is logged and answered (a 500, or the command fails).
            await SetStateAsync(s => s with { Rebuilding = false, RebuildFinishedAt = finishedAt, EventsReplayed = replayed }, CancellationToken.None);
        }
        var result = new RebuildResult(replayed, startedAt, time.GetUtcNow());
        logger.LogInformation("Rebuilt the read models from {Events} logged events in {Seconds:F1} s.", replayed, (result.FinishedAt - startedAt).TotalSeconds);
        return result;
    }

    /// <summary>
    /// One page in one commit. Another replica's consumers are not held by this one's gate and may write the same documents
    /// meanwhile: the page then fails at the version it read and is replayed on the fresh documents. That is safe because
    /// every read model ends the same whatever the order of its events and however often each is applied.
    /// </summary>
    private async Task ReplayAsync(IReadOnlyList<EventLogEntry> entries, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = store.OpenSession();
                var batch = new ReadModelBatch(session);
                foreach (var entry in entries)
                {
                    if (entry.ToEvent() is { } integrationEvent)
                    {
                        await projector.ApplyAsync(integrationEvent, batch, cancellationToken);
                    }
                }
                batch.QueueWrites();
                await session.CommitAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is StaleVersionException or DuplicateDocumentException && attempt < 20)
            {
                logger.LogInformation("A replayed page met a concurrent write; replaying it again ({Attempt}).", attempt);
                await Task.Delay(Random.Shared.Next(5, 50) * attempt, cancellationToken);
            }
        }
    }

    private async Task PurgeAsync<T>(string keyField, CancellationToken cancellationToken) where T : class
    {
        // Every document has its key field (a non-empty text), so "at least the empty text" matches them all.
        var everything = new DocumentFilter().AtLeast(keyField, "");
        while (await store.PurgeAsync<T>(everything, 1000, cancellationToken) == 1000)
        {
        }
    }

    private async Task SetStateAsync(Func<ReportingState, ReportingState> change, CancellationToken cancellationToken)
    {
        await using var session = store.OpenSession();
        var current = await session.GetAsync<ReportingState>(ReportingState.Id, cancellationToken);
        if (current is null)
        {
            session.Insert(ReportingState.Id, change(ReportingState.Initial));
        }
        else
        {
            session.Update(ReportingState.Id, change(current.Document), current.Version);
        }
        await session.CommitAsync(cancellationToken);
    }
}
