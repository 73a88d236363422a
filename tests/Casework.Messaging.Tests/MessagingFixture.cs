using System.Collections.Concurrent;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casework.Messaging.Tests;

/// <summary>What <see cref="RecordingConsumer"/> writes, once per applied message.</summary>
public sealed record Applied(string PersonId, string DisplayName);

/// <summary>An inbox consumer whose effect is a new document each time it is applied, so a double apply shows.</summary>
public sealed class RecordingConsumer(IDocumentStore store) : InboxConsumer<PersonRegistered>(store)
{
    protected override Task ApplyAsync(PersonRegistered message, IDocumentSession session, CancellationToken cancellationToken)
    {
        session.Insert(Guid.NewGuid().ToString(), new Applied(message.PersonId.ToString(), message.DisplayName));
        return Task.CompletedTask;
    }
}

/// <summary>A consumer that fails every attempt (a poison message).</summary>
public sealed class FailingConsumer(AttemptLog attempts) : IConsumer<WorkerCapacityChanged>
{
    public const string Failure = "this consumer always fails";

    public Task Consume(ConsumeContext<WorkerCapacityChanged> context)
    {
        attempts.Record(context.MessageId!.Value);
        throw new InvalidOperationException($"{Failure} ({context.Message.WorkerId})");
    }
}

/// <summary>A consumer that fails while its cause is not fixed: a message parked in the error queue can be replayed after the fix.</summary>
public sealed class FixableConsumer(AttemptLog attempts, FixableConsumer.Cause cause) : IConsumer<CaseUnassigned>
{
    public sealed class Cause
    {
        public volatile bool Fixed;
    }

    public Task Consume(ConsumeContext<CaseUnassigned> context)
    {
        attempts.Record(context.MessageId!.Value);
        return cause.Fixed ? Task.CompletedTask : throw new InvalidOperationException("the cause is not fixed yet");
    }
}

/// <summary>Every attempt of the failing consumer, retries included.</summary>
public sealed class AttemptLog
{
    private readonly ConcurrentDictionary<Guid, int> _attempts = new();

    public int Count(Guid messageId) => _attempts.GetValueOrDefault(messageId);

    public void Record(Guid messageId) => _attempts.AddOrUpdate(messageId, 1, (_, n) => n + 1);
}

/// <summary>
/// One host like a service's (AddDocumentStore + AddMessaging) on a fresh database and the test-messaging
/// vhost. The relay's fallback poll is set to a minute, so an event that arrives within the tests' waits
/// was published because the commit woke the relay.
/// </summary>
public sealed class MessagingFixture : IAsyncLifetime
{
    public const string Vhost = "test-messaging";
    public const int RetryCount = 2;

    public TestDatabase Database { get; private set; } = null!;
    public IHost Host { get; private set; } = null!;
    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();
    public IOutboxStore Outbox => Host.Services.GetRequiredService<IOutboxStore>();
    public IBus Bus => Host.Services.GetRequiredService<IBus>();
    public AttemptLog Attempts => Host.Services.GetRequiredService<AttemptLog>();

    /// <summary>Every message the bus finished consuming, whatever the consumer did with it.</summary>
    public ConsumedMessages Consumed { get; } = new();

    public string QueueOf<TConsumer>() where TConsumer : class, IConsumer =>
        Host.Services.GetRequiredService<IEndpointNameFormatter>().Consumer<TConsumer>();

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("messaging");
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Store"] = Database.ConnectionString,
            ["ConnectionStrings:Broker"] = TestEnvironment.Broker(Vhost),
            ["Messaging:RetryIntervalsMs:0"] = "20",
            ["Messaging:RetryIntervalsMs:1"] = "40",
            ["Messaging:Outbox:PollInterval"] = "00:01:00",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddDocumentStore(collections => collections.Add<Applied>("applied", ["personId"]));
        builder.AddMessaging("messaging-tests", bus =>
        {
            bus.AddConsumer<RecordingConsumer>();
            bus.AddConsumer<FailingConsumer>();
            bus.AddConsumer<FixableConsumer>();
        });
        builder.Services.AddSingleton<AttemptLog>();
        builder.Services.AddSingleton<FixableConsumer.Cause>();
        Host = builder.Build();
        await Host.StartAsync();
        Bus.ConnectConsumeObserver(Consumed);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.StopAsync();
            Host.Dispose();
        }
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MessagingCollection : ICollectionFixture<MessagingFixture>
{
    public const string Name = "messaging";
}
