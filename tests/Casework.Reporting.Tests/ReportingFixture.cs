using System.Collections.Concurrent;
using System.Net.Http.Json;
using Casework.Persistence;
using Casework.Reporting.Apis;
using Casework.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Casework.Reporting.Tests;

[CollectionDefinition(Name)]
public sealed class ReportingCollection : ICollectionFixture<ReportingFixture>
{
    public const string Name = "reporting service";
}

/// <summary>
/// One real Reporting service for the whole assembly: its own database and the test-reporting vhost.
/// Tests use pathways and teams of their own, so their counts never mix.
/// </summary>
public sealed class ReportingFixture : IAsyncLifetime
{
    public const string Audience = "casework-reporting";
    public const string Scope = "reporting";

    private TestDatabase? _database;

    public ServiceFactory<Program> Factory { get; private set; } = null!;
    public IDocumentStore Store => Factory.Services.GetRequiredService<IDocumentStore>();
    public IBus Bus => Factory.Services.GetRequiredService<IBus>();
    public ConsumeRecorder Consumed { get; } = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("reporting");
        Factory = new ServiceFactory<Program>(_database, "test-reporting");
        _ = Factory.Server; // starts the host: schema and bus (waits until connected)
        Bus.ConnectConsumeObserver(Consumed);
    }

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    public HttpClient Staff(string role, params string[] teams) =>
        Factory.CreateClient(TestTokens.Staff(Unique("user"), "Test " + role, [role], teams, [Audience], Scope));

    public Task PublishAsync<T>(T message, Guid? messageId = null) where T : class =>
        Bus.Publish(message, context =>
        {
            if (messageId is { } id)
            {
                context.MessageId = id;
            }
        });

    /// <summary>Publishes and waits until the service consumed that very message.</summary>
    public async Task DeliverAsync<T>(T message, Guid? messageId = null) where T : class
    {
        var id = messageId ?? Guid.NewGuid();
        var before = Consumed.Count<T>(id);
        await PublishAsync(message, id);
        await Eventually.Until(() => Task.FromResult(Consumed.Count<T>(id)), n => n > before, what: $"{typeof(T).Name} {id} consumed");
    }

    public async Task<T> DocumentAsync<T>(Guid id, Func<T, bool> done) where T : class =>
        (await Eventually.Until(async () => (await Store.GetAsync<T>(id.ToString()))?.Document, d => d is not null && done(d),
            what: $"{typeof(T).Name} {id}"))!;

    public async Task<Summary> SummaryAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<Summary>(path)) ?? throw new InvalidOperationException("Empty summary.");
}

public static class SummaryExtensions
{
    public static long Of(this IReadOnlyList<KeyCount> counts, string? key) => counts.SingleOrDefault(c => c.Key == key)?.Count ?? 0;
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
