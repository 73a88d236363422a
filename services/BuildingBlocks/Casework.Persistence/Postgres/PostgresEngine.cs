using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Casework.Persistence.Postgres;

internal static class PostgresEngine
{
    public static IServiceCollection AddPostgresEngine(this IServiceCollection services, string connectionString, int? maxPoolSize)
    {
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(PostgresConnectionStrings.Tuned(connectionString, maxPoolSize)).Build());
        services.AddSingleton<PostgresDocumentStore>();
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<PostgresDocumentStore>());
        services.AddSingleton<IOutboxStore, PostgresOutboxStore>();
        services.AddSingleton<IStoreSchema, PostgresSchema>();
        return services;
    }

    /// <summary>
    /// Opens a pooled connection. Failing here means no statement was sent, which is the one failure
    /// that is safe to report as "try again" (<see cref="StoreUnavailableException"/>); a failure after
    /// this point may have changed data and surfaces as it is.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenStoreConnectionAsync(this NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreUnavailableException(exception);
        }
    }

    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql) => new(sql, connection);

    /// <summary>Documents of a collection live in their own table.</summary>
    public static string Table(CollectionDefinition collection) => "doc_" + collection.Name;

    /// <summary>
    /// The SQL for a top-level JSON field as text (field names are validated on declaration and use); the id field is
    /// the id column, as in the indexes, so ordering or filtering by it uses them.
    /// </summary>
    public static string Field(string field) =>
        field == DocumentCollections.DocumentId ? "id" : $"(data->>'{DocumentCollections.EnsureSafeField(field)}')";

    public static NpgsqlParameter Jsonb(string json) => new() { Value = json, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb };
}

/// <summary>PostgreSQL connection settings every Casework process uses (the document store, and Identity's EF Core).</summary>
public static class PostgresConnectionStrings
{
    /// <summary>Connections per process unless the connection string says otherwise.</summary>
    public const int DefaultMaxPoolSize = 16;

    /// <summary>Statements each connection keeps prepared (the store's SQL is a few dozen fixed texts).</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The connection settings the store runs best with, each unless the connection string sets it:
    /// <list type="bullet">
    /// <item>Maximum Pool Size: Store:MaxPoolSize, else 16. Npgsql's own 100 per process let a few busy
    /// services use up PostgreSQL's max_connections (100 by default) and fail requests (make bench); more
    /// connections than cores add no throughput (round trips dominate).</item>
    /// <item>Max Auto Prepare 64 and No Reset On Close: the store's statements are parsed and planned once per
    /// connection instead of on every execution, and a connection going back to the pool is not reset with
    /// DISCARD ALL (the store sets no session state). Both cut PostgreSQL's CPU per request.</item>
    /// </list>
    /// </summary>
    public static string Tuned(string connectionString, int? maxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(key => key.Replace(" ", "").ToLowerInvariant())
            .ToHashSet();
        if (!given.Overlaps(["maximumpoolsize", "maxpoolsize"]))
        {
            builder.MaxPoolSize = maxPoolSize ?? DefaultMaxPoolSize;
        }
        if (!given.Overlaps(["maxautoprepare"]))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }
        if (!given.Overlaps(["noresetonclose"]))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ConnectionString;
    }
}
