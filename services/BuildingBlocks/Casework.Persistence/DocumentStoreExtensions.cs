using Casework.Persistence.Mongo;
using Casework.Persistence.Postgres;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Casework.Persistence;

public static class DocumentStoreExtensions
{
    /// <summary>
    /// Registers the service's document store on the engine named by <c>Store:Engine</c>
    /// (<c>postgres</c> by default, or <c>mongodb</c>) with the connection string <c>ConnectionStrings:Store</c>
    /// (for MongoDB a <c>mongodb://</c> URI whose path names the database), ensures its schema at start-up and adds a
    /// readiness check. Service code is the same on every engine.
    /// </summary>
    public static IHostApplicationBuilder AddDocumentStore(this IHostApplicationBuilder builder, Action<DocumentCollections> declare)
    {
        var collections = new DocumentCollections();
        declare(collections);
        builder.Services.AddSingleton(collections);
        builder.Services.AddSingleton<OutboxSignal>();

        var engine = builder.Configuration["Store:Engine"] ?? "postgres";
        var connectionString = builder.Configuration.GetConnectionString("Store")
            ?? throw new InvalidOperationException("ConnectionStrings:Store is not set.");
        switch (engine.ToLowerInvariant())
        {
            case "postgres":
                builder.Services.AddPostgresEngine(connectionString, builder.Configuration.GetValue<int?>("Store:MaxPoolSize"));
                break;
            case "mongodb":
                builder.Services.AddMongoEngine(connectionString, builder.Configuration.GetValue<int?>("Store:MaxPoolSize"),
                    builder.Configuration["Store:Mongo:Transactions"]);
                break;
            default:
                throw new InvalidOperationException($"Store:Engine '{engine}' is not supported; use 'postgres' or 'mongodb'.");
        }

        builder.Services.AddHostedService<SchemaInitializer>();
        builder.Services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return builder;
    }
}

/// <summary>Ensures the schema before the service takes traffic (start-up blocks until it is done).</summary>
internal sealed class SchemaInitializer(IStoreSchema schema) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => schema.EnsureAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class StoreHealthCheck(IOutboxStore outbox) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = await outbox.CountPendingAsync(cancellationToken);
            return HealthCheckResult.Healthy(data: new Dictionary<string, object> { ["outboxPending"] = pending });
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy("The store is unreachable.", exception);
        }
    }
}
