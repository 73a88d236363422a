using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Casework.Persistence.Postgres;

internal static class PostgresEngine
{
    public static IServiceCollection AddPostgresEngine(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        services.AddSingleton<PostgresDocumentStore>();
        services.AddSingleton<IDocumentStore>(sp => sp.GetRequiredService<PostgresDocumentStore>());
        services.AddSingleton<IOutboxStore, PostgresOutboxStore>();
        services.AddSingleton<IStoreSchema, PostgresSchema>();
        return services;
    }

    /// <summary>Documents of a collection live in their own table.</summary>
    public static string Table(CollectionDefinition collection) => "doc_" + collection.Name;

    /// <summary>The SQL for a top-level JSON field as text (field names are validated on declaration and use).</summary>
    public static string Field(string field) => $"(data->>'{DocumentCollections.EnsureSafeField(field)}')";

    public static NpgsqlParameter Jsonb(string json) => new() { Value = json, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb };
}
