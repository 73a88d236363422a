using MongoDB.Bson;
using MongoDB.Driver;

namespace Casework.Persistence.Mongo;

/// <summary>
/// The collections and indexes the store needs, made so at every start. Both steps are idempotent and safe when replicas
/// start together: creating a collection that exists is ignored, and creating an index that exists with the same keys
/// and options is a no-op on the server (index builds do not block writes since MongoDB 4.2).
/// </summary>
internal sealed class MongoSchema(MongoContext context, DocumentCollections collections) : IStoreSchema
{
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var transactions = await context.TransactionsAsync(cancellationToken);
        if (!transactions && context.Mode == MongoTransactions.Required)
        {
            throw new InvalidOperationException(
                "Store:Mongo:Transactions is 'required' but the MongoDB server is a standalone server without multi-document transactions; run a replica set (see README, Running on MongoDB).");
        }
        var existing = (await MongoEngine.ReachAsync(
            async () => await (await context.Database.ListCollectionNamesAsync(cancellationToken: cancellationToken)).ToListAsync(cancellationToken),
            cancellationToken)).ToHashSet();
        foreach (var (name, indexes) in Wanted(collections))
        {
            if (!existing.Contains(name))
            {
                try
                {
                    await context.Database.CreateCollectionAsync(name, cancellationToken: cancellationToken);
                }
                catch (MongoCommandException exception) when (exception.Code == MongoEngine.NamespaceExistsCode)
                {
                    // Another replica created it a moment ago.
                }
            }
            if (indexes.Count > 0)
            {
                var collection = context.Database.GetCollection<BsonDocument>(name);
                await collection.Indexes.CreateManyAsync(indexes.Select(Model), cancellationToken);
            }
        }
    }

    private static CreateIndexModel<BsonDocument> Model(MongoIndex index) => new(index.Keys, new CreateIndexOptions<BsonDocument>
    {
        Name = index.Name,
        PartialFilterExpression = index.Partial,
    });

    /// <summary>Every collection of the store with the indexes it needs (pure: tested without a server).</summary>
    public static IEnumerable<(string Collection, IReadOnlyList<MongoIndex> Indexes)> Wanted(DocumentCollections collections)
    {
        yield return (MongoContext.OutboxName,
        [
            new MongoIndex("ix_outbox_pending_seq", new BsonDocument("seq", 1), new BsonDocument("pending", true)),
            new MongoIndex("ix_outbox_claim", new BsonDocument("claim", 1), new BsonDocument("pending", true)),
            new MongoIndex("ix_outbox_sent_at", new BsonDocument("sentAt", 1), new BsonDocument("sentAt", new BsonDocument("$exists", true))),
        ]);
        yield return (MongoContext.InboxName, [EmbeddedEvents(MongoContext.InboxName)]);
        yield return (MongoContext.OutboxBatchesName, [EmbeddedEvents(MongoContext.OutboxBatchesName)]);
        foreach (var collection in collections.All)
        {
            var indexes = collection.Indexes
                .Where(fields => !(fields.Length == 1 && fields[0] == DocumentCollections.DocumentId)) // _id has its own
                .Select(fields => new MongoIndex(MongoRender.IndexName(collection, fields), MongoRender.IndexKeys(fields)))
                .Append(EmbeddedEvents(collection.Name))
                // Without transactions, a commit's inbox mark lives in its document: found by this (partial) index.
                .Append(new MongoIndex($"ix_{collection.Name}_consumed", new BsonDocument(MongoWrites.Consumed, 1),
                    new BsonDocument(MongoWrites.Consumed, new BsonDocument("$exists", true))))
                .ToList();
            yield return (MongoContext.CollectionName(collection), indexes);
        }
    }

    /// <summary>Without transactions, the documents holding committed events (few, briefly) for the relay to find.</summary>
    private static MongoIndex EmbeddedEvents(string collection) =>
        new($"ix_{collection}_outbox_pending", new BsonDocument(MongoWrites.OutboxPending, 1),
            new BsonDocument(MongoWrites.OutboxPending, new BsonDocument("$exists", true)));
}

public sealed record MongoIndex(string Name, BsonDocument Keys, BsonDocument? Partial = null);
