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
        var sort = MongoRender.Sort(query.OrderBy, query.Descending);
        var limit = Math.Clamp(query.Limit, 1, 500);
        var offset = Math.Max(query.Offset, 0);
        var found = await MongoEngine.ReachAsync(
            () => collection.Find(filter).Project(StoredFields).Sort(sort).Skip(offset).Limit(limit).ToListAsync(cancellationToken),
            cancellationToken);
        var items = found.Select(Read<T>).ToList();
        if (query.CountLimit is 0)
        {
            // Count limit 0: no count wanted; a short page says there is nothing after it.
            return new Page<Stored<T>>(items, offset + items.Count, offset, limit, items.Count < limit);
        }

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
        var result = await collection.DeleteManyAsync(delete, cancellationToken);
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

    public async Task<bool> HasConsumedAsync(Guid messageId, string consumer, CancellationToken cancellationToken = default)
    {
        var inInbox = await MongoEngine.ReachAsync(
            () => context.Inbox.Find(new BsonDocument("_id", MongoWrites.InboxKey(messageId, consumer))).Limit(1).AnyAsync(cancellationToken),
            cancellationToken);
        if (inInbox || await context.TransactionsAsync(cancellationToken))
        {
            return inInbox;
        }
        // Without transactions a mark is kept in the one document its commit wrote (indexed, partial: a lookup per collection).
        var mark = new BsonDocument(MongoWrites.Consumed, MongoWrites.Mark(messageId, consumer));
        foreach (var collection in collections.All)
        {
            if (await MongoEngine.ReachAsync(() => context.Documents(collection).Find(mark).Limit(1).AnyAsync(cancellationToken), cancellationToken))
            {
                return true;
            }
        }
        return false;
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

        var result = await context.TransactionsAsync(cancellationToken)
            ? await CommitInTransactionAsync(cancellationToken)
            : await CommitWithoutTransactionAsync(cancellationToken);
        if (result == CommitResult.Committed && _events.Count > 0)
        {
            outboxSignal.Notify();
        }
        return result;
    }

    /// <summary>Inbox mark, documents and events in one multi-document transaction (replica set or sharded cluster).</summary>
    private async Task<CommitResult> CommitInTransactionAsync(CancellationToken cancellationToken)
    {
        var now = MongoContext.Now();
        using var session = await MongoEngine.ReachAsync(() => context.Client.StartSessionAsync(cancellationToken: cancellationToken), cancellationToken);
        session.StartTransaction(new TransactionOptions(writeConcern: WriteConcern.WMajority));
        PendingWrite? current = null;
        try
        {
            if (_consumed is { } consumed)
            {
                try
                {
                    await context.Inbox.InsertOneAsync(session, MongoWrites.InboxRecord(consumed.MessageId, consumed.Consumer, now, []), cancellationToken: cancellationToken);
                }
                catch (Exception exception) when (MongoEngine.IsDuplicateKey(exception))
                {
                    await AbortAsync(session);
                    return CommitResult.AlreadyConsumed;
                }
            }
            foreach (var write in _writes)
            {
                current = write;
                var collection = context.Documents(write.Collection);
                if (write.ExpectedVersion is { } expected)
                {
                    var updated = await collection.UpdateOneAsync(session, MongoWrites.UpdateFilter(write.Id, expected, null),
                        MongoWrites.Update(write.Data, now, [], null), cancellationToken: cancellationToken);
                    if (updated.MatchedCount == 0)
                    {
                        await AbortAsync(session);
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
                        await AbortAsync(session);
                        return await AlreadyConsumedOrAsync(new DuplicateDocumentException(write.Collection.Name, write.Id, exception), cancellationToken);
                    }
                }
            }
            current = null;
            if (_events.Count > 0)
            {
                await context.Outbox.InsertManyAsync(session, _events.Select(e => MongoWrites.OutboxEntry(e, now)), cancellationToken: cancellationToken);
            }
            await CommitTransactionAsync(session, cancellationToken);
            return CommitResult.Committed;
        }
        catch (Exception exception) when (MongoEngine.IsWriteConflict(exception))
        {
            // Another commit wrote one of these documents first: nothing of this one is kept; the caller reads again.
            await AbortAsync(session);
            throw current is { ExpectedVersion: { } expected }
                ? new StaleVersionException(current.Collection.Name, current.Id, expected)
                : new StaleVersionException(current?.Collection.Name ?? MongoContext.InboxName, current?.Id ?? Mark() ?? "", 0);
        }
        catch (Exception exception) when (MongoEngine.NotCommitted(exception) && !cancellationToken.IsCancellationRequested)
        {
            // The transaction did not commit (a transient error, or no server reached): nothing was changed, try again.
            await AbortAsync(session);
            throw new StoreUnavailableException(exception);
        }
        catch
        {
            await AbortAsync(session);
            throw;
        }
    }

    private string? Mark() => _consumed is { } consumed ? MongoWrites.Mark(consumed.MessageId, consumed.Consumer) : null;

    /// <summary>Commits, retrying while the server cannot say whether it committed (committing again is safe).</summary>
    private static async Task CommitTransactionAsync(IClientSessionHandle session, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await session.CommitTransactionAsync(cancellationToken);
                return;
            }
            catch (MongoException exception) when (exception.HasErrorLabel("UnknownTransactionCommitResult") && attempt < 3)
            {
            }
        }
    }

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
        var now = MongoContext.Now();
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
        catch (Exception exception) when (MongoEngine.IsNotSent(exception) && !cancellationToken.IsCancellationRequested)
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
        catch (Exception exception) when (MongoEngine.IsNotSent(exception) && !cancellationToken.IsCancellationRequested)
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
