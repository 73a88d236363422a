using System.Collections.Concurrent;
using System.Net.Http.Json;
using Casework.Assignment.Apis;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Casework.Assignment.Tests;

[CollectionDefinition(Name)]
public sealed class AssignmentCollection : ICollectionFixture<AssignmentFixture>
{
    public const string Name = "assignment service";
}

/// <summary>
/// One real Assignment service for the whole assembly: its own database, the test-assignment vhost,
/// the demo workers seeded. Tests use teams of their own so they never share workers.
/// </summary>
public sealed class AssignmentFixture : IAsyncLifetime
{
    public const string Audience = "casework-assignment";
    public const string Scope = "assignment";

    private TestDatabase? _database;
    private HostReceiveEndpointHandle? _observer;

    public ServiceFactory<Program> Factory { get; private set; } = null!;
    public IDocumentStore Store => Factory.Services.GetRequiredService<IDocumentStore>();
    public IBus Bus => Factory.Services.GetRequiredService<IBus>();

    /// <summary>Every message any endpoint of the hosted bus consumed successfully (type, message id).</summary>
    public ConsumeRecorder Consumed { get; } = new();

    /// <summary>What the service published, as another service's queue receives it.</summary>
    public ConcurrentQueue<CaseAssigned> Assigned { get; } = new();
    public ConcurrentQueue<WorkerCapacityChanged> CapacityChanges { get; } = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("assignment");
        Factory = new ServiceFactory<Program>(_database, "test-assignment", new Dictionary<string, string?>
        {
            ["Seed:DemoDataPath"] = TestEnvironment.DemoDataPath,
        });
        _ = Factory.Server; // starts the host: schema, seed, bus (waits until connected)
        Bus.ConnectConsumeObserver(Consumed);
        _observer = Bus.ConnectReceiveEndpoint("assignment-tests-observer", endpoint =>
        {
            if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                rabbit.AutoDelete = true;
            }
            endpoint.Handler<CaseAssigned>(context =>
            {
                Assigned.Enqueue(context.Message);
                return Task.CompletedTask;
            });
            endpoint.Handler<WorkerCapacityChanged>(context =>
            {
                CapacityChanges.Enqueue(context.Message);
                return Task.CompletedTask;
            });
        });
        await _observer.Ready;
    }

    public async Task DisposeAsync()
    {
        if (_observer is not null)
        {
            await _observer.StopAsync();
        }
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public static string NewTeam() => "team-" + Guid.NewGuid().ToString("N")[..10];

    public HttpClient Caseworker(params string[] teams) => Staff("caseworker", teams);

    public HttpClient Staff(string role, params string[] teams) =>
        Factory.CreateClient(TestTokens.Staff("user-" + Guid.NewGuid().ToString("N")[..8], "Test " + role, [role], teams, [Audience], Scope));

    public string StaffToken(string role, params string[] teams) =>
        TestTokens.Staff("user-" + Guid.NewGuid().ToString("N")[..8], "Test " + role, [role], teams, [Audience], Scope);

    /// <summary>Adds workers straight to the store (the service has no API to create them).</summary>
    public async Task AddWorkersAsync(params Worker[] workers)
    {
        await using var session = Store.OpenSession();
        foreach (var worker in workers)
        {
            session.Insert(worker.Id, worker);
        }
        await session.CommitAsync();
    }

    public async Task<Worker> WorkerAsync(string id) => (await Store.GetAsync<Worker>(id))?.Document ?? throw new InvalidOperationException($"No worker {id}");

    public static CaseOpened Opened(Guid caseId, string teamId) =>
        new(caseId, Guid.NewGuid(), Guid.NewGuid(), "housing-support", teamId, "Medium", DateTimeOffset.UtcNow);

    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        Bus.Publish(message, context =>
        {
            if (messageId is { } id)
            {
                context.MessageId = id;
            }
        });

    /// <summary>Waits until the case has an active worker, as the API shows it to a manager.</summary>
    public async Task<AssignmentView> ActiveAssignmentAsync(Guid caseId)
    {
        using var manager = Staff("manager");
        return (await Eventually.Until(
            async () => await AssignmentOrNullAsync(manager, caseId),
            view => view is not null,
            what: $"case {caseId} to be assigned"))!;
    }

    private static async Task<AssignmentView?> AssignmentOrNullAsync(HttpClient client, Guid caseId)
    {
        var response = await client.GetAsync($"/api/assignment/cases/{caseId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<AssignmentView>() : null;
    }

    /// <summary>Outbox rows (events the service committed) of a type for a case.</summary>
    public async Task<long> OutboxCountAsync(string type, Guid caseId)
    {
        await using var connection = new NpgsqlConnection(Factory.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM outbox WHERE type = $1 AND payload->>'caseId' = $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = type });
        command.Parameters.Add(new NpgsqlParameter { Value = caseId.ToString() });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>Records each message the bus's endpoints consumed, so a test can wait for a redelivery to be handled.</summary>
public sealed class ConsumeRecorder : IConsumeObserver
{
    private readonly ConcurrentQueue<(Type Type, Guid? MessageId)> _consumed = new();

    public int Count<T>(Guid messageId) => _consumed.Count(c => c.Type == typeof(T) && c.MessageId == messageId);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        _consumed.Enqueue((typeof(T), context.MessageId));
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
