using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Casework.Persistence.Mongo;

/// <summary>
/// The indexes the store needs, made so at every start; creating an index creates its collection, and every collection
/// of the store has one. Safe when replicas start together: creating an index that exists with the same keys and
/// options is a no-op on the server (index builds do not block writes since MongoDB 4.2). An index of the engine whose
/// definition changed (same name, other keys or options) is dropped and built again.
/// </summary>
internal sealed class MongoSchema(MongoContext context, DocumentCollections collections, ILogger<MongoSchema> logger) : IStoreSchema
{
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        // Refuses a server without transactions unless Store:Mongo:Transactions opts in to standalone commits.
        await context.UseTransactionsAsync(cancellationToken);
        await MongoEngine.ReachAsync(async () =>
        {
            foreach (var (name, indexes) in Wanted(collections))
            {
                var collection = context.Database.GetCollection<BsonDocument>(name);
                foreach (var index in indexes)
                {
                    await EnsureIndexAsync(collection, index, cancellationToken);
                }
            }
        }, cancellationToken);
    }

    private async Task EnsureIndexAsync(IMongoCollection<BsonDocument> collection, MongoIndex index, CancellationToken cancellationToken)
    {
        try
        {
            await collection.Indexes.CreateOneAsync(Model(index), cancellationToken: cancellationToken);
        }
        catch (MongoCommandException exception) when (ChangedDefinition(exception))
        {
            logger.LogWarning("Index {Index} on {Collection} has another definition than this version declares: dropping and building it again",
                index.Name, collection.CollectionNamespace.CollectionName);
            try
            {
                await collection.Indexes.DropOneAsync(index.Name, cancellationToken);
            }
            catch (MongoCommandException dropped) when (dropped.Code == IndexNotFoundCode)
            {
                // Another replica dropped it a moment ago.
            }
            await collection.Indexes.CreateOneAsync(Model(index), cancellationToken: cancellationToken);
        }
    }

    /// <summary>
    /// The server refused an index because one of the same name has other options (85) or other keys (86): only the
    /// index of that name, one the engine declares, is dropped. (85 also means "the same keys under another name", e.g. an
    /// index an operator made by hand: then there is nothing of the engine's name to drop, the second attempt fails the
    /// same way, and start-up stops with the server's message naming the other index, which is left alone.)
    /// </summary>
    public static bool ChangedDefinition(MongoCommandException exception) =>
        exception.Code is IndexOptionsConflictCode or IndexKeySpecsConflictCode;

    public const int IndexOptionsConflictCode = 85;
    public const int IndexKeySpecsConflictCode = 86;
    private const int IndexNotFoundCode = 27;

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

internal sealed record MongoIndex(string Name, BsonDocument Keys, BsonDocument? Partial = null);
