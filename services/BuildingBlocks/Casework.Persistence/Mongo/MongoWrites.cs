using MongoDB.Bson;
using MongoDB.Driver;

namespace Casework.Persistence.Mongo;

/// <summary>An event queued by a session: its id, type name, payload as BSON, and its place in the outbox order.</summary>
internal sealed record QueuedEvent(Guid Id, string Type, BsonDocument Payload, long Sequence);

/// <summary>
/// The BSON a commit sends, as pure functions (tested without a server). Field names of the stored layout live here.
/// On a server without transactions, a commit's one document also carries the commit's events (<see cref="Outbox"/>,
/// flagged by <see cref="OutboxPending"/> for the relay) and its inbox mark (<see cref="Consumed"/>), so all of it
/// is one atomic single-document write.
/// </summary>
internal static class MongoWrites
{
    public const string Version = "version";
    public const string Data = "data";
    public const string CreatedAt = "createdAt";
    public const string UpdatedAt = "updatedAt";

    /// <summary>Events committed inside a document, waiting for the relay to move them to the outbox collection.</summary>
    public const string Outbox = "outbox";

    /// <summary>Set while <see cref="Outbox"/> holds events: the (partial) index the relay finds them by.</summary>
    public const string OutboxPending = "outboxPending";

    /// <summary>The inbox marks of the last <see cref="ConsumedKept"/> messages applied to this document.</summary>
    public const string Consumed = "consumed";

    public const int ConsumedKept = 100;

    public static BsonBinaryData Uuid(Guid id) => new(id, GuidRepresentation.Standard);

    /// <summary>An inbox mark as it is kept inside a document.</summary>
    public static string Mark(Guid messageId, string consumer) => $"{messageId:D}/{consumer}";

    /// <summary>The inbox collection's key for a consumer's message.</summary>
    public static BsonDocument InboxKey(Guid messageId, string consumer) =>
        new() { { "messageId", Uuid(messageId) }, { "consumer", consumer } };

    /// <summary>An inbox record; on a server without transactions it may carry its commit's events.</summary>
    public static BsonDocument InboxRecord(Guid messageId, string consumer, DateTime now, IReadOnlyList<QueuedEvent> embeddedEvents)
    {
        var record = new BsonDocument { { "_id", InboxKey(messageId, consumer) }, { "consumedAt", now } };
        return WithEvents(record, embeddedEvents, now);
    }

    /// <summary>A new document at version 1, with (without transactions) its commit's events and inbox mark.</summary>
    public static BsonDocument Insert(string id, BsonDocument data, DateTime now, IReadOnlyList<QueuedEvent> embeddedEvents, string? mark)
    {
        var document = new BsonDocument
        {
            { "_id", id },
            { Version, 1L },
            { Data, data },
            { CreatedAt, now },
            { UpdatedAt, now },
        };
        if (mark is not null)
        {
            document.Add(Consumed, new BsonArray { mark });
        }
        return WithEvents(document, embeddedEvents, now);
    }

    /// <summary>Matches the document only at the version it was read at (and, with a mark, only if that message was not applied to it).</summary>
    public static BsonDocument UpdateFilter(string id, long expectedVersion, string? mark)
    {
        var filter = new BsonDocument { { "_id", id }, { Version, expectedVersion } };
        if (mark is not null)
        {
            filter.Add(Consumed, new BsonDocument("$ne", mark));
        }
        return filter;
    }

    /// <summary>The new content at the next version; without transactions also the commit's events and inbox mark.</summary>
    public static BsonDocument Update(BsonDocument data, DateTime now, IReadOnlyList<QueuedEvent> embeddedEvents, string? mark)
    {
        var set = new BsonDocument { { Data, data }, { UpdatedAt, now } };
        var update = new BsonDocument { { "$set", set }, { "$inc", new BsonDocument(Version, 1L) } };
        var push = new BsonDocument();
        if (embeddedEvents.Count > 0)
        {
            set.Add(OutboxPending, true);
            push.Add(Outbox, new BsonDocument("$each", new BsonArray(embeddedEvents.Select(e => EmbeddedEvent(e, now)))));
        }
        if (mark is not null)
        {
            // Only the latest marks are kept, so a busy document stays small (redeliveries come soon after the first).
            push.Add(Consumed, new BsonDocument { { "$each", new BsonArray { mark } }, { "$slice", -ConsumedKept } });
        }
        if (push.ElementCount > 0)
        {
            update.Add("$push", push);
        }
        return update;
    }

    /// <summary>An event inside a document (or a carrier of events), until the relay moves it.</summary>
    public static BsonDocument EmbeddedEvent(QueuedEvent e, DateTime now) => new()
    {
        { "_id", Uuid(e.Id) },
        { "seq", e.Sequence },
        { "type", e.Type },
        { "payload", e.Payload },
        { "createdAt", now },
    };

    /// <summary>An event in the outbox collection, waiting to be sent.</summary>
    public static BsonDocument OutboxEntry(QueuedEvent e, DateTime now) => Pending(EmbeddedEvent(e, now));

    /// <summary>An embedded event as an outbox entry: the same fields, pending.</summary>
    public static BsonDocument Pending(BsonDocument embeddedEvent)
    {
        var entry = embeddedEvent.DeepClone().AsBsonDocument;
        entry.Set("pending", true);
        return entry;
    }

    /// <summary>A commit's events without transactions and without a document: one carrier document, written in one atomic insert.</summary>
    public static BsonDocument Carrier(IReadOnlyList<QueuedEvent> events, DateTime now) =>
        WithEvents(new BsonDocument { { "_id", Uuid(events[0].Id) }, { CreatedAt, now } }, events, now);

    /// <summary>Outbox entries a relay may take: unsent, and never leased (read as leased until 1970) or with the lease run out by the server's clock.</summary>
    public static BsonDocument Claimable() => new()
    {
        { "pending", true },
        { "$expr", new BsonDocument("$lt", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$lockedUntil", new BsonDateTime(0) }), "$$NOW" }) },
    };

    /// <summary>
    /// Leases the candidates that are still claimable when the update runs, tagging them with this claim's token; the
    /// lease ends <paramref name="lease"/> after the server's now (an update pipeline, so <c>$$NOW</c> is the server's).
    /// </summary>
    public static (BsonDocument Filter, PipelineDefinition<BsonDocument, BsonDocument> Update) Claim(IEnumerable<BsonValue> candidateIds, TimeSpan lease, Guid token)
    {
        var filter = Claimable();
        filter.Add("_id", new BsonDocument("$in", new BsonArray(candidateIds)));
        BsonDocument[] update =
        [
            new("$set", new BsonDocument
            {
                { "lockedUntil", new BsonDocument("$add", new BsonArray { "$$NOW", (long)lease.TotalMilliseconds }) },
                { "claim", Uuid(token) },
            }),
        ];
        return (filter, update);
    }

    /// <summary>The entries one claim took (a later claim of an expired lease retags them).</summary>
    public static BsonDocument ClaimedBy(Guid token) => new() { { "claim", Uuid(token) }, { "pending", true } };

    /// <summary>Sent entries are no longer pending (and leave the pending index); their send time (the server's) decides when they are purged.</summary>
    public static (BsonDocument Filter, PipelineDefinition<BsonDocument, BsonDocument> Update) Sent(IEnumerable<Guid> ids)
    {
        BsonDocument[] update =
        [
            new("$set", new BsonDocument("sentAt", "$$NOW")),
            new("$unset", new BsonArray { "pending", "lockedUntil", "claim" }),
        ];
        return (new BsonDocument("_id", new BsonDocument("$in", new BsonArray(ids.Select(Uuid)))), update);
    }

    /// <summary>How many events wait inside the documents of one collection (found by the partial index on <see cref="OutboxPending"/>).</summary>
    public static readonly BsonDocument[] CountEmbeddedEvents =
    [
        new("$match", new BsonDocument(OutboxPending, true)),
        new("$group", new BsonDocument { { "_id", BsonNull.Value }, { "n", new BsonDocument("$sum", new BsonDocument("$size", "$" + Outbox)) } }),
    ];

    private static BsonDocument WithEvents(BsonDocument document, IReadOnlyList<QueuedEvent> events, DateTime now)
    {
        if (events.Count > 0)
        {
            document.Add(Outbox, new BsonArray(events.Select(e => EmbeddedEvent(e, now))));
            document.Add(OutboxPending, true);
        }
        return document;
    }
}
