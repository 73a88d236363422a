using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Assigning;

/// <summary>
/// The workers one unit of work changes. Each is read once and written once, at the version it was read, with
/// every load change of the unit added up (a handover of 300 cases writes each worker one time), and one
/// WorkerCapacityChanged per changed worker is published in the same commit. Every worker who ends the unit with
/// more room than they started it with (a release, more hours, back to Available) is remembered at
/// <see cref="Flush"/>, so queued cases can be offered to them once the unit has committed (<see cref="CapacityUnit"/>).
/// </summary>
public sealed class WorkerLoads(IDocumentSession session, TimeProvider clock, ILogger logger, Action<string>? freed = null)
{
    private readonly Dictionary<string, Entry> _workers = new(StringComparer.Ordinal);

    private sealed class Entry(Stored<Worker> stored)
    {
        public long Version { get; } = stored.Version;
        public Worker Original { get; } = stored.Document;
        public Worker Current { get; set; } = stored.Document;
        public bool Changed { get; set; }
        public bool Inserted { get; init; }
    }

    /// <summary>Workers read elsewhere (a team's, by a query) so they are not read again.</summary>
    public void Know(IEnumerable<Stored<Worker>> workers)
    {
        foreach (var worker in workers)
        {
            _workers.TryAdd(worker.Id, new Entry(worker));
        }
    }

    public async Task<Worker?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (_workers.TryGetValue(id, out var known))
        {
            return known.Current;
        }
        var stored = await session.GetAsync<Worker>(id, cancellationToken);
        if (stored is null)
        {
            return null;
        }
        _workers[id] = new Entry(stored);
        return stored.Document;
    }

    /// <summary>The worker as this unit has changed them so far (they must have been read).</summary>
    public Worker this[string id] => _workers[id].Current;

    public void Set(Worker worker)
    {
        var entry = _workers[worker.Id];
        entry.Current = worker;
        entry.Changed = true;
    }

    /// <summary>A worker created by this unit (inserted, not updated, on <see cref="Flush"/>).</summary>
    public void Add(Worker worker) => _workers[worker.Id] = new Entry(new Stored<Worker>(worker.Id, 0, worker)) { Changed = true, Inserted = true };

    public void Take(string workerId, string level, decimal hours) => Set(this[workerId].Take(level, hours));

    /// <summary>
    /// Frees what <paramref name="held"/> holds when it is Active and its worker still exists (a queued or released
    /// case holds nothing). A release the load does not hold is logged, never hidden: the load is out of step with
    /// the assignments (the recount endpoint repairs it).
    /// </summary>
    /// <returns>The worker it was released from (null: nobody held it).</returns>
    public async Task<Worker?> ReleaseHeldAsync(CaseAssignment held, CancellationToken cancellationToken)
    {
        if (held is not { Status: AssignmentStatus.Active, WorkerId: { } workerId })
        {
            return null;
        }
        if (await GetAsync(workerId, cancellationToken) is not { } worker)
        {
            logger.LogWarning("Case {CaseId} was held by {WorkerId}, who no longer exists; nothing to release", held.CaseId, workerId);
            return null;
        }
        if (!worker.Load.CanRemove(held.Level, held.Hours))
        {
            logger.LogWarning(
                "Releasing case {CaseId} ({Level}, {Hours} h) from {WorkerId} would take their load ({Load}) below zero; it is out of step with their assignments (POST /api/assignment/workers/{WorkerId}/recount repairs it)",
                held.CaseId, held.Level, held.Hours, workerId, worker.Load, workerId);
        }
        Set(worker.Release(held.Level, held.Hours));
        return this[workerId];
    }

    /// <summary>Queues every changed worker and its WorkerCapacityChanged on the session; call once, before committing.</summary>
    public void Flush()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, entry) in _workers.Where(w => w.Value.Changed))
        {
            session.SaveAt(id, entry.Current, entry.Inserted ? null : entry.Version);
            session.Publish(CapacityChanged(entry.Current, now));
            if (entry.Current.HasMoreRoomThan(entry.Inserted ? null : entry.Original))
            {
                freed?.Invoke(id);
            }
            entry.Changed = false;
        }
    }

    public static WorkerCapacityChanged CapacityChanged(Worker w, DateTimeOffset now) => new(
        w.Id, w.TeamIds.FirstOrDefault() ?? "", w.CapacityHours, w.Load.OpenCases, now,
        TeamIds: w.TeamIds, LoadHours: w.Load.Hours, FreeHours: w.FreeHours, Availability: w.Availability,
        LowCases: w.Load.Low, MediumCases: w.Load.Medium, HighCases: w.Load.High, CriticalCases: w.Load.Critical);
}

/// <summary>
/// One request's or message's capacity changes: opens <see cref="WorkerLoads"/> on its session, remembers the workers
/// whose room grew, and once the change has committed offers them queued cases (<see cref="FillFreedAsync"/>), as a
/// separate, best-effort step: filling never makes the change itself fail or retry.
/// </summary>
public sealed class CapacityUnit(QueueFiller filler, TimeProvider clock, ILogger<WorkerLoads> logger)
{
    private readonly HashSet<string> _freed = new(StringComparer.Ordinal);
    private readonly HashSet<Guid> _leaveAlone = [];

    public WorkerLoads Loads(IDocumentSession session) => new(session, clock, logger, id => _freed.Add(id));

    /// <summary>A case the freed workers must not take (e.g. the one just taken from them by hand).</summary>
    public void LeaveAlone(Guid caseId) => _leaveAlone.Add(caseId);

    /// <summary>Call after the commit: each freed worker takes the oldest queued cases that fit (failures are logged; the cases stay queued).</summary>
    public async Task FillFreedAsync(CancellationToken cancellationToken)
    {
        var workers = _freed.ToList();
        _freed.Clear();
        await filler.FillAsync(workers, _leaveAlone, cancellationToken);
    }
}

/// <summary>Small store steps every assignment change shares.</summary>
public static class AssignmentStoreSteps
{
    /// <summary>Inserts <paramref name="document"/> (<paramref name="version"/> null: it is new) or updates it at the version read.</summary>
    public static void SaveAt<T>(this IDocumentSession session, string id, T document, long? version) where T : class
    {
        if (version is { } expected)
        {
            session.Update(id, document, expected);
        }
        else
        {
            session.Insert(id, document);
        }
    }

    /// <summary>The hours a case of <paramref name="teamId"/> takes by concern level (the default table for a team without settings).</summary>
    public static async Task<ConcernHours> HoursOfTeamAsync(this IDocumentSession session, string teamId, CancellationToken cancellationToken) =>
        Team.HoursOf(teamId == "" ? null : (await session.GetAsync<Team>(teamId, cancellationToken))?.Document);

    /// <summary>The case weighed by its team's table as it is now (see <see cref="CaseAssignment.WeighedBy"/>).</summary>
    public static async Task<CaseAssignment> WeighAsync(this IDocumentSession session, CaseAssignment assignment, CancellationToken cancellationToken) =>
        assignment.WeighedBy(await session.HoursOfTeamAsync(assignment.TeamId, cancellationToken));
}
