using System.Text.Json;
using Casework.Testing;
using Casework.Contracts.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casework.Persistence.Tests;

public enum WidgetKind
{
    Plain,
    Fancy,
}

public sealed record Widget(string Name, string Colour, string? Owner, int Size, WidgetKind Kind, DateTimeOffset MadeAt, IReadOnlyList<string> Tags);

public sealed record Gadget(string Label);

/// <summary>A type no test declares as a collection.</summary>
public sealed record Undeclared(string Value);

/// <summary>
/// An empty database on one engine: how AddDocumentStore reaches it (with any further settings), how to drop it
/// afterwards, and anything to tell the built store before use (e.g. to assume a server without transactions).
/// </summary>
public sealed record EngineDatabase(string Engine, string ConnectionString, Func<ValueTask> DropAsync,
    IReadOnlyDictionary<string, string?>? Settings = null, Action<IServiceProvider>? Prepare = null);

/// <summary>
/// The behaviour every engine of <see cref="IDocumentStore"/>, <see cref="IDocumentSession"/> and
/// <see cref="IOutboxStore"/> must have. An engine subclass only says how to get an empty database;
/// the store is built through the real DI registration (<c>AddDocumentStore</c>, chosen by
/// <c>Store:Engine</c>) and its schema ensured with <see cref="IStoreSchema"/>. Every test gets a fresh database.
/// </summary>
public abstract class DocumentStoreContract : IAsyncLifetime
{
    private readonly List<(IHost Host, EngineDatabase? Database)> _owned = [];

    protected IDocumentStore Store { get; private set; } = null!;
    protected IOutboxStore Outbox { get; private set; } = null!;
    protected IStoreSchema Schema { get; private set; } = null!;

    /// <summary>Creates an empty database on the engine under test.</summary>
    protected abstract Task<EngineDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        var database = await CreateDatabaseAsync();
        var host = BuildHost(database, owns: true);
        (Store, Outbox, Schema) = Resolve(host);
        await Schema.EnsureAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var (host, database) in Enumerable.Reverse(_owned))
        {
            await ((IAsyncDisposable)host).DisposeAsync();
            if (database is not null)
            {
                await database.DropAsync();
            }
        }
    }

    /// <summary>A host with the store registered exactly as a service registers it (not started: tests ensure the schema themselves).</summary>
    private IHost BuildHost(EngineDatabase database, bool owns)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Store:Engine"] = database.Engine,
            ["ConnectionStrings:Store"] = database.ConnectionString,
        }.Concat(database.Settings ?? new Dictionary<string, string?>()));
        builder.AddDocumentStore(collections => collections
            .Add<Widget>("widgets", ["colour", "id"], ["owner", "name"])
            .Add<Gadget>("gadgets"));
        var host = builder.Build();
        database.Prepare?.Invoke(host.Services);
        _owned.Add((host, owns ? database : null));
        return host;
    }

    private static (IDocumentStore, IOutboxStore, IStoreSchema) Resolve(IHost host) =>
        (host.Services.GetRequiredService<IDocumentStore>(), host.Services.GetRequiredService<IOutboxStore>(), host.Services.GetRequiredService<IStoreSchema>());

    private static readonly DateTimeOffset MadeAt = new(2025, 3, 14, 9, 26, 53, TimeSpan.FromHours(1));

    private static Widget NewWidget(string name, string colour = "red", string? owner = null, int size = 3) =>
        new(name, colour, owner, size, WidgetKind.Fancy, MadeAt, ["a", name]);

    private static PersonRegistered NewEvent(string name) => new(Guid.NewGuid(), name, MadeAt);

    private static void AssertSameWidget(Widget expected, Widget actual)
    {
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected, actual with { Tags = expected.Tags });
    }

    private async Task<long> PendingAsync() => await Outbox.CountPendingAsync(CancellationToken.None);

    private async Task CommitAsync(Action<IDocumentSession> queue)
    {
        await using var session = Store.OpenSession();
        queue(session);
        Assert.Equal(CommitResult.Committed, await session.CommitAsync());
    }

    private static PersonRegistered EventOf(OutboxMessage message)
    {
        Assert.Equal(nameof(PersonRegistered), message.Type);
        return JsonSerializer.Deserialize<PersonRegistered>(message.Payload, DocumentJson.Options)!;
    }

    // ---- documents and versions

    [ContractFact]
    public async Task An_inserted_document_reads_back_unchanged_at_version_1()
    {
        var widget = NewWidget("sprocket", owner: "ann");
        await CommitAsync(s => s.Insert("w-1", widget));

        var stored = await Store.GetAsync<Widget>("w-1");
        Assert.NotNull(stored);
        Assert.Equal("w-1", stored.Id);
        Assert.Equal(1, stored.Version);
        AssertSameWidget(widget, stored.Document);

        await using var session = Store.OpenSession();
        var inSession = await session.GetAsync<Widget>("w-1");
        Assert.Equal(1, inSession?.Version);
    }

    [ContractFact]
    public async Task A_missing_document_reads_as_null()
    {
        await CommitAsync(s => s.Insert("w-1", NewWidget("sprocket")));
        Assert.Null(await Store.GetAsync<Widget>("w-2"));
        Assert.Null(await Store.GetAsync<Gadget>("w-1")); // another collection, same id
        await using var session = Store.OpenSession();
        Assert.Null(await session.GetAsync<Widget>("w-2"));
    }

    [ContractFact]
    public async Task Nothing_is_written_before_commit()
    {
        await using var session = Store.OpenSession();
        session.Insert("w-1", NewWidget("sprocket"));
        session.Publish(NewEvent("Ann"));

        Assert.Null(await Store.GetAsync<Widget>("w-1"));
        Assert.Equal(0, await PendingAsync());
        Assert.Equal(CommitResult.Committed, await session.CommitAsync());
        Assert.NotNull(await Store.GetAsync<Widget>("w-1"));
    }

    [ContractFact]
    public async Task Each_update_increments_the_version()
    {
        await CommitAsync(s => s.Insert("w-1", NewWidget("v1")));
        await CommitAsync(s => s.Update("w-1", NewWidget("v2"), expectedVersion: 1));
        await CommitAsync(s => s.Update("w-1", NewWidget("v3", colour: "blue"), expectedVersion: 2));

        var stored = await Store.GetAsync<Widget>("w-1");
        Assert.Equal(3, stored!.Version);
        AssertSameWidget(NewWidget("v3", colour: "blue"), stored.Document);
    }

    [ContractFact(SeveralDocuments = true)]
    public async Task A_stale_update_fails_and_writes_nothing_of_its_session()
    {
        await CommitAsync(s =>
        {
            s.Insert("w-1", NewWidget("original"));
            s.Publish(NewEvent("first"));
        });
        await CommitAsync(s => s.Update("w-1", NewWidget("theirs"), expectedVersion: 1));
        var pendingBefore = await PendingAsync();

        await using var session = Store.OpenSession();
        session.Insert("g-1", new Gadget("written with the stale update"));
        session.Update("w-1", NewWidget("mine"), expectedVersion: 1);
        session.Publish(NewEvent("lost"));
        var failure = await Assert.ThrowsAsync<StaleVersionException>(() => session.CommitAsync());

        Assert.Equal("widgets", failure.Collection);
        Assert.Equal("w-1", failure.Id);
        Assert.Equal(1, failure.ExpectedVersion);
        var stored = await Store.GetAsync<Widget>("w-1");
        Assert.Equal(2, stored!.Version);
        Assert.Equal("theirs", stored.Document.Name);
        Assert.Null(await Store.GetAsync<Gadget>("g-1"));
        Assert.Equal(pendingBefore, await PendingAsync());
    }

    [ContractFact]
    public async Task Updating_a_document_that_does_not_exist_is_a_concurrency_failure()
    {
        await using var session = Store.OpenSession();
        session.Update("w-404", NewWidget("ghost"), expectedVersion: 1);
        session.Publish(NewEvent("ghost"));

        var failure = await Assert.ThrowsAsync<StaleVersionException>(() => session.CommitAsync());
        Assert.Equal("w-404", failure.Id);
        Assert.Null(await Store.GetAsync<Widget>("w-404"));
        Assert.Equal(0, await PendingAsync());
    }

    [ContractFact(SeveralDocuments = true)]
    public async Task A_duplicate_insert_fails_and_writes_nothing_of_its_session()
    {
        await CommitAsync(s => s.Insert("w-1", NewWidget("original")));

        await using var session = Store.OpenSession();
        session.Insert("g-1", new Gadget("written with the duplicate"));
        session.Insert("w-1", NewWidget("duplicate"));
        session.Publish(NewEvent("lost"));
        var failure = await Assert.ThrowsAsync<DuplicateDocumentException>(() => session.CommitAsync());

        Assert.Equal("widgets", failure.Collection);
        Assert.Equal("w-1", failure.Id);
        var stored = await Store.GetAsync<Widget>("w-1");
        Assert.Equal(1, stored!.Version);
        Assert.Equal("original", stored.Document.Name);
        Assert.Null(await Store.GetAsync<Gadget>("g-1"));
        Assert.Equal(0, await PendingAsync());
    }

    /// <summary>
    /// Two commits inserting one id at the same moment: one commits, the other fails as a duplicate (PostgreSQL waits for
    /// the first transaction; MongoDB runs the second again after its write conflict and then meets the committed document).
    /// </summary>
    [ContractFact]
    public async Task Two_concurrent_inserts_of_one_id_commit_one_and_fail_the_other_as_a_duplicate()
    {
        for (var round = 1; round <= 5; round++)
        {
            var id = $"w-{round}";
            var outcomes = await Task.WhenAll(Enumerable.Range(1, 2).Select(writer => Task.Run(async () =>
            {
                await using var session = Store.OpenSession();
                session.Insert(id, NewWidget($"writer {writer}"));
                session.Publish(NewEvent($"writer {writer}"));
                try
                {
                    await session.CommitAsync();
                    return "committed";
                }
                catch (DuplicateDocumentException failure) when (failure.Id == id)
                {
                    return "duplicate";
                }
            })));
            Assert.Equal(["committed", "duplicate"], outcomes.Order());
            Assert.Equal(1, (await Store.GetAsync<Widget>(id))!.Version);
        }
        Assert.Equal(5, await PendingAsync()); // the failed commits' events are gone with them
    }

    [ContractFact(SeveralDocuments = true)]
    public async Task The_same_id_in_two_collections_is_two_documents()
    {
        await CommitAsync(s =>
        {
            s.Insert("same", NewWidget("widget"));
            s.Insert("same", new Gadget("gadget"));
        });
        Assert.Equal("widget", (await Store.GetAsync<Widget>("same"))!.Document.Name);
        Assert.Equal("gadget", (await Store.GetAsync<Gadget>("same"))!.Document.Label);
    }

    [ContractFact(SeveralDocuments = true)]
    public async Task A_session_commits_documents_and_events_together()
    {
        var first = NewEvent("Ann");
        var second = NewEvent("Bob");
        await CommitAsync(s =>
        {
            s.Insert("w-1", NewWidget("sprocket"));
            s.Insert("g-1", new Gadget("gizmo"));
            s.Publish(first);
            s.Publish(second);
        });

        Assert.NotNull(await Store.GetAsync<Widget>("w-1"));
        Assert.Equal("gizmo", (await Store.GetAsync<Gadget>("g-1"))!.Document.Label);
        Assert.Equal(2, await PendingAsync());
        var claimed = await Outbox.ClaimAsync(10, TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal(2, claimed.Select(m => m.Id).Distinct().Count());
        Assert.Equal(new[] { first, second }.OrderBy(e => e.PersonId), claimed.Select(EventOf).OrderBy(e => e.PersonId));
    }

    [ContractFact]
    public async Task A_session_commits_once_and_an_empty_one_commits_nothing()
    {
        await using (var empty = Store.OpenSession())
        {
            Assert.Equal(CommitResult.Committed, await empty.CommitAsync());
        }
        Assert.Equal(0, await PendingAsync());

        await using var session = Store.OpenSession();
        session.Insert("w-1", NewWidget("once"));
        await session.CommitAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => session.CommitAsync());
        Assert.Equal(1, (await Store.GetAsync<Widget>("w-1"))!.Version);
    }

    [ContractFact]
    public async Task Undeclared_types_and_unsafe_field_names_are_refused()
    {
        await using var session = Store.OpenSession();
        Assert.Throws<InvalidOperationException>(() => session.Insert("x", new Undeclared("x")));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.GetAsync<Undeclared>("x"));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name'); DROP TABLE outbox; --" }));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Equal("colour' OR '1'='1", "red") }));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CountByAsync<Widget>("data->>'x'"));
    }

    // ---- inbox

    [ContractFact(SeveralDocuments = true)]
    public async Task A_message_marked_consumed_twice_applies_once()
    {
        var messageId = Guid.NewGuid();
        Assert.False(await Store.HasConsumedAsync(messageId, "WidgetConsumer"));

        await using (var first = Store.OpenSession())
        {
            first.MarkConsumed(messageId, "WidgetConsumer");
            first.Insert("w-1", NewWidget("first delivery"));
            first.Publish(NewEvent("first delivery"));
            Assert.Equal(CommitResult.Committed, await first.CommitAsync());
        }
        Assert.True(await Store.HasConsumedAsync(messageId, "WidgetConsumer"));

        await using (var second = Store.OpenSession())
        {
            second.MarkConsumed(messageId, "WidgetConsumer");
            second.Insert("w-2", NewWidget("second delivery"));
            second.Update("w-1", NewWidget("second delivery"), expectedVersion: 1);
            second.Publish(NewEvent("second delivery"));
            Assert.Equal(CommitResult.AlreadyConsumed, await second.CommitAsync());
        }

        Assert.Null(await Store.GetAsync<Widget>("w-2"));
        var w1 = await Store.GetAsync<Widget>("w-1");
        Assert.Equal(1, w1!.Version);
        Assert.Equal("first delivery", w1.Document.Name);
        Assert.Equal(1, await PendingAsync());
        var claimed = await Outbox.ClaimAsync(10, TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal("first delivery", EventOf(Assert.Single(claimed)).DisplayName);
    }

    [ContractFact]
    public async Task A_redelivery_whose_insert_collides_is_already_consumed_not_a_duplicate()
    {
        var messageId = Guid.NewGuid();
        await using (var first = Store.OpenSession())
        {
            first.MarkConsumed(messageId, "WidgetConsumer");
            first.Insert("w-1", NewWidget("first delivery"));
            Assert.Equal(CommitResult.Committed, await first.CommitAsync());
        }
        await using (var second = Store.OpenSession())
        {
            second.MarkConsumed(messageId, "WidgetConsumer");
            second.Insert("w-1", NewWidget("second delivery"));
            second.Publish(NewEvent("second delivery"));
            Assert.Equal(CommitResult.AlreadyConsumed, await second.CommitAsync());
        }
        Assert.Equal("first delivery", (await Store.GetAsync<Widget>("w-1"))!.Document.Name);
        Assert.Equal(0, await PendingAsync());
    }

    /// <summary>Two deliveries of one message committed at the same moment: one applies it, the other finds it consumed.</summary>
    [ContractFact]
    public async Task Two_concurrent_deliveries_of_one_message_apply_it_once()
    {
        for (var round = 1; round <= 5; round++)
        {
            var id = $"w-{round}";
            await CommitAsync(s => s.Insert(id, NewWidget("original")));
            var messageId = Guid.NewGuid();
            var outcomes = await Task.WhenAll(Enumerable.Range(1, 2).Select(delivery => Task.Run(async () =>
            {
                await using var session = Store.OpenSession();
                session.MarkConsumed(messageId, "WidgetConsumer");
                session.Update(id, NewWidget($"delivery {delivery}"), expectedVersion: 1);
                session.Publish(NewEvent($"delivery {delivery}"));
                return await session.CommitAsync();
            })));
            Assert.Equal(new[] { CommitResult.Committed, CommitResult.AlreadyConsumed }.Order(), outcomes.Order());
            Assert.Equal(2, (await Store.GetAsync<Widget>(id))!.Version); // written once
            Assert.True(await Store.HasConsumedAsync(messageId, "WidgetConsumer"));
        }
        Assert.Equal(5, await PendingAsync()); // one event per message
    }

    [ContractFact]
    public async Task Each_consumer_has_its_own_inbox()
    {
        var messageId = Guid.NewGuid();
        foreach (var (consumer, id) in new[] { ("FirstConsumer", "w-1"), ("SecondConsumer", "w-2") })
        {
            await using var session = Store.OpenSession();
            session.MarkConsumed(messageId, consumer);
            session.Insert(id, NewWidget(consumer));
            Assert.Equal(CommitResult.Committed, await session.CommitAsync());
        }
        Assert.NotNull(await Store.GetAsync<Widget>("w-1"));
        Assert.NotNull(await Store.GetAsync<Widget>("w-2"));
        Assert.True(await Store.HasConsumedAsync(messageId, "FirstConsumer"));
        Assert.True(await Store.HasConsumedAsync(messageId, "SecondConsumer"));
        Assert.False(await Store.HasConsumedAsync(messageId, "ThirdConsumer"));
        Assert.False(await Store.HasConsumedAsync(Guid.NewGuid(), "FirstConsumer"));
    }

    // ---- queries

    /// <summary>Seven widgets: 3 red, 2 blue, 2 green; owners ann (3), bob (2), none (2). One commit each (every engine mode can).</summary>
    private async Task SeedWidgetsAsync()
    {
        foreach (var (id, widget) in new[]
        {
            ("w-1", NewWidget("delta", "red", "ann")),
            ("w-2", NewWidget("alpha", "blue", "bob")),
            ("w-3", NewWidget("golf", "red", null)),
            ("w-4", NewWidget("charlie", "green", "ann")),
            ("w-5", NewWidget("foxtrot", "red", "bob")),
            ("w-6", NewWidget("bravo", "blue", null)),
            ("w-7", NewWidget("echo", "green", "ann")),
        })
        {
            await CommitAsync(s => s.Insert(id, widget));
        }
        await CommitAsync(s => s.Update("w-5", NewWidget("foxtrot", "red", "bob", size: 9), expectedVersion: 1));
    }

    private static string[] Ids(Page<Stored<Widget>> page) => page.Items.Select(i => i.Id).ToArray();

    [ContractFact]
    public async Task A_query_with_an_equal_filter_returns_exactly_the_matches()
    {
        await SeedWidgetsAsync();
        var page = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Equal("colour", "red") });

        Assert.Equal(3, page.Total);
        Assert.Equal(["w-1", "w-3", "w-5"], Ids(page).Order());
        Assert.All(page.Items, i => Assert.Equal("red", i.Document.Colour));
        Assert.Equal(2, page.Items.Single(i => i.Id == "w-5").Version);
        Assert.Equal(9, page.Items.Single(i => i.Id == "w-5").Document.Size);
    }

    [ContractFact]
    public async Task A_query_with_an_in_filter_and_an_equal_filter_returns_documents_matching_both()
    {
        await SeedWidgetsAsync();
        var either = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().In("colour", ["red", "blue"]) });
        Assert.Equal(5, either.Total);
        Assert.Equal(["w-1", "w-2", "w-3", "w-5", "w-6"], Ids(either).Order());

        var both = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().In("colour", ["red", "blue"]).Equal("owner", "bob") });
        Assert.Equal(2, both.Total);
        Assert.Equal(["w-2", "w-5"], Ids(both).Order());
    }

    [ContractFact]
    public async Task An_equal_filter_with_null_is_no_condition_and_an_empty_in_filter_matches_nothing()
    {
        await SeedWidgetsAsync();
        var unfiltered = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Equal("owner", null) });
        Assert.Equal(7, unfiltered.Total);
        Assert.Equal(7, unfiltered.Items.Count);

        var none = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().In("colour", []) });
        Assert.Equal(0, none.Total);
        Assert.Empty(none.Items);

        var noMatch = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Equal("colour", "purple") });
        Assert.Equal(0, noMatch.Total);
        Assert.Empty(noMatch.Items);
    }

    [ContractFact]
    public async Task Range_filters_compare_as_text_and_never_match_a_missing_field()
    {
        await SeedWidgetsAsync();
        var below = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().LessThan("name", "delta"), OrderBy = "name" });
        Assert.Equal(["alpha", "bravo", "charlie"], below.Items.Select(i => i.Document.Name));

        var atMost = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().AtMost("name", "delta").Equal("colour", "red") });
        Assert.Equal(["w-1"], Ids(atMost));

        // Two widgets have no owner: a range over owners leaves them out (as a case without a review date is never overdue).
        var owners = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().AtMost("owner", "zzz") });
        Assert.Equal(5, owners.Total);

        var unbounded = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().LessThan("name", null) });
        Assert.Equal(7, unbounded.Total);
    }

    [ContractFact]
    public async Task At_least_contains_and_includes_filter_as_documented()
    {
        await SeedWidgetsAsync();
        var atLeast = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().AtLeast("name", "echo"), OrderBy = "name" });
        Assert.Equal(["echo", "foxtrot", "golf"], atLeast.Items.Select(i => i.Document.Name));

        // Case is ignored; the text is literal, so LIKE wildcards in it match only themselves.
        var contains = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Contains("name", "HARL") });
        Assert.Equal(["w-4"], Ids(contains));
        var wildcard = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Contains("name", "%") });
        Assert.Empty(wildcard.Items);
        var underscore = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Contains("name", "d_lta") });
        Assert.Empty(underscore.Items);

        // Every widget's tags are ["a", name]: "bravo" is an element of one list only, "a" of all.
        var tagged = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Includes("tags", "bravo") });
        Assert.Equal(["w-6"], Ids(tagged));
        var all = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Includes("tags", "a").Equal("colour", "blue") });
        Assert.Equal(["w-2", "w-6"], Ids(all).Order());
        var partial = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Includes("tags", "brav") });
        Assert.Empty(partial.Items);
    }

    [ContractFact]
    public async Task A_query_orders_by_a_field_either_way()
    {
        await SeedWidgetsAsync();
        var ascending = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name" });
        Assert.Equal(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"], ascending.Items.Select(i => i.Document.Name));

        var descending = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name", Descending = true, Filter = new DocumentFilter().Equal("owner", "ann") });
        Assert.Equal(["echo", "delta", "charlie"], descending.Items.Select(i => i.Document.Name));
    }

    /// <summary>
    /// PostgreSQL's order is the contract: documents without the order field (missing or null) come after the others
    /// ascending and before them descending, ties by id in the query's direction, on every page.
    /// </summary>
    [ContractFact]
    public async Task Documents_without_the_order_field_come_last_ascending_and_first_descending_on_every_page()
    {
        await SeedWidgetsAsync();
        string[] ascending = ["w-1", "w-4", "w-7", "w-2", "w-5", "w-3", "w-6"]; // ann, bob, none
        string[] descending = ["w-6", "w-3", "w-5", "w-2", "w-7", "w-4", "w-1"];
        foreach (var (isDescending, expected) in new[] { (false, ascending), (true, descending) })
        {
            for (var limit = 1; limit <= 4; limit++)
            {
                for (var offset = 0; offset <= 8; offset++)
                {
                    var page = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "owner", Descending = isDescending, Offset = offset, Limit = limit });
                    Assert.Equal(expected.Skip(offset).Take(limit), Ids(page));
                    Assert.Equal(7, page.Total);
                }
            }
        }

        var red = new DocumentFilter().Equal("colour", "red"); // w-1 ann, w-3 none, w-5 bob
        Assert.Equal(["w-1", "w-5", "w-3"], Ids(await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "owner", Filter = red })));
        Assert.Equal(["w-3", "w-5"], Ids(await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "owner", Descending = true, Filter = red, Limit = 2 })));
        Assert.Equal(["w-3"], Ids(await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "owner", Filter = red, Offset = 2 })));
    }

    /// <summary>The id field is the document's id in orders and filters, as in index declarations (Notes orders by it).</summary>
    [ContractFact]
    public async Task The_id_field_orders_and_filters_by_the_documents_id()
    {
        await SeedWidgetsAsync();
        var page = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = DocumentCollections.DocumentId, Descending = true, Filter = new DocumentFilter().AtLeast("id", "w-5") });
        Assert.Equal(["w-7", "w-6", "w-5"], Ids(page));
        Assert.Equal(["w-2"], Ids(await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Equal("id", "w-2") })));
        Assert.Equal(["w-3", "w-6"], Ids(await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "id", Filter = new DocumentFilter().In("id", ["w-6", "w-3", "w-9"]) })));
    }

    [ContractFact(SeveralDocuments = true)]
    public async Task A_missing_filter_finds_documents_without_the_field_and_the_upgrader_resaves_them()
    {
        await SeedWidgetsAsync();
        var ownerless = await Store.QueryAsync<Widget>(new DocumentQuery { Filter = new DocumentFilter().Missing("owner") });
        Assert.Equal(["w-3", "w-6"], Ids(ownerless).Order());

        var upgrader = new DocumentUpgrader<Widget>(Store, new AdoptOrphans(), Microsoft.Extensions.Logging.Abstractions.NullLogger<DocumentUpgrader<Widget>>.Instance);
        // w-6 ("bravo") cannot be upgraded: it is skipped and stays as it was; the other is upgraded, and the run ends.
        Assert.Equal(1, await upgrader.UpgradeAllAsync(CancellationToken.None));
        Assert.Equal("adopted", (await Store.GetAsync<Widget>("w-3"))!.Document.Owner);
        Assert.Equal((1L, (string?)null), ((await Store.GetAsync<Widget>("w-6"))!.Version, (await Store.GetAsync<Widget>("w-6"))!.Document.Owner));
        Assert.Equal(0, await upgrader.UpgradeAllAsync(CancellationToken.None)); // a restart upgrades nothing more
    }

    private sealed class AdoptOrphans : IDocumentUpgrade<Widget>
    {
        public string MarkerField => "owner";

        public Task<Widget> UpgradeAsync(Widget widget, IDocumentSession session, CancellationToken cancellationToken) =>
            widget.Name == "bravo"
                ? throw new InvalidOperationException("this one cannot be upgraded")
                : Task.FromResult(widget with { Owner = "adopted" });
    }

    [ContractFact]
    public async Task Purging_deletes_only_matching_documents_up_to_the_limit_and_never_with_an_empty_filter()
    {
        await SeedWidgetsAsync();
        Assert.Equal(0, await Store.PurgeAsync<Widget>(new DocumentFilter(), 100));
        Assert.Equal(2, await Store.PurgeAsync<Widget>(new DocumentFilter().Equal("colour", "red"), 2));
        Assert.Equal(1, await Store.PurgeAsync<Widget>(new DocumentFilter().Equal("colour", "red"), 2));
        Assert.Equal(0, await Store.PurgeAsync<Widget>(new DocumentFilter().Equal("colour", "red"), 2));
        var left = await Store.QueryAsync<Widget>(new DocumentQuery());
        Assert.Equal(["w-2", "w-4", "w-6", "w-7"], Ids(left).Order());
    }

    [ContractFact]
    public async Task Ties_are_ordered_by_id_in_the_querys_direction()
    {
        await SeedWidgetsAsync();
        var ascending = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "colour" });
        Assert.Equal(["w-2", "w-6", "w-4", "w-7", "w-1", "w-3", "w-5"], Ids(ascending));

        // Descending, ties too: what an index on (colour, id) yields read backwards.
        var descending = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "colour", Descending = true });
        Assert.Equal(["w-5", "w-3", "w-1", "w-7", "w-4", "w-6", "w-2"], Ids(descending));
    }

    [ContractFact]
    public async Task A_query_pages_with_offset_and_limit_and_counts_every_match()
    {
        await SeedWidgetsAsync();
        var page = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name", Offset = 2, Limit = 3 });
        Assert.Equal(["charlie", "delta", "echo"], page.Items.Select(i => i.Document.Name));
        Assert.Equal(7, page.Total);
        Assert.Equal(2, page.Offset);
        Assert.Equal(3, page.Limit);

        var last = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name", Offset = 6, Limit = 3 });
        Assert.Equal(["golf"], last.Items.Select(i => i.Document.Name));
        Assert.Equal(7, last.Total);

        var beyond = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name", Offset = 50, Limit = 3, Filter = new DocumentFilter().Equal("colour", "red") });
        Assert.Empty(beyond.Items);
        Assert.Equal(3, beyond.Total);
    }

    [ContractFact]
    public async Task A_query_counts_matches_up_to_its_count_limit_or_page_end_and_says_when_there_are_more()
    {
        await SeedWidgetsAsync();
        var capped = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name", Limit = 2, CountLimit = 5 });
        Assert.Equal(["alpha", "bravo"], capped.Items.Select(i => i.Document.Name));
        Assert.Equal(5, capped.Total);
        Assert.False(capped.TotalIsExact);

        var atTheLimit = await Store.QueryAsync<Widget>(new DocumentQuery { Limit = 2, CountLimit = 7 });
        Assert.Equal(7, atTheLimit.Total);
        Assert.True(atTheLimit.TotalIsExact);

        var filtered = await Store.QueryAsync<Widget>(new DocumentQuery { Limit = 1, CountLimit = 2, Filter = new DocumentFilter().Equal("colour", "red") });
        Assert.Equal(2, filtered.Total);
        Assert.False(filtered.TotalIsExact);

        var exact = await Store.QueryAsync<Widget>(new DocumentQuery { Limit = 1, CountLimit = null });
        Assert.Equal(7, exact.Total);
        Assert.True(exact.TotalIsExact);

        // Count limit 0: no count; a short page is the last one.
        var uncountedLast = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name", Offset = 5, Limit = 3, CountLimit = 0 });
        Assert.Equal(["foxtrot", "golf"], uncountedLast.Items.Select(i => i.Document.Name));
        Assert.Equal(7, uncountedLast.Total);
        Assert.True(uncountedLast.TotalIsExact);
        var uncountedFull = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name", Limit = 3, CountLimit = 0 });
        Assert.Equal(3, uncountedFull.Total);
        Assert.False(uncountedFull.TotalIsExact);
        Assert.Equal(7, (await Store.QueryAllAsync<Widget>(new DocumentFilter())).Count);

        // A page beyond the count limit is counted to its end, so the total never falls short of the page.
        var deep = await Store.QueryAsync<Widget>(new DocumentQuery { OrderBy = "name", Offset = 3, Limit = 2, CountLimit = 2 });
        Assert.Equal(["delta", "echo"], deep.Items.Select(i => i.Document.Name));
        Assert.Equal(5, deep.Total);
        Assert.False(deep.TotalIsExact);
    }

    [ContractFact]
    public async Task CountBy_counts_the_documents_of_each_value()
    {
        await SeedWidgetsAsync();
        var byColour = await Store.CountByAsync<Widget>("colour");
        Assert.Equal([new GroupCount("blue", 2), new GroupCount("green", 2), new GroupCount("red", 3)], byColour.OrderBy(g => g.Value));

        var byOwner = await Store.CountByAsync<Widget>("owner");
        Assert.Equal([new GroupCount(null, 2), new GroupCount("ann", 3), new GroupCount("bob", 2)], byOwner.OrderBy(g => g.Value));

        var redByOwner = await Store.CountByAsync<Widget>("owner", new DocumentFilter().Equal("colour", "red"));
        Assert.Equal([new GroupCount(null, 1), new GroupCount("ann", 1), new GroupCount("bob", 1)], redByOwner.OrderBy(g => g.Value));

        Assert.Empty(await Store.CountByAsync<Widget>("owner", new DocumentFilter().In("colour", [])));
    }

    // ---- outbox

    /// <summary>Commits each event in its own session, so they have distinct commit times (oldest first).</summary>
    private async Task<PersonRegistered[]> CommitEventsAsync(params string[] names)
    {
        var events = names.Select(NewEvent).ToArray();
        foreach (var e in events)
        {
            await CommitAsync(s => s.Publish(e));
        }
        return events;
    }

    [ContractFact]
    public async Task Events_of_one_commit_are_claimed_in_the_order_they_were_published()
    {
        var events = Enumerable.Range(1, 20).Select(i => NewEvent($"event-{i:00}")).ToArray();
        await CommitAsync(session =>
        {
            foreach (var e in events)
            {
                session.Publish(e);
            }
        });

        var claimed = await Outbox.ClaimAsync(50, TimeSpan.FromMinutes(10), CancellationToken.None);
        Assert.Equal(events, claimed.Select(EventOf));
    }

    [ContractFact]
    public async Task A_claimed_event_is_not_claimable_again_while_its_lease_lasts()
    {
        var events = await CommitEventsAsync("one", "two", "three");

        var first = await Outbox.ClaimAsync(2, TimeSpan.FromMinutes(10), CancellationToken.None);
        Assert.Equal([events[0], events[1]], first.Select(EventOf));
        Assert.True(first[0].CreatedAt <= first[1].CreatedAt);
        Assert.True(first[0].Sequence < first[1].Sequence);

        var second = await Outbox.ClaimAsync(10, TimeSpan.FromMinutes(10), CancellationToken.None);
        Assert.Equal([events[2]], second.Select(EventOf));

        Assert.Empty(await Outbox.ClaimAsync(10, TimeSpan.FromMinutes(10), CancellationToken.None));
        Assert.Equal(3, await PendingAsync()); // claimed is not sent
    }

    [ContractFact]
    public async Task An_event_whose_lease_expired_is_claimable_again()
    {
        var events = await CommitEventsAsync("long lease", "short lease");
        var longLease = Assert.Single(await Outbox.ClaimAsync(1, TimeSpan.FromMinutes(10), CancellationToken.None));
        var shortLease = Assert.Single(await Outbox.ClaimAsync(1, TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.Equal(events[0], EventOf(longLease));
        Assert.Equal(events[1], EventOf(shortLease));

        var reclaimed = await Eventually.Until(
            () => Outbox.ClaimAsync(10, TimeSpan.FromMinutes(10), CancellationToken.None),
            batch => batch.Count > 0, what: "the short lease to expire");
        Assert.Equal(shortLease.Id, Assert.Single(reclaimed).Id);
    }

    [ContractFact]
    public async Task A_sent_event_is_neither_pending_nor_claimable()
    {
        await CommitEventsAsync("one", "two", "three");
        var all = await Outbox.ClaimAsync(10, TimeSpan.FromMilliseconds(1), CancellationToken.None);
        Assert.Equal(3, all.Count);

        await Outbox.MarkSentAsync([all[0].Id, all[1].Id], CancellationToken.None);
        Assert.Equal(1, await PendingAsync());

        var remaining = await Eventually.Until(
            () => Outbox.ClaimAsync(10, TimeSpan.FromMinutes(10), CancellationToken.None),
            batch => batch.Count > 0, what: "the unsent event to be claimable");
        Assert.Equal(all[2].Id, Assert.Single(remaining).Id);

        await Outbox.MarkSentAsync([all[2].Id], CancellationToken.None);
        Assert.Equal(0, await PendingAsync());
    }

    [ContractFact]
    public async Task Purge_deletes_only_events_sent_before_the_cutoff()
    {
        await CommitEventsAsync("one", "two", "three");
        var all = await Outbox.ClaimAsync(10, TimeSpan.FromMinutes(10), CancellationToken.None);
        await Outbox.MarkSentAsync([all[0].Id, all[1].Id], CancellationToken.None);

        Assert.Equal(0, await Outbox.PurgeSentAsync(DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None));
        Assert.Equal(2, await Outbox.PurgeSentAsync(DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None));
        Assert.Equal(0, await Outbox.PurgeSentAsync(DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None));
        Assert.Equal(1, await PendingAsync()); // the unsent one survives even though it is older than the cutoff
    }

    // ---- schema

    [ContractFact]
    public async Task Ensuring_the_schema_again_is_harmless()
    {
        await CommitAsync(s =>
        {
            s.Insert("w-1", NewWidget("kept"));
            s.Publish(NewEvent("kept"));
        });

        await Schema.EnsureAsync(CancellationToken.None);
        await Schema.EnsureAsync(CancellationToken.None);

        Assert.Equal("kept", (await Store.GetAsync<Widget>("w-1"))!.Document.Name);
        Assert.Equal(1, await PendingAsync());
        await CommitAsync(s => s.Update("w-1", NewWidget("still writable"), expectedVersion: 1));
    }

    [ContractFact]
    public async Task Two_replicas_ensuring_a_fresh_schema_at_once_both_succeed()
    {
        var database = await CreateDatabaseAsync();
        var (storeA, _, schemaA) = Resolve(BuildHost(database, owns: true));
        var (storeB, outboxB, schemaB) = Resolve(BuildHost(database, owns: false));

        await Task.WhenAll(Task.Run(() => schemaA.EnsureAsync(CancellationToken.None)), Task.Run(() => schemaB.EnsureAsync(CancellationToken.None)));

        await using (var session = storeA.OpenSession())
        {
            session.Insert("w-1", NewWidget("from a"));
            session.Publish(NewEvent("from a"));
            await session.CommitAsync();
        }
        Assert.Equal("from a", (await storeB.GetAsync<Widget>("w-1"))!.Document.Name);
        Assert.Equal(1, await outboxB.CountPendingAsync(CancellationToken.None));
    }
}
