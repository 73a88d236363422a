using MongoDB.Bson;
using MongoDB.Driver;

namespace Casework.Persistence.Mongo;

/// <summary>
/// The outbox collection: <c>{ _id: event id, seq, type, payload, createdAt, pending: true, lockedUntil, claim, sentAt }</c>.
/// Claims are leases (a claim token tags the batch a relay took), so several replicas can relay at once; lease times are
/// the server's clock (<c>$$NOW</c>), so replicas whose clocks differ agree on when a lease ends.
/// </summary>
internal sealed class MongoOutboxStore(MongoContext context, DocumentCollections collections) : IOutboxStore
{
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        // In every mode: a deployment that ran on a standalone server and became a replica set still has some.
        await MoveEmbeddedEventsAsync(max, cancellationToken);
        var outbox = context.Outbox;
        var candidates = await MongoEngine.ReachAsync(
            () => outbox.Find(MongoWrites.Claimable()).Sort(new BsonDocument("seq", 1)).Limit(Math.Max(max, 1)).Project(new BsonDocument("_id", 1)).ToListAsync(cancellationToken),
            cancellationToken);
        if (candidates.Count == 0)
        {
            return [];
        }
        // Only those still claimable when the update runs are tagged: a replica that took one meanwhile keeps it.
        // A claim that fails half-way changes nothing anyone relies on: its leases run out.
        var token = Guid.NewGuid();
        var (filter, update) = MongoWrites.Claim(candidates.Select(c => c["_id"]), lease, token);
        var claimed = await MongoEngine.ReachAsync(async () =>
        {
            await outbox.UpdateManyAsync(filter, update, cancellationToken: cancellationToken);
            return await outbox.Find(MongoWrites.ClaimedBy(token)).Sort(new BsonDocument("seq", 1)).ToListAsync(cancellationToken);
        }, cancellationToken);
        return claimed.Select(Message).ToList();
    }

    private static OutboxMessage Message(BsonDocument entry) => new(
        entry["_id"].AsBsonBinaryData.ToGuid(GuidRepresentation.Standard),
        entry["type"].AsString,
        BsonBridge.ToJson(entry["payload"]),
        new DateTimeOffset(entry["createdAt"].ToUniversalTime(), TimeSpan.Zero),
        entry["seq"].ToInt64());

    /// <summary>
    /// Without transactions, events are committed inside the document their commit wrote (or an inbox record, or a
    /// carrier document): they are copied to the outbox collection (idempotently, by event id) and then taken out of
    /// their document, without changing its version. At most <paramref name="max"/> documents per collection per call;
    /// where there are none, each collection costs one lookup in an empty partial index.
    /// </summary>
    internal async Task<int> MoveEmbeddedEventsAsync(int max, CancellationToken cancellationToken) =>
        await MongoEngine.ReachAsync(async () =>
        {
            var moved = 0;
            foreach (var carrier in context.EventCarriers(collections))
            {
                var holding = await carrier.Find(new BsonDocument(MongoWrites.OutboxPending, true))
                    .Project(new BsonDocument(MongoWrites.Outbox, 1)).Limit(Math.Max(max, 1)).ToListAsync(cancellationToken);
                foreach (var document in holding)
                {
                    moved += await MoveAsync(carrier, document, cancellationToken);
                }
            }
            return moved;
        }, cancellationToken);

    private async Task<int> MoveAsync(IMongoCollection<BsonDocument> carrier, BsonDocument document, CancellationToken cancellationToken)
    {
        var events = document.GetValue(MongoWrites.Outbox, new BsonArray()).AsBsonArray.Select(e => e.AsBsonDocument).ToList();
        foreach (var e in events)
        {
            var entry = MongoWrites.Pending(e);
            entry.Remove("_id");
            try
            {
                // Insert if absent: an event moved before (and perhaps sent since) stays as it is.
                await context.Outbox.UpdateOneAsync(new BsonDocument("_id", e["_id"]),
                    new BsonDocument("$setOnInsert", entry),
                    new UpdateOptions { IsUpsert = true }, cancellationToken);
            }
            catch (Exception exception) when (MongoEngine.IsDuplicateKey(exception))
            {
                // Another relay moved it at the same moment.
            }
        }
        if (carrier.CollectionNamespace.CollectionName == MongoContext.OutboxBatchesName)
        {
            await carrier.DeleteOneAsync(new BsonDocument("_id", document["_id"]), cancellationToken);
            return events.Count;
        }
        var ids = new BsonArray(events.Select(e => e["_id"]));
        await carrier.UpdateOneAsync(new BsonDocument("_id", document["_id"]),
            new BsonDocument("$pull", new BsonDocument(MongoWrites.Outbox, new BsonDocument("_id", new BsonDocument("$in", ids)))),
            cancellationToken: cancellationToken);
        // Unflagged only when nothing was appended meanwhile.
        await carrier.UpdateOneAsync(
            new BsonDocument { { "_id", document["_id"] }, { MongoWrites.Outbox, new BsonDocument("$size", 0) } },
            new BsonDocument("$unset", new BsonDocument { { MongoWrites.Outbox, "" }, { MongoWrites.OutboxPending, "" } }),
            cancellationToken: cancellationToken);
        return events.Count;
    }

    public Task MarkSentAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken) =>
        MongoEngine.ReachAsync(() =>
        {
            var (filter, update) = MongoWrites.Sent(ids);
            return context.Outbox.UpdateManyAsync(filter, update, cancellationToken: cancellationToken);
        }, cancellationToken);

    /// <summary>Unsent events in the outbox collection, and those still inside the documents their commits wrote.</summary>
    public Task<long> CountPendingAsync(CancellationToken cancellationToken) =>
        MongoEngine.ReachAsync(async () =>
        {
            var pending = await context.Outbox.CountDocumentsAsync(new BsonDocument("pending", true), cancellationToken: cancellationToken);
            foreach (var carrier in context.EventCarriers(collections))
            {
                var total = await carrier.Aggregate<BsonDocument>(MongoWrites.CountEmbeddedEvents, cancellationToken: cancellationToken).FirstOrDefaultAsync(cancellationToken);
                pending += total?["n"].ToInt64() ?? 0;
            }
            return pending;
        }, cancellationToken);

    public async Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken)
    {
        var result = await MongoEngine.ReachAsync(
            () => context.Outbox.DeleteManyAsync(new BsonDocument("sentAt", new BsonDocument("$lt", sentBefore.UtcDateTime)), cancellationToken),
            cancellationToken);
        return (int)result.DeletedCount;
    }
}
