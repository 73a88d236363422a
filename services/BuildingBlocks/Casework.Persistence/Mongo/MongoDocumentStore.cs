using System.Diagnostics;
using Casework.Contracts.Events;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Casework.Persistence.Mongo;

internal sealed class MongoDocumentStore(MongoContext context, DocumentCollections collections, OutboxSignal outboxSignal) : IDocumentStore
{
    private static readonly ProjectionDefinition<BsonDocument> StoredFields = new BsonDocument { { MongoWrites.Version, 1 }, { MongoWrites.Data, 1 } };

    public IDocumentSession OpenSession() => new MongoDocumentSession(this, context, collections, outboxSignal);

    public Task<Stored<T>?> GetAsync<T>(string id, CancellationToken cancellationToken = default) where T : class
    {
        var collection = context.Documents(collections.For<T>());
        return MongoEngine.ReachAsync(async () =>
        {
            var found = await collection.Find(new BsonDocument("_id", id)).Project(StoredFields).FirstOrDefaultAsync(cancellationToken);
            return found is null ? null : Read<T>(found);
        }, cancellationToken);
    }

    public async Task<Page<Stored<T>>> QueryAsync<T>(DocumentQuery query, CancellationToken cancellationToken = default) where T : class
    {
        var collection = context.Documents(collections.For<T>());
        var filter = MongoRender.Filter(query.Filter, typeof(T));
        var limit = Math.Clamp(query.Limit, 1, 500);
        var offset = Math.Max(query.Offset, 0);
        var found = await MongoEngine.ReachAsync(() => PageAsync(collection, filter, query, offset, limit, cancellationToken), cancellationToken);
        var items = found.Select(Read<T>).ToList();
        if (query.CountLimit is 0)
        {
            // Count limit 0: no count wanted; a short page says there is nothing after it.
            return new Page<Stored<T>>(items, offset + items.Count, offset, limit, items.Count < limit);
        }

        // The page and the count are two reads (PostgreSQL reads both in one statement and snapshot): a commit between
        // them can make the count differ from the page by that commit's documents, which paging tolerates.
        // The count stops at the count limit (or the page's end, if further), so it reads at most that many matches.
        long? countLimit = query.CountLimit is { } limitOfCount ? Math.Max(limitOfCount, (long)offset + limit) : null;
        long total;
        if (items.Count > 0 && items.Count < limit || items.Count == 0 && offset == 0)
        {
            total = offset + items.Count; // a short page (or none at all) is the end: no count to ask for
        }
        else
        {
            var options = countLimit is { } cap ? new CountOptions { Limit = cap + 1 } : null;
            total = await MongoEngine.ReachAsync(() => collection.CountDocumentsAsync(filter, options, cancellationToken), cancellationToken);
        }
        var exact = countLimit is null || total <= countLimit;
        return new Page<Stored<T>>(items, exact ? total : countLimit!.Value, offset, limit, exact);
    }

    /// <summary>
    /// One page in PostgreSQL's order: the first read of <see cref="MongoRender.Order"/>, continued into the second when
    /// the page is not full (skipping what the offset leaves of it; the first read's matches are counted only when the
    /// page starts beyond them).
    /// </summary>
    private static async Task<List<BsonDocument>> PageAsync(IMongoCollection<BsonDocument> collection, BsonDocument filter, DocumentQuery query,
        int offset, int limit, CancellationToken cancellationToken)
    {
        var (first, then) = MongoRender.Order(filter, query.OrderBy, query.Descending);
        var found = await collection.Find(first.Filter).Project(StoredFields).Sort(first.Sort).Skip(offset).Limit(limit).ToListAsync(cancellationToken);
        if (then is null || found.Count == limit)
        {
            return found;
        }
        var skip = found.Count > 0 || offset == 0
            ? 0
            : (int)Math.Max(0, offset - await collection.CountDocumentsAsync(first.Filter, cancellationToken: cancellationToken));
        found.AddRange(await collection.Find(then.Filter).Project(StoredFields).Sort(then.Sort).Skip(skip).Limit(limit - found.Count).ToListAsync(cancellationToken));
        return found;
    }

    public async Task<int> PurgeAsync<T>(DocumentFilter filter, int limit, CancellationToken cancellationToken = default) where T : class
    {
        if (filter.Conditions.Count == 0)
        {
            return 0; // a retention rule always says what is finished with; never "everything"
        }
        var collection = context.Documents(collections.For<T>());
        var match = MongoRender.Filter(filter, typeof(T));
        var ids = await MongoEngine.ReachAsync(
            () => collection.Find(match).Project(new BsonDocument("_id", 1)).Limit(Math.Clamp(limit, 1, 10_000)).ToListAsync(cancellationToken),
            cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }
        // The filter again on the delete itself: a document that stopped matching since it was read stays.
        var delete = new BsonDocument("$and", new BsonArray { match, new BsonDocument("_id", new BsonDocument("$in", new BsonArray(ids.Select(i => i["_id"])))) });
        var result = await MongoEngine.ReachAsync(() => collection.DeleteManyAsync(delete, cancellationToken), cancellationToken);
        return (int)result.DeletedCount;
    }

    public async Task<IReadOnlyList<GroupCount>> CountByAsync<T>(string field, DocumentFilter? filter = null, CancellationToken cancellationToken = default) where T : class
    {
        var collection = context.Documents(collections.For<T>());
        var pipeline = MongoRender.CountBy(field, filter ?? new DocumentFilter(), typeof(T));
        var groups = await MongoEngine.ReachAsync(
            () => collection.Aggregate<BsonDocument>(pipeline, cancellationToken: cancellationToken).ToListAsync(cancellationToken),
            cancellationToken);
        return MongoRender.Groups(groups);
    }

    public Task<bool> HasConsumedAsync(Guid messageId, string consumer, CancellationToken cancellationToken = default) =>
        MongoEngine.ReachAsync(async () =>
            await context.Inbox.Find(new BsonDocument("_id", MongoWrites.InboxKey(messageId, consumer))).Limit(1).AnyAsync(cancellationToken)
            || await HasEmbeddedMarkAsync(null, messageId, consumer, cancellationToken), cancellationToken);

    /// <summary>
    /// Whether a commit without transactions kept the message's inbox mark inside the one document it wrote. Asked in
    /// every mode (a deployment that ran standalone and became a replica set keeps those marks): one lookup per
    /// collection in a partial index that holds only such documents. With transactions no commit writes such marks,
    /// so only the collections that held any when this process first looked are asked (none, unless the deployment
    /// once ran standalone), rather than every collection on every consumed message.
    /// </summary>
    internal async Task<bool> HasEmbeddedMarkAsync(IClientSessionHandle? session, Guid messageId, string consumer, CancellationToken cancellationToken)
    {
        var candidates = await context.UseTransactionsAsync(cancellationToken)
            ? await CollectionsWithMarksAsync(cancellationToken)
            : collections.All;
        var mark = new BsonDocument(MongoWrites.Consumed, MongoWrites.Mark(messageId, consumer));
        foreach (var collection in candidates)
        {
            var documents = context.Documents(collection);
            var find = session is null ? documents.Find(mark) : documents.Find(session, mark);
            if (await find.Limit(1).AnyAsync(cancellationToken))
            {
                return true;
            }
        }
        return false;
    }

    private Task<IReadOnlyList<CollectionDefinition>>? _collectionsWithMarks;

    /// <summary>The collections holding any embedded inbox mark, looked up once (a failed lookup is tried again next time).</summary>
    private async Task<IReadOnlyList<CollectionDefinition>> CollectionsWithMarksAsync(CancellationToken cancellationToken)
    {
        var lookup = _collectionsWithMarks ??= FindCollectionsWithMarksAsync();
        try
        {
            return await lookup.WaitAsync(cancellationToken);
        }
        catch when (lookup.IsFaulted)
        {
            _ = Interlocked.CompareExchange(ref _collectionsWithMarks, null, lookup);
            throw;
        }
    }

    /// <summary>Runs without a caller's token: concurrent callers share it.</summary>
    private async Task<IReadOnlyList<CollectionDefinition>> FindCollectionsWithMarksAsync()
    {
        var holding = new List<CollectionDefinition>();
        var anyMark = new BsonDocument(MongoWrites.Consumed, new BsonDocument("$exists", true));
        foreach (var collection in collections.All)
        {
            if (await context.Documents(collection).Find(anyMark).Limit(1).AnyAsync(CancellationToken.None))
            {
                holding.Add(collection);
            }
        }
        return holding;
    }

    internal static Stored<T> Read<T>(BsonDocument stored) =>
        new(stored["_id"].AsString, stored[MongoWrites.Version].ToInt64(), BsonBridge.FromBson<T>(stored[MongoWrites.Data].AsBsonDocument));
}

internal sealed class MongoDocumentSession(
    MongoDocumentStore store,
    MongoContext context,
    DocumentCollections collections,
    OutboxSignal outboxSignal) : IDocumentSession
{
    private readonly List<PendingWrite> _writes = [];
    private readonly List<QueuedEvent> _events = [];
    private (Guid MessageId, string Consumer)? _consumed;
    private bool _committed;

    public Task<Stored<T>?> GetAsync<T>(string id, CancellationToken cancellationToken = default) where T : class =>
        store.GetAsync<T>(id, cancellationToken);

    public void Insert<T>(string id, T document) where T : class =>
        _writes.Add(new PendingWrite(collections.For<T>(), id, BsonBridge.ToBson(document), null));

    public void Update<T>(string id, T document, long expectedVersion) where T : class =>
        _writes.Add(new PendingWrite(collections.For<T>(), id, BsonBridge.ToBson(document), expectedVersion));

    // The sequence is taken when the event is queued, so events of one commit keep the order they were published in.
    public void Publish<TEvent>(TEvent integrationEvent) where TEvent : class =>
        _events.Add(new QueuedEvent(Guid.CreateVersion7(), EventTypes.NameOf(typeof(TEvent)), BsonBridge.ToBson(integrationEvent), context.NextSequence()));

    public void MarkConsumed(Guid messageId, string consumer) => _consumed = (messageId, consumer);

    public async Task<CommitResult> CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_committed)
        {
            throw new InvalidOperationException("A session commits once.");
        }
        _committed = true;
        if (_writes.Count == 0 && _events.Count == 0 && _consumed is null)
        {
            return CommitResult.Committed;
        }

        var result = await context.UseTransactionsAsync(cancellationToken)
            ? await CommitInTransactionAsync(cancellationToken)
            : await CommitWithoutTransactionAsync(cancellationToken);
        if (result == CommitResult.Committed && _events.Count > 0)
        {
            outboxSignal.Notify();
        }
        return result;
    }

    /// <summary>How long a commit keeps running its transaction again after transient errors, and keeps retrying an unanswered commit.</summary>
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Inbox mark, documents and events in one multi-document transaction (replica set or sharded cluster). A transient
    /// transaction error (a write conflict with a concurrent commit, a failover) means nothing of it was kept: the whole
    /// transaction runs again, after a short random pause, as the driver's WithTransactionAsync does. That is safe because
    /// every write is conditional (an insert fails on an existing id, an update matches only the version read), and it
    /// gives what PostgreSQL gives after waiting for the other transaction: a duplicate, already consumed, a stale
    /// version, or success. Once the commit is sent, only a transient error without an unknown result means "not committed".
    /// </summary>
    private async Task<CommitResult> CommitInTransactionAsync(CancellationToken cancellationToken)
    {
        using var session = await MongoEngine.ReachAsync(() => context.Client.StartSessionAsync(cancellationToken: cancellationToken), cancellationToken);
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            session.StartTransaction(new TransactionOptions(writeConcern: WriteConcern.WMajority));
            var commitSent = false;
            try
            {
                if (await WriteAsync(session, cancellationToken) is { } early)
                {
                    await AbortAsync(session);
                    return early;
                }
                commitSent = true;
                await CommitTransactionAsync(session, cancellationToken);
                return CommitResult.Committed;
            }
            catch (Exception exception) when (MongoEngine.Classify(exception) == MongoFailure.TransientTransaction
                                              && Stopwatch.GetElapsedTime(started) < RetryFor && !cancellationToken.IsCancellationRequested)
            {
                await AbortAsync(session);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Min(500, 5 << Math.Min(attempt, 7)))), cancellationToken);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested && NotCommitted(exception, commitSent))
            {
                // Nothing of this commit was kept: the caller may try again (503).
                await AbortAsync(session);
                throw new StoreUnavailableException(exception);
            }
            catch
            {
                await AbortAsync(session);
                throw;
            }
        }
    }

    /// <summary>
    /// Whether a failure certainly left the transaction uncommitted: before the commit is sent, when no server was
    /// reached or a connection broke; at any time, a transient transaction error (its reruns used up).
    /// </summary>
    internal static bool NotCommitted(Exception exception, bool commitSent) => MongoEngine.Classify(exception) switch
    {
        MongoFailure.TransientTransaction => true,
        MongoFailure.Unreachable or MongoFailure.ConnectionLost => !commitSent,
        _ => false,
    };

    /// <summary>The transaction's writes; a result when it ends without committing (already consumed).</summary>
    private async Task<CommitResult?> WriteAsync(IClientSessionHandle session, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        if (_consumed is { } consumed)
        {
            try
            {
                await context.Inbox.InsertOneAsync(session, MongoWrites.InboxRecord(consumed.MessageId, consumed.Consumer, now, []), cancellationToken: cancellationToken);
            }
            catch (Exception exception) when (MongoEngine.IsDuplicateKey(exception))
            {
                return CommitResult.AlreadyConsumed;
            }
            // A mark kept inside a document by a commit without transactions (before the deployment became a replica set).
            if (await store.HasEmbeddedMarkAsync(session, consumed.MessageId, consumed.Consumer, cancellationToken))
            {
                return CommitResult.AlreadyConsumed;
            }
        }
        foreach (var write in _writes)
        {
            var collection = context.Documents(write.Collection);
            if (write.ExpectedVersion is { } expected)
            {
                var updated = await collection.UpdateOneAsync(session, MongoWrites.UpdateFilter(write.Id, expected, null),
                    MongoWrites.Update(write.Data, now, [], null), cancellationToken: cancellationToken);
                if (updated.MatchedCount == 0)
                {
                    throw new StaleVersionException(write.Collection.Name, write.Id, expected);
                }
            }
            else
            {
                try
                {
                    await collection.InsertOneAsync(session, MongoWrites.Insert(write.Id, write.Data, now, [], null), cancellationToken: cancellationToken);
                }
                catch (Exception exception) when (MongoEngine.IsDuplicateKey(exception))
                {
                    // The inbox mark went in above, so this is no redelivery of a message applied before: a real duplicate.
                    throw new DuplicateDocumentException(write.Collection.Name, write.Id, exception);
                }
            }
        }
        if (_events.Count > 0)
        {
            await context.Outbox.InsertManyAsync(session, _events.Select(e => MongoWrites.OutboxEntry(e, now)), cancellationToken: cancellationToken);
        }
        return null;
    }

    private string? Mark() => _consumed is { } consumed ? MongoWrites.Mark(consumed.MessageId, consumed.Consumer) : null;

    /// <summary>
    /// Commits, and commits again while the outcome is unknown (no answer, a broken connection, no server to send the
    /// retry to: committing again is safe), for a bounded time. Still unknown after it: the failure surfaces as it is
    /// (a 500, never a 503 "nothing changed", since the commit may have been applied). A transient transaction error
    /// (not committed) surfaces for the caller to run the transaction again.
    /// </summary>
    private static async Task CommitTransactionAsync(IClientSessionHandle session, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                await session.CommitTransactionAsync(cancellationToken);
                return;
            }
            catch (Exception exception) when (OutcomeUnknown(exception) && Stopwatch.GetElapsedTime(started) < RetryFor && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
        }
    }

    internal static bool OutcomeUnknown(Exception exception) =>
        MongoEngine.Classify(exception) is MongoFailure.UnknownCommitResult or MongoFailure.Unreachable or MongoFailure.ConnectionLost;

    private static async Task AbortAsync(IClientSessionHandle session)
    {
        if (!session.IsInTransaction)
        {
            return;
        }
        try
        {
            await session.AbortTransactionAsync(CancellationToken.None);
        }
        catch (MongoException)
        {
            // The server aborts an unfinished transaction on its own (on the failed statement, or after its lifetime).
        }
    }

    /// <summary>
    /// Without transactions (a standalone server) a commit is one atomic single-document write: its one document carries
    /// the commit's events and inbox mark. Several documents cannot be written atomically, so such a commit is refused
    /// before anything is written.
    /// </summary>
    private async Task<CommitResult> CommitWithoutTransactionAsync(CancellationToken cancellationToken)
    {
        if (_writes.Count > 1)
        {
            throw new InvalidOperationException(
                $"This commit writes {_writes.Count} documents ({string.Join(", ", _writes.Select(w => w.Collection.Name).Distinct())}): that needs a MongoDB " +
                "replica set for multi-document transactions (a one-node replica set will do); see README, Running on MongoDB.");
        }
        var now = DateTime.UtcNow;
        var mark = Mark();
        if (_consumed is { } early && await store.HasConsumedAsync(early.MessageId, early.Consumer, cancellationToken))
        {
            return CommitResult.AlreadyConsumed;
        }
        if (_writes.Count == 0)
        {
            return await CommitWithoutDocumentAsync(now, cancellationToken);
        }

        var write = _writes[0];
        var collection = context.Documents(write.Collection);
        try
        {
            if (write.ExpectedVersion is { } expected)
            {
                var updated = await collection.UpdateOneAsync(MongoWrites.UpdateFilter(write.Id, expected, mark),
                    MongoWrites.Update(write.Data, now, _events, mark), cancellationToken: cancellationToken);
                if (updated.MatchedCount == 0)
                {
                    return await AlreadyConsumedOrAsync(new StaleVersionException(write.Collection.Name, write.Id, expected), cancellationToken);
                }
            }
            else
            {
                await collection.InsertOneAsync(MongoWrites.Insert(write.Id, write.Data, now, _events, mark), cancellationToken: cancellationToken);
            }
            return CommitResult.Committed;
        }
        catch (Exception exception) when (MongoEngine.IsDuplicateKey(exception))
        {
            return await AlreadyConsumedOrAsync(new DuplicateDocumentException(write.Collection.Name, write.Id, exception), cancellationToken);
        }
        catch (Exception exception) when (MongoEngine.Classify(exception) == MongoFailure.Unreachable && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException(exception);
        }
    }

    private async Task<CommitResult> CommitWithoutDocumentAsync(DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            if (_consumed is { } consumed)
            {
                // The inbox record carries the commit's events: one insert, and a redelivery collides with it.
                await context.Inbox.InsertOneAsync(MongoWrites.InboxRecord(consumed.MessageId, consumed.Consumer, now, _events), cancellationToken: cancellationToken);
            }
            else if (_events.Count == 1)
            {
                await context.Outbox.InsertOneAsync(MongoWrites.OutboxEntry(_events[0], now), cancellationToken: cancellationToken);
            }
            else
            {
                await context.OutboxBatches.InsertOneAsync(MongoWrites.Carrier(_events, now), cancellationToken: cancellationToken);
            }
            return CommitResult.Committed;
        }
        catch (Exception exception) when (_consumed is not null && MongoEngine.IsDuplicateKey(exception))
        {
            return CommitResult.AlreadyConsumed;
        }
        catch (Exception exception) when (MongoEngine.Classify(exception) == MongoFailure.Unreachable && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException(exception);
        }
    }

    /// <summary>A write that failed because its message was applied before (a redelivery) is no failure: nothing to do.</summary>
    private async Task<CommitResult> AlreadyConsumedOrAsync(Exception failure, CancellationToken cancellationToken)
    {
        if (_consumed is { } again && await store.HasConsumedAsync(again.MessageId, again.Consumer, cancellationToken))
        {
            return CommitResult.AlreadyConsumed;
        }
        throw failure;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed record PendingWrite(CollectionDefinition Collection, string Id, BsonDocument Data, long? ExpectedVersion);
}
