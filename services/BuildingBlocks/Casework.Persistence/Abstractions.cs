namespace Casework.Persistence;

/// <summary>A document as stored: its id, the version it was read at, and its content.</summary>
public sealed record Stored<T>(string Id, long Version, T Document);

/// <summary>
/// One page of a query, with the count of matches for paging: exact, or (<see cref="TotalIsExact"/> false)
/// the query's count limit when there are more matches than that.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, long Total, int Offset, int Limit, bool TotalIsExact = true)
{
    /// <summary>The same paging figures around other items (a store page turned into API views).</summary>
    public Page<TView> With<TView>(IReadOnlyList<TView> items) => new(items, Total, Offset, Limit, TotalIsExact);
}

/// <summary>How many documents share one value of a field.</summary>
public sealed record GroupCount(string? Value, long Count);

/// <summary>
/// The store a service owns. Reads go straight to the store; every write goes through a session,
/// which commits documents, outbox events and inbox marks together or not at all.
/// </summary>
public interface IDocumentStore
{
    IDocumentSession OpenSession();

    Task<Stored<T>?> GetAsync<T>(string id, CancellationToken cancellationToken = default) where T : class;

    Task<Page<Stored<T>>> QueryAsync<T>(DocumentQuery query, CancellationToken cancellationToken = default) where T : class;

    /// <summary>
    /// How many of the documents matching <paramref name="filter"/> have each value of <paramref name="field"/>, as text
    /// (null for none). Only scalar fields (text, numbers, booleans) are grouped: MongoDB's <c>$toString</c> fails on a list
    /// or an object.
    /// </summary>
    Task<IReadOnlyList<GroupCount>> CountByAsync<T>(string field, DocumentFilter? filter = null, CancellationToken cancellationToken = default) where T : class;

    /// <summary>
    /// Deletes up to <paramref name="limit"/> documents matching <paramref name="filter"/>, whatever their version, and
    /// returns how many: for retention of records that are finished with (never part of a unit of work; call it
    /// again until it returns less than the limit). An empty filter deletes nothing.
    /// </summary>
    Task<int> PurgeAsync<T>(DocumentFilter filter, int limit, CancellationToken cancellationToken = default) where T : class;

    /// <summary>Whether a consumer already applied a message (a cheap early exit; the commit decides).</summary>
    Task<bool> HasConsumedAsync(Guid messageId, string consumer, CancellationToken cancellationToken = default);
}

/// <summary>
/// A unit of work. Nothing is written until <see cref="CommitAsync"/>, which applies every queued
/// change in one transaction and one round trip.
/// </summary>
public interface IDocumentSession : IAsyncDisposable
{
    Task<Stored<T>?> GetAsync<T>(string id, CancellationToken cancellationToken = default) where T : class;

    /// <summary>Queues a new document (version 1). A document with the same id fails the commit.</summary>
    void Insert<T>(string id, T document) where T : class;

    /// <summary>Queues a write that only succeeds if the stored version is still <paramref name="expectedVersion"/>.</summary>
    void Update<T>(string id, T document, long expectedVersion) where T : class;

    /// <summary>Queues an integration event for the outbox, committed with the documents.</summary>
    void Publish<TEvent>(TEvent integrationEvent) where TEvent : class;

    /// <summary>Records that a consumer applied a message, so a redelivery changes nothing.</summary>
    void MarkConsumed(Guid messageId, string consumer);

    /// <summary>
    /// Commits everything queued. Returns <see cref="CommitResult.AlreadyConsumed"/> (and writes nothing)
    /// when the message marked with <see cref="MarkConsumed"/> was applied before.
    /// </summary>
    /// <exception cref="StaleVersionException">A document changed since it was read.</exception>
    /// <exception cref="DuplicateDocumentException">A document with an inserted id exists.</exception>
    Task<CommitResult> CommitAsync(CancellationToken cancellationToken = default);
}

public enum CommitResult
{
    Committed,
    AlreadyConsumed,
}

/// <summary>A stale write: the document changed since it was read.</summary>
public sealed class StaleVersionException(string collection, string id, long expectedVersion)
    : Exception($"The {collection} document '{id}' was changed by someone else (expected version {expectedVersion}).")
{
    public string Collection { get; } = collection;
    public string Id { get; } = id;
    public long ExpectedVersion { get; } = expectedVersion;
}

/// <summary>An insert whose id is already taken.</summary>
public sealed class DuplicateDocumentException(string collection, string? id, Exception? inner = null)
    : Exception($"A {collection} document with id '{id}' already exists.", inner)
{
    public string Collection { get; } = collection;
    public string? Id { get; } = id;
}

/// <summary>
/// The store could not be reached (no connection: the server is down, refuses more connections, or every
/// pooled connection stayed busy until the timeout). Nothing was sent, so nothing was changed and the
/// same operation can be tried again; services answer 503.
/// </summary>
public sealed class StoreUnavailableException(Exception inner)
    : Exception("The store is unavailable: no connection could be opened.", inner);

public static class DocumentStoreQueries
{
    /// <summary>
    /// Every match, read a page at a time in id order without counting: for sets that stay small, such as
    /// a team's workers or one worker's cases. (Pages are by offset: a document inserted meanwhile may be
    /// missed or seen twice, which these uses tolerate.)
    /// </summary>
    public static async Task<List<Stored<T>>> QueryAllAsync<T>(this IDocumentStore store, DocumentFilter filter, CancellationToken cancellationToken = default)
        where T : class
    {
        var all = new List<Stored<T>>();
        while (true)
        {
            var page = await store.QueryAsync<T>(new DocumentQuery { Filter = filter, Offset = all.Count, Limit = 500, CountLimit = 0 }, cancellationToken);
            all.AddRange(page.Items);
            if (page.TotalIsExact)
            {
                return all;
            }
        }
    }
}
