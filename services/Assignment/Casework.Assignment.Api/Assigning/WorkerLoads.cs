using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Assigning;

/// <summary>
/// The workers one unit of work changes. Each is read once and written once, at the version it was read, with
/// every load change of the unit added up (a handover of 300 cases writes each worker one time), and one
/// WorkerCapacityChanged per changed worker is published in the same commit.
/// </summary>
public sealed class WorkerLoads(IDocumentSession session, TimeProvider clock)
{
    private readonly Dictionary<string, Entry> _workers = new(StringComparer.Ordinal);

    private sealed class Entry(Stored<Worker> stored)
    {
        public long Version { get; } = stored.Version;
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

    public IEnumerable<Worker> Changed => _workers.Values.Where(e => e.Changed).Select(e => e.Current);

    public void Set(Worker worker)
    {
        var entry = _workers[worker.Id];
        entry.Current = worker;
        entry.Changed = true;
    }

    /// <summary>A worker created by this unit (inserted, not updated, on <see cref="Flush"/>).</summary>
    public void Add(Worker worker) => _workers[worker.Id] = new Entry(new Stored<Worker>(worker.Id, 0, worker)) { Changed = true, Inserted = true };

    public void Take(string workerId, string level, decimal hours) => Set(this[workerId].Take(level, hours));

    public void Release(string workerId, string level, decimal hours) => Set(this[workerId].Release(level, hours));

    /// <summary>Queues every changed worker and its WorkerCapacityChanged on the session; call once, before committing.</summary>
    public void Flush()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, entry) in _workers.Where(w => w.Value.Changed))
        {
            if (entry.Inserted)
            {
                session.Insert(id, entry.Current);
            }
            else
            {
                session.Update(id, entry.Current, entry.Version);
            }
            session.Publish(CapacityChanged(entry.Current, now));
            entry.Changed = false;
        }
    }

    public static WorkerCapacityChanged CapacityChanged(Worker w, DateTimeOffset now) => new(
        w.Id, w.TeamIds.FirstOrDefault() ?? "", w.CapacityHours, w.Load.OpenCases, now,
        TeamIds: w.TeamIds, LoadHours: w.Load.Hours, FreeHours: w.FreeHours, Availability: w.Availability,
        LowCases: w.Load.Low, MediumCases: w.Load.Medium, HighCases: w.Load.High, CriticalCases: w.Load.Critical);
}
