using Casework.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Casework.Testing;

/// <summary>
/// One real service hosted once for a test collection: a fresh database of its own, its vhost, and a
/// record of what its bus consumed. A service's fixture adds its clients and test-data helpers.
/// </summary>
/// <param name="purpose">Names the database (test_&lt;purpose&gt;_…), so a leftover one shows whose it was.</param>
/// <param name="vhost">A vhost that `scripts/infra.sh test-vhosts` recreates, so no queue of an earlier run is left.</param>
/// <param name="settings">Configuration on top of <see cref="ServiceFactory{TProgram}"/>'s.</param>
public abstract class ServiceFixture<TProgram>(string purpose, string vhost, IReadOnlyDictionary<string, string?>? settings = null)
    : IAsyncLifetime where TProgram : class
{
    public TestDatabase Database { get; private set; } = null!;
    public ServiceFactory<TProgram> Factory { get; private set; } = null!;
    public IDocumentStore Store => Factory.Services.GetRequiredService<IDocumentStore>();
    public IBus Bus => Factory.Services.GetRequiredService<IBus>();
    public ConsumedMessages Consumed { get; } = new();

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(purpose);
        Factory = CreateFactory(Database);
        _ = Factory.Server; // starts the host now: schema, seed, bus (waits until connected), relay
        Bus.ConnectConsumeObserver(Consumed);
    }

    /// <summary>The host of the service on its database; override for settings known only at start or to replace a dependency.</summary>
    protected virtual ServiceFactory<TProgram> CreateFactory(TestDatabase database) => new(database, vhost, settings);

    public virtual async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }

    /// <summary>Publishes on the service's own bus, with this message id if one is given (to stage a redelivery).</summary>
    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        Bus.Publish(message, context =>
        {
            if (messageId is { } id)
            {
                context.MessageId = id;
            }
        });
}
