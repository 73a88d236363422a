using Casework.Persistence;

namespace Casework.Reporting.Projections;

/// <summary>
/// The read-model documents one unit of work touches: each is read once, changed in memory by every event of the unit
/// (a replayed page holds many events of one case) and written once at the end: an insert if it was new, an update at
/// the version read (a concurrent writer makes the commit fail and the message retry) and nothing if it did not change.
/// </summary>
public sealed class ReadModelBatch(IDocumentSession session)
{
    private sealed class Entry
    {
        public object? Original;
        public long Version;
        public object? Current;
        public Action<IDocumentSession>? Write;
    }

    private readonly Dictionary<(Type, string), Entry> _entries = [];

    public async Task<T?> GetAsync<T>(string id, CancellationToken cancellationToken) where T : class
    {
        if (!_entries.TryGetValue((typeof(T), id), out var entry))
        {
            var stored = await session.GetAsync<T>(id, cancellationToken);
            entry = new Entry { Original = stored?.Document, Version = stored?.Version ?? 0, Current = stored?.Document };
            _entries[(typeof(T), id)] = entry;
        }
        return (T?)entry.Current;
    }

    /// <summary>Applies <paramref name="apply"/> to the document (or to <paramref name="empty"/> if there is none yet).</summary>
    public async Task<T> ChangeAsync<T>(string id, Func<T> empty, Func<T, T> apply, CancellationToken cancellationToken) where T : class
    {
        var next = apply(await GetAsync<T>(id, cancellationToken) ?? empty());
        var entry = _entries[(typeof(T), id)];
        entry.Current = next;
        entry.Write = entry.Original is null
            ? s => s.Insert(id, (T)entry.Current!)
            : s => s.Update(id, (T)entry.Current!, entry.Version);
        return next;
    }

    /// <summary>Queues the changed documents on the session (the caller commits).</summary>
    public void QueueWrites()
    {
        foreach (var entry in _entries.Values)
        {
            if (entry.Write is not null && !Equals(entry.Current, entry.Original))
            {
                entry.Write(session);
            }
        }
        _entries.Clear();
    }
}
