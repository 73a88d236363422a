using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casework.Messaging.Tests;

/// <summary>
/// The migrate verb (the charts' pre-install/pre-upgrade Job) declares a service's queues and bindings without consuming:
/// an event published before the service's pods start waits in its queue instead of being dropped by an exchange that
/// nothing is bound to yet.
/// </summary>
[Collection(MessagingCollection.Name)]
public sealed class MigrateTopologyTests(MessagingFixture fixture)
{
    [Fact]
    public async Task Migrate_binds_the_services_queues_without_consuming_so_events_published_before_it_starts_wait()
    {
        await using var database = await TestDatabase.CreateAsync("migrate_topology");
        var service = "migrate-" + Guid.NewGuid().ToString("N")[..8];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Store"] = database.ConnectionString,
            ["ConnectionStrings:Broker"] = TestEnvironment.Broker(MessagingFixture.Vhost),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddDocumentStore(collections => collections.Add<Applied>("applied", ["personId"]));
        builder.AddMessaging(service, bus => bus.AddConsumer<RecordingConsumer>());
        using var host = builder.Build();
        var queue = host.Services.GetRequiredService<IEndpointNameFormatter>().Consumer<RecordingConsumer>();
        try
        {
            Assert.Equal(0, await host.RunMigrateCommandAsync([MigrateCommand.Verb]));

            // Another service publishes before this one has started (the fixture's bus stands in for it).
            var personId = Guid.NewGuid();
            await fixture.Bus.Publish(new PersonRegistered(personId, "Grace Hopper", DateTimeOffset.UtcNow));

            var (messages, consumers) = await Eventually.Until(() => QueueAsync(queue), q => q.Messages > 0,
                what: $"the event to wait in {queue}");
            Assert.Equal(1, messages);
            Assert.Equal(0, consumers); // declared and bound, never consumed from
            Assert.Equal(0, (await host.Services.GetRequiredService<IDocumentStore>()
                .QueryAsync<Applied>(new DocumentQuery { Filter = new DocumentFilter().Equal("personId", personId.ToString()) })).Total);
        }
        finally
        {
            await ProcessRunner.RunAsync("rabbitmqctl", ["-q", "delete_queue", "-p", MessagingFixture.Vhost, queue]);
        }
    }

    private static async Task<(long Messages, long Consumers)> QueueAsync(string queue)
    {
        var lines = await ProcessRunner.RunAsync("rabbitmqctl", ["-q", "list_queues", "-p", MessagingFixture.Vhost, "name", "messages", "consumers"]);
        var row = lines.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .FirstOrDefault(columns => columns[0] == queue);
        return row is null ? (0, 0) : (long.Parse(row[1]), long.Parse(row[2]));
    }
}
