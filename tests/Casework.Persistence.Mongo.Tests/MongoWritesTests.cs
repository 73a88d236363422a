using Casework.Contracts.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MongoDB.Bson;

namespace Casework.Persistence.Mongo.Tests;

public sealed class MongoWritesTests
{
    private static readonly DateTime Now = new(2025, 3, 14, 9, 26, 53, 123, DateTimeKind.Utc);
    private static readonly Guid EventId = Guid.Parse("0192a1b2-0000-7000-8000-000000000001");
    private static readonly Guid MessageId = Guid.Parse("6f1c2a1e-0a01-4c1e-9a01-000000000009");

    private static QueuedEvent Event(long sequence = 42) =>
        new(EventId, "PersonRegistered", BsonDocument.Parse("{ displayName: 'Ann' }"), sequence);

    [Fact]
    public void An_insert_is_the_document_at_version_1_with_its_times()
    {
        var data = BsonDocument.Parse("{ name: 'sprocket' }");
        Assert.Equal(new BsonDocument
        {
            { "_id", "w-1" }, { "version", 1L }, { "data", data }, { "createdAt", Now }, { "updatedAt", Now },
        }, MongoWrites.Insert("w-1", data, Now, [], null));
        Assert.Equal(BsonType.Int64, MongoWrites.Insert("w-1", data, Now, [], null)["version"].BsonType);
    }

    [Fact]
    public void An_update_matches_the_version_read_and_increments_it()
    {
        Assert.Equal(new BsonDocument { { "_id", "w-1" }, { "version", 3L } }, MongoWrites.UpdateFilter("w-1", 3, null));
        var data = BsonDocument.Parse("{ name: 'v4' }");
        Assert.Equal(new BsonDocument
        {
            { "$set", new BsonDocument { { "data", data }, { "updatedAt", Now } } },
            { "$inc", new BsonDocument("version", 1L) },
        }, MongoWrites.Update(data, Now, [], null));
    }

    [Fact]
    public void Without_transactions_the_one_document_carries_its_commits_events_and_inbox_mark()
    {
        var mark = MongoWrites.Mark(MessageId, "WidgetConsumer");
        Assert.Equal("6f1c2a1e-0a01-4c1e-9a01-000000000009/WidgetConsumer", mark);
        var data = BsonDocument.Parse("{ name: 'x' }");
        var embedded = new BsonDocument
        {
            { "_id", new BsonBinaryData(EventId, GuidRepresentation.Standard) }, { "seq", 42L }, { "type", "PersonRegistered" },
            { "payload", BsonDocument.Parse("{ displayName: 'Ann' }") }, { "createdAt", Now },
        };

        var insert = MongoWrites.Insert("w-1", data, Now, [Event()], mark);
        Assert.Equal(new BsonArray { mark }, insert["consumed"]);
        Assert.Equal(new BsonArray { embedded }, insert["outbox"]);
        Assert.Equal(BsonBoolean.True, insert["outboxPending"]);
        Assert.Equal(BsonBinarySubType.UuidStandard, insert["outbox"][0]["_id"].AsBsonBinaryData.SubType);

        // The update only matches if the message was not applied to the document yet (the mark is absent).
        Assert.Equal(new BsonDocument { { "_id", "w-1" }, { "version", 3L }, { "consumed", new BsonDocument("$ne", mark) } },
            MongoWrites.UpdateFilter("w-1", 3, mark));
        Assert.Equal(new BsonDocument
        {
            { "$set", new BsonDocument { { "data", data }, { "updatedAt", Now }, { "outboxPending", true } } },
            { "$inc", new BsonDocument("version", 1L) },
            { "$push", new BsonDocument
                {
                    { "outbox", new BsonDocument("$each", new BsonArray { embedded }) },
                    { "consumed", new BsonDocument { { "$each", new BsonArray { mark } }, { "$slice", -100 } } },
                }
            },
        }, MongoWrites.Update(data, Now, [Event()], mark));
    }

    [Fact]
    public void Outbox_entries_are_pending_events_in_sequence_and_carriers_hold_several()
    {
        var entry = MongoWrites.OutboxEntry(Event(7), Now);
        Assert.Equal(BsonDocument.Parse("{ pending: true }")["pending"], entry["pending"]);
        Assert.Equal(7L, entry["seq"].AsInt64);
        Assert.Equal(EventId, entry["_id"].AsBsonBinaryData.ToGuid(GuidRepresentation.Standard));
        Assert.Equal(MongoWrites.Pending(MongoWrites.EmbeddedEvent(Event(7), Now)), entry);

        var carrier = MongoWrites.Carrier([Event(1), Event(2) with { Id = Guid.NewGuid() }], Now);
        Assert.Equal([1L, 2L], carrier["outbox"].AsBsonArray.Select(e => e["seq"].AsInt64));
        Assert.True(carrier["outboxPending"].AsBoolean);

        var inbox = MongoWrites.InboxRecord(MessageId, "WidgetConsumer", Now, []);
        Assert.Equal(new BsonDocument { { "messageId", new BsonBinaryData(MessageId, GuidRepresentation.Standard) }, { "consumer", "WidgetConsumer" } }, inbox["_id"]);
        Assert.False(inbox.Contains("outbox"));
        Assert.True(MongoWrites.InboxRecord(MessageId, "WidgetConsumer", Now, [Event()]).Contains("outbox"));
    }

    [Fact]
    public void A_claim_leases_unsent_entries_whose_lease_is_free_and_sent_entries_leave_the_pending_index()
    {
        var claimable = BsonDocument.Parse("""
            { pending: true, $or: [ { lockedUntil: null }, { lockedUntil: { $lt: ISODate('2025-03-14T09:26:53.123Z') } } ] }
            """);
        Assert.Equal(claimable, MongoWrites.Claimable(Now));

        var token = Guid.Parse("0192a1b2-0000-7000-8000-0000000000aa");
        var (filter, update) = MongoWrites.Claim([MongoWrites.Uuid(EventId)], Now, TimeSpan.FromMinutes(5), token);
        claimable.Add("_id", new BsonDocument("$in", new BsonArray { MongoWrites.Uuid(EventId) }));
        Assert.Equal(claimable, filter); // still claimable when the update runs: another relay's lease is kept
        Assert.Equal(new BsonDocument("$set", new BsonDocument { { "lockedUntil", Now.AddMinutes(5) }, { "claim", MongoWrites.Uuid(token) } }), update);
        Assert.Equal(new BsonDocument { { "claim", MongoWrites.Uuid(token) }, { "pending", true } }, MongoWrites.ClaimedBy(token));

        var (sentFilter, sent) = MongoWrites.Sent([EventId], Now);
        Assert.Equal(new BsonDocument("_id", new BsonDocument("$in", new BsonArray { MongoWrites.Uuid(EventId) })), sentFilter);
        Assert.Equal(BsonDocument.Parse("{ $set: { sentAt: ISODate('2025-03-14T09:26:53.123Z') }, $unset: { pending: '', lockedUntil: '', claim: '' } }"), sent);
    }

    [Fact]
    public void Transactions_are_there_on_a_replica_set_member_or_a_mongos_only()
    {
        Assert.True(MongoContext.SupportsTransactions(BsonDocument.Parse("{ isWritablePrimary: true, setName: 'rs0', ok: 1 }")));
        Assert.True(MongoContext.SupportsTransactions(BsonDocument.Parse("{ isWritablePrimary: true, msg: 'isdbgrid', ok: 1 }")));
        Assert.False(MongoContext.SupportsTransactions(BsonDocument.Parse("{ isWritablePrimary: true, ok: 1 }")));
    }

    [Fact]
    public void The_outbox_sequence_rises_strictly_even_within_one_tick_and_across_threads()
    {
        using var context = new MongoContext("mongodb://localhost:27017/casework_test", null, MongoTransactions.Auto);
        var before = DateTime.UtcNow.Ticks;
        var taken = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 10_000, _ => taken.Add(context.NextSequence()));
        Assert.Equal(10_000, taken.Distinct().Count());
        Assert.All(taken, s => Assert.True(s >= before));
        var sequence = Enumerable.Range(0, 1000).Select(_ => context.NextSequence()).ToList();
        Assert.Equal(sequence.Order(), sequence);
        Assert.True(sequence.Zip(sequence.Skip(1)).All(p => p.Second > p.First));
    }

    [Fact]
    public void The_connection_string_must_name_the_database_and_the_transactions_setting_must_be_known()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => new MongoContext("mongodb://localhost:27017/?replicaSet=rs0", null, MongoTransactions.Auto));
        Assert.Contains("name the database", missing.Message);
        using var named = new MongoContext("mongodb://localhost:27017/casework_case?replicaSet=rs0", 8, MongoTransactions.Auto);
        Assert.Equal("casework_case", named.Database.DatabaseNamespace.DatabaseName);
        Assert.Throws<InvalidOperationException>(() => Host(("Store:Mongo:Transactions", "sometimes")));
    }

    /// <summary>
    /// On a standalone server a commit of several documents is refused before anything is sent: the store here points at
    /// a port nothing listens on, with a short server selection timeout, so any attempt to write would fail differently.
    /// </summary>
    [Fact]
    public async Task Without_transactions_a_commit_of_several_documents_is_refused_before_writing()
    {
        using var host = Host();
        host.Services.GetRequiredService<MongoContext>().AssumeTransactions(false);
        var store = host.Services.GetRequiredService<IDocumentStore>();

        await using var session = store.OpenSession();
        session.Insert("w-1", new Item("a", true, null, 1, 2, 3m, [], [], DateTimeOffset.UnixEpoch, SampleKind.Plain));
        session.Update("w-2", new Item("b", true, null, 1, 2, 3m, [], [], DateTimeOffset.UnixEpoch, SampleKind.Plain), expectedVersion: 4);
        session.Publish(new PersonRegistered(Guid.NewGuid(), "Ann", DateTimeOffset.UnixEpoch));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => session.CommitAsync());
        Assert.Contains("replica set", refused.Message);
        Assert.Contains("items", refused.Message);

        await using var empty = store.OpenSession();
        Assert.Equal(CommitResult.Committed, await empty.CommitAsync()); // nothing queued: nothing to send
        await Assert.ThrowsAsync<InvalidOperationException>(() => empty.CommitAsync()); // a session commits once
    }

    [Fact]
    public async Task An_unreachable_server_is_store_unavailable()
    {
        using var host = Host();
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var failure = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync<Item>("w-1"));
        Assert.IsType<TimeoutException>(failure.InnerException);
        await Assert.ThrowsAsync<StoreUnavailableException>(() => host.Services.GetRequiredService<IOutboxStore>().CountPendingAsync(CancellationToken.None));
    }

    private static IHost Host(params (string Key, string Value)[] settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Engine"] = "mongodb",
            // Port 9 (discard): nothing answers; server selection gives up quickly.
            ["ConnectionStrings:Store"] = "mongodb://127.0.0.1:9/casework_test?serverSelectionTimeoutMS=300&connectTimeoutMS=300",
        }.Concat(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))));
        builder.AddDocumentStore(collections => collections.Add<Item>("items", ["name"]));
        var host = builder.Build();
        _ = host.Services.GetRequiredService<IDocumentStore>();
        return host;
    }
}

public sealed class MongoErrorTests
{
    private static MongoDB.Driver.MongoCommandException CommandError(int code, params string[] labels)
    {
        var server = new MongoDB.Driver.Core.Servers.ServerId(new MongoDB.Driver.Core.Clusters.ClusterId(1), new System.Net.DnsEndPoint("localhost", 27017));
        var result = new BsonDocument { { "ok", 0 }, { "code", code }, { "errmsg", "failed" }, { "errorLabels", new BsonArray(labels) } };
        var error = new MongoDB.Driver.MongoCommandException(new MongoDB.Driver.Core.Connections.ConnectionId(server), "failed", new BsonDocument("update", "doc_items"), result);
        foreach (var label in labels)
        {
            error.AddErrorLabel(label);
        }
        return error;
    }

    [Fact]
    public void Server_errors_are_told_apart()
    {
        Assert.True(MongoEngine.IsWriteConflict(CommandError(112, "TransientTransactionError")));
        Assert.False(MongoEngine.IsWriteConflict(CommandError(11000)));
        Assert.True(MongoEngine.IsDuplicateKey(CommandError(11000)));
        Assert.False(MongoEngine.IsDuplicateKey(CommandError(112)));

        Assert.True(MongoEngine.NotCommitted(CommandError(251, "TransientTransactionError"))); // NoSuchTransaction: try again
        Assert.False(MongoEngine.NotCommitted(CommandError(91, "UnknownTransactionCommitResult", "TransientTransactionError")));
        Assert.False(MongoEngine.NotCommitted(CommandError(2)));
        Assert.True(MongoEngine.NotCommitted(new TimeoutException("A timeout occurred after 5000ms selecting a server")));
        Assert.False(MongoEngine.NotCommitted(new InvalidOperationException()));

        Assert.True(MongoEngine.IsNotSent(new TimeoutException()));
        Assert.False(MongoEngine.IsNotSent(CommandError(112)));
    }
}
