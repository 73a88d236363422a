using Casework.Contracts.Events;
using Casework.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casework.Persistence.Tests;

/// <summary>A PostgreSQL store created by an earlier version of the schema starts with the current code.</summary>
public sealed class PostgresSchemaUpgradeTests
{
    [Fact]
    public async Task A_store_from_before_the_outbox_sequence_and_row_times_gains_them_and_works()
    {
        await using var database = await TestDatabase.CreateAsync("schema_upgrade");
        // The first schema: no outbox sequence or lock, documents without their row times.
        await database.ScalarAsync<int>("""
            CREATE TABLE outbox (id uuid PRIMARY KEY, type text NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz);
            INSERT INTO outbox (id, type, payload) VALUES (gen_random_uuid(), 'PersonRegistered', '{"personId":"6f1c2a1e-0a01-4c1e-9a01-000000000001","displayName":"Old","occurredAt":"2025-01-01T00:00:00+00:00"}');
            CREATE TABLE doc_widgets (id text PRIMARY KEY, version bigint NOT NULL, data jsonb NOT NULL);
            SELECT 1
            """);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Store"] = database.ConnectionString });
        builder.AddDocumentStore(collections => collections.Add<Widget>("widgets", ["colour", "id"]));
        using var host = builder.Build();
        await host.Services.GetRequiredService<IStoreSchema>().EnsureAsync(CancellationToken.None);
        await host.Services.GetRequiredService<IStoreSchema>().EnsureAsync(CancellationToken.None); // and again: nothing to do

        var store = host.Services.GetRequiredService<IDocumentStore>();
        await using (var session = store.OpenSession())
        {
            session.Insert("w-1", new Widget("alpha", "red", null, 1, WidgetKind.Plain, DateTimeOffset.UtcNow, []));
            session.Publish(new PersonRegistered(Guid.NewGuid(), "New", DateTimeOffset.UtcNow));
            await session.CommitAsync();
        }
        // The old event and the new one are both pending, in order.
        var outbox = host.Services.GetRequiredService<IOutboxStore>();
        Assert.Equal(2, await outbox.CountPendingAsync(CancellationToken.None));
        Assert.Equal(2L, await database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE seq IS NOT NULL"));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM doc_widgets WHERE updated_at IS NOT NULL"));
        // The declared indexes were built (concurrently, outside the start-up transaction) and are usable.
        Assert.Equal(2L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE c.relname IN ('ix_widgets_colour_id', 'ix_outbox_pending_seq') AND i.indisvalid
            """));
    }
}
