using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Casework.Persistence.Postgres;

internal static class PostgresEngine
{
    /// <summary>Connections per process unless the connection string says otherwise (see <see cref="WithPoolLimit"/>).</summary>
    public const int DefaultMaxPoolSize = 16;

    public static IServiceCollection AddPostgresEngine(this IServiceCollection services, string connectionString, int? maxPoolSize)
    {
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(WithPoolLimit(connectionString, maxPoolSize)).Build());
        services.AddSingleton<PostgresDocumentStore>();
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<PostgresDocumentStore>());
        services.AddSingleton<IOutboxStore, PostgresOutboxStore>();
        services.AddSingleton<IStoreSchema, PostgresSchema>();
        return services;
    }

    /// <summary>
    /// Npgsql's own default of 100 connections per process would let a few busy services (or replicas) use
    /// up PostgreSQL's max_connections (100 by default) and fail requests; more connections than cores do not
    /// add throughput anyway (round trips dominate). An explicit Maximum Pool Size in the connection string
    /// wins, then Store:MaxPoolSize, then <see cref="DefaultMaxPoolSize"/>.
    /// </summary>
    public static string WithPoolLimit(string connectionString, int? maxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var explicitLimit = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Any(key => key.Replace(" ", "").ToLowerInvariant() is "maximumpoolsize" or "maxpoolsize");
        if (!explicitLimit)
        {
            builder.MaxPoolSize = maxPoolSize ?? DefaultMaxPoolSize;
        }
        return builder.ConnectionString;
    }

    /// <summary>Documents of a collection live in their own table.</summary>
    public static string Table(CollectionDefinition collection) => "doc_" + collection.Name;

    /// <summary>The SQL for a top-level JSON field as text (field names are validated on declaration and use).</summary>
    public static string Field(string field) => $"(data->>'{DocumentCollections.EnsureSafeField(field)}')";

    public static NpgsqlParameter Jsonb(string json) => new() { Value = json, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb };
}
