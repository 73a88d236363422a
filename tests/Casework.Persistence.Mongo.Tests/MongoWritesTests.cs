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
        Assert.Equal(Now, entry["createdAt"].ToUniversalTime());
        Assert.Equal(["_id", "seq", "type", "payload", "createdAt", "pending"], entry.Names);

        var carrier = MongoWrites.Carrier([Event(1), Event(2) with { Id = Guid.NewGuid() }], Now);
        Assert.Equal([1L, 2L], carrier["outbox"].AsBsonArray.Select(e => e["seq"].AsInt64));
        Assert.True(carrier["outboxPending"].AsBoolean);

        var inbox = MongoWrites.InboxRecord(MessageId, "WidgetConsumer", Now, []);
        Assert.Equal(new BsonDocument { { "messageId", new BsonBinaryData(MessageId, GuidRepresentation.Standard) }, { "consumer", "WidgetConsumer" } }, inbox["_id"]);
        Assert.False(inbox.Contains("outbox"));
        Assert.True(MongoWrites.InboxRecord(MessageId, "WidgetConsumer", Now, [Event()]).Contains("outbox"));
    }

    [Fact]
    public void A_claim_leases_unsent_entries_whose_lease_ended_by_the_servers_clock_and_sent_entries_leave_the_pending_index()
    {
        var claimable = BsonDocument.Parse("{ pending: true, $expr: { $lt: [ { $ifNull: [ '$lockedUntil', new Date(0) ] }, '$$NOW' ] } }");
        Assert.Equal(claimable, MongoWrites.Claimable());

        var token = Guid.Parse("0192a1b2-0000-7000-8000-0000000000aa");
        var (filter, update) = MongoWrites.Claim([MongoWrites.Uuid(EventId)], TimeSpan.FromMinutes(5), token);
        claimable.Add("_id", new BsonDocument("$in", new BsonArray { MongoWrites.Uuid(EventId) }));
        Assert.Equal(claimable, filter); // still claimable when the update runs: another relay's lease is kept
        Assert.Equal([new BsonDocument("$set", new BsonDocument
            {
                { "lockedUntil", BsonDocument.Parse("{ $add: [ '$$NOW', NumberLong(300000) ] }") },
                { "claim", MongoWrites.Uuid(token) },
            })], Stages(update));
        Assert.Equal(new BsonDocument { { "claim", MongoWrites.Uuid(token) }, { "pending", true } }, MongoWrites.ClaimedBy(token));

        var (sentFilter, sent) = MongoWrites.Sent([EventId]);
        Assert.Equal(new BsonDocument("_id", new BsonDocument("$in", new BsonArray { MongoWrites.Uuid(EventId) })), sentFilter);
        Assert.Equal([BsonDocument.Parse("{ $set: { sentAt: '$$NOW' } }"), BsonDocument.Parse("{ $unset: [ 'pending', 'lockedUntil', 'claim' ] }")], Stages(sent));
    }

    private static IEnumerable<BsonDocument> Stages(MongoDB.Driver.PipelineDefinition<BsonDocument, BsonDocument> pipeline) =>
        pipeline.Render(new MongoDB.Driver.RenderArgs<BsonDocument>(MongoDB.Bson.Serialization.BsonSerializer.LookupSerializer<BsonDocument>(),
            MongoDB.Bson.Serialization.BsonSerializer.SerializerRegistry)).Documents;

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
        Assert.Equal(MongoTransactions.Required, MongoEngine.ParseMode(null)); // a standalone server is an opt-in
        Assert.Equal(MongoTransactions.Auto, MongoEngine.ParseMode("Auto"));
    }

    /// <summary>By default a server without transactions is refused at start (and by any commit), saying what to do.</summary>
    [Fact]
    public async Task Without_the_opt_in_a_standalone_server_is_refused_at_start_and_commit()
    {
        using var host = Host();
        host.Services.GetRequiredService<MongoContext>().AssumeTransactions(false);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Services.GetRequiredService<IStoreSchema>().EnsureAsync(CancellationToken.None));
        Assert.Contains("one node is enough", refused.Message);
        Assert.Contains("Store:Mongo:Transactions=auto", refused.Message);
        Assert.Contains("README, Running on MongoDB", refused.Message);

        await using var session = host.Services.GetRequiredService<IDocumentStore>().OpenSession();
        session.Insert("w-1", new Item("a", true, null, 1, 2, 3m, [], [], DateTimeOffset.UnixEpoch, SampleKind.Plain));
        Assert.Equal(refused.Message, (await Assert.ThrowsAsync<InvalidOperationException>(() => session.CommitAsync())).Message);
    }

    /// <summary>
    /// On a standalone server a commit of several documents is refused before anything is sent: the store here points at
    /// a port nothing listens on, with a short server selection timeout, so any attempt to write would fail differently.
    /// </summary>
    [Fact]
    public async Task Without_transactions_a_commit_of_several_documents_is_refused_before_writing()
    {
        using var host = Host(("Store:Mongo:Transactions", "auto"));
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

    /// <summary>The question whether the server has transactions is shared: one caller giving up must not fail the others.</summary>
    [Fact]
    public async Task A_caller_that_stops_waiting_for_transaction_detection_does_not_cancel_it_for_the_others()
    {
        using var host = Host();
        var context = host.Services.GetRequiredService<MongoContext>();
        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
        var first = context.UseTransactionsAsync(impatient.Token);
        var second = context.UseTransactionsAsync(CancellationToken.None);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        // The second caller sees what the server did (nothing answered), not the first caller's cancellation.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => second);
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
    private static readonly MongoDB.Driver.Core.Connections.ConnectionId Connection =
        new(new MongoDB.Driver.Core.Servers.ServerId(new MongoDB.Driver.Core.Clusters.ClusterId(1), new System.Net.DnsEndPoint("localhost", 27017)));

    private static MongoDB.Driver.MongoCommandException CommandError(int code, params string[] labels)
    {
        var result = new BsonDocument { { "ok", 0 }, { "code", code }, { "errmsg", "failed" }, { "errorLabels", new BsonArray(labels) } };
        var error = new MongoDB.Driver.MongoCommandException(Connection, "failed", new BsonDocument("update", "doc_items"), result);
        foreach (var label in labels)
        {
            error.AddErrorLabel(label);
        }
        return error;
    }

    [Fact]
    public void Server_errors_are_classified_once()
    {
        Assert.Equal(MongoFailure.TransientTransaction, MongoEngine.Classify(CommandError(112, "TransientTransactionError"))); // a write conflict: run again
        Assert.Equal(MongoFailure.DuplicateKey, MongoEngine.Classify(CommandError(11000)));
        Assert.Equal(MongoFailure.UnknownCommitResult, MongoEngine.Classify(CommandError(91, "UnknownTransactionCommitResult", "TransientTransactionError")));
        Assert.Equal(MongoFailure.Unreachable, MongoEngine.Classify(new TimeoutException("A timeout occurred after 5000ms selecting a server")));
        Assert.Equal(MongoFailure.ConnectionLost, MongoEngine.Classify(new MongoDB.Driver.MongoConnectionException(Connection, "reset")));
        Assert.Equal(MongoFailure.Other, MongoEngine.Classify(CommandError(2)));
        Assert.Equal(MongoFailure.Other, MongoEngine.Classify(new InvalidOperationException()));
    }

    /// <summary>Wrong credentials are a configuration error (a 500 that says so in the log), not "the store is unavailable, try again".</summary>
    [Fact]
    public async Task An_authentication_failure_is_not_store_unavailable()
    {
        var wrongPassword = new MongoDB.Driver.MongoAuthenticationException(Connection, "Unable to authenticate using sasl protocol mechanism SCRAM-SHA-256.");
        Assert.IsAssignableFrom<MongoDB.Driver.MongoConnectionException>(wrongPassword); // why it needs its own case
        Assert.Equal(MongoFailure.Other, MongoEngine.Classify(wrongPassword));
        Assert.Same(wrongPassword, await Assert.ThrowsAsync<MongoDB.Driver.MongoAuthenticationException>(
            () => MongoEngine.ReachAsync(() => Task.FromException(wrongPassword), CancellationToken.None)));
    }

    [Fact]
    public void Once_the_commit_is_sent_only_a_transient_error_without_an_unknown_result_means_not_committed()
    {
        var timeout = new TimeoutException("A timeout occurred after 5000ms selecting a server"); // e.g. the driver's own commit retry
        var brokenConnection = new MongoDB.Driver.MongoConnectionException(Connection, "reset");
        var unknown = CommandError(91, "UnknownTransactionCommitResult");
        var noSuchTransaction = CommandError(251, "TransientTransactionError");

        // Before the commit is sent, nothing can have been applied.
        Assert.True(MongoDocumentSession.NotCommitted(timeout, commitSent: false));
        Assert.True(MongoDocumentSession.NotCommitted(brokenConnection, commitSent: false));
        Assert.True(MongoDocumentSession.NotCommitted(noSuchTransaction, commitSent: false));
        Assert.False(MongoDocumentSession.NotCommitted(CommandError(2), commitSent: false));

        // After it, a timeout or a broken connection may hide an applied commit: never 503.
        Assert.False(MongoDocumentSession.NotCommitted(timeout, commitSent: true));
        Assert.False(MongoDocumentSession.NotCommitted(brokenConnection, commitSent: true));
        Assert.False(MongoDocumentSession.NotCommitted(unknown, commitSent: true));
        Assert.True(MongoDocumentSession.NotCommitted(noSuchTransaction, commitSent: true));

        // Those unknown outcomes are what the commit is retried on (committing again is safe).
        Assert.True(MongoDocumentSession.OutcomeUnknown(timeout));
        Assert.True(MongoDocumentSession.OutcomeUnknown(brokenConnection));
        Assert.True(MongoDocumentSession.OutcomeUnknown(CommandError(91, "UnknownTransactionCommitResult", "TransientTransactionError")));
        Assert.False(MongoDocumentSession.OutcomeUnknown(noSuchTransaction));
        Assert.False(MongoDocumentSession.OutcomeUnknown(CommandError(11000)));
    }

    [Fact]
    public void An_index_whose_definition_changed_is_rebuilt_and_nothing_else_is()
    {
        Assert.True(MongoSchema.ChangedDefinition(CommandError(85))); // IndexOptionsConflict: same name, other options
        Assert.True(MongoSchema.ChangedDefinition(CommandError(86))); // IndexKeySpecsConflict: same name, other keys
        Assert.False(MongoSchema.ChangedDefinition(CommandError(67))); // CannotCreateIndex
        Assert.False(MongoSchema.ChangedDefinition(CommandError(11000))); // a unique index over duplicates
    }
}
