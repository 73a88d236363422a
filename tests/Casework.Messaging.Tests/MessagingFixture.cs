using System.Collections.Concurrent;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

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
public sealed class FailingConsumer(DeliveryLog log) : IConsumer<WorkerCapacityChanged>
{
    public const string Failure = "this consumer always fails";

    public Task Consume(ConsumeContext<WorkerCapacityChanged> context)
    {
        log.Attempted(context.MessageId!.Value);
        throw new InvalidOperationException($"{Failure} ({context.Message.WorkerId})");
    }
}

/// <summary>Every message the bus finished consuming (whatever the consumer did with it), and every attempt of the failing consumer.</summary>
public sealed class DeliveryLog : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _consumed = new();
    private readonly ConcurrentDictionary<Guid, int> _attempts = new();

    public int ConsumedCount(Guid messageId) => _consumed.GetValueOrDefault(messageId);

    public int Attempts(Guid messageId) => _attempts.GetValueOrDefault(messageId);

    public void Attempted(Guid messageId) => _attempts.AddOrUpdate(messageId, 1, (_, n) => n + 1);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.MessageId is { } id)
        {
            _consumed.AddOrUpdate(id, 1, (_, n) => n + 1);
        }
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
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

    private TestDatabase _database = null!;

    public IHost Host { get; private set; } = null!;
    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();
    public IOutboxStore Outbox => Host.Services.GetRequiredService<IOutboxStore>();
    public IBus Bus => Host.Services.GetRequiredService<IBus>();
    public DeliveryLog Log => Host.Services.GetRequiredService<DeliveryLog>();
    public string ConnectionString => _database.ConnectionString;

    public string QueueOf<TConsumer>() where TConsumer : class, IConsumer =>
        Host.Services.GetRequiredService<IEndpointNameFormatter>().Consumer<TConsumer>();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("messaging");
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Store"] = _database.ConnectionString,
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
        });
        builder.Services.AddSingleton<DeliveryLog>();
        Host = builder.Build();
        await Host.StartAsync();
        Bus.ConnectConsumeObserver(Log);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.StopAsync();
            Host.Dispose();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>A value read straight from the service's tables (for what the store API does not expose, e.g. sent_at).</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }
}

[CollectionDefinition(Name)]
public sealed class MessagingCollection : ICollectionFixture<MessagingFixture>
{
    public const string Name = "messaging";
}
