extern alias CaseApi;

using System.Collections.Concurrent;
using System.Text.Json;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using Grpc.Net.Client;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using CaseProgram = CaseApi::Program;
using SupportCase = CaseApi::Casework.Case.Domain.SupportCase;

namespace Casework.Case.Tests;

/// <summary>
/// The Case service hosted once for the integration tests: fresh database, vhost test-case, the demo
/// pathways seeded. Cases are opened the way they are in production, by a ReferralAccepted on the bus.
/// </summary>
public sealed class CaseFixture : IAsyncLifetime
{
    public const string Vhost = "test-case";
    public const string Audience = "casework-case";

    public TestDatabase Database { get; private set; } = null!;
    public ServiceFactory<CaseProgram> Factory { get; private set; } = null!;
    public IDocumentStore Store => Factory.Services.GetRequiredService<IDocumentStore>();
    public IBus Bus => Factory.Services.GetRequiredService<IBus>();
    public ConsumedMessages Consumed { get; } = new();

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("case");
        Factory = new ServiceFactory<CaseProgram>(Database, Vhost, new Dictionary<string, string?>
        {
            ["Seed:DemoDataPath"] = TestEnvironment.DemoDataPath,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _ = Factory.Server; // start: schema, seed, bus, relay
        Bus.ConnectConsumeObserver(Consumed);
    }

    public async Task DisposeAsync()
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

    public static string Staff(string subject, string role, params string[] teams) =>
        TestTokens.Staff(subject, subject + " name", [role], teams, [Audience], "cases");

    public HttpClient Client(string token) => Factory.CreateClient(token);

    public HttpClient Caseworker(string team, string? subject = null) => Client(Staff(subject ?? "cw-" + team, "caseworker", team));

    public HttpClient Manager() => Client(Staff("manager-1", "manager"));

    public GrpcChannel GrpcChannel() =>
        Grpc.Net.Client.GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Factory.Server.CreateHandler() });

    /// <summary>Publishes a ReferralAccepted and waits for the case it opens.</summary>
    public async Task<Stored<SupportCase>> OpenCaseAsync(string pathwayId = "housing-support", string concernLevel = "Medium", Guid? messageId = null)
    {
        var accepted = new ReferralAccepted(Guid.NewGuid(), Guid.NewGuid(), "Ada Lovelace", pathwayId, concernLevel, "intake-worker", DateTimeOffset.UtcNow);
        await Bus.Publish(accepted, context => context.MessageId = messageId ?? NewId.NextGuid());
        var opened = await Eventually.Until(() => CasesOfReferralAsync(accepted.ReferralId), page => page.Total > 0, what: "the case to open");
        return opened.Items[0];
    }

    public Task<Page<Stored<SupportCase>>> CasesOfReferralAsync(Guid referralId) =>
        Store.QueryAsync<SupportCase>(new DocumentQuery { Filter = new DocumentFilter().Equal("referralId", referralId.ToString()) });

    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
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
public sealed class CaseCollection : ICollectionFixture<CaseFixture>
{
    public const string Name = "case";
}

/// <summary>Counts the messages the service's bus finished consuming, by message id.</summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _counts = new();

    public int Count(Guid messageId) => _counts.GetValueOrDefault(messageId);

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.MessageId is { } id)
        {
            _counts.AddOrUpdate(id, 1, (_, n) => n + 1);
        }
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}

internal static class Http
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var problem = await response.JsonAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static IReadOnlyCollection<string> ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name).ToHashSet() : [];

    public static async Task<List<JsonElement>> ItemsAsync(this HttpClient client, string query = "")
    {
        using var response = await client.GetAsync("/api/cases?limit=200" + query);
        var page = await response.JsonAsync(System.Net.HttpStatusCode.OK);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(items.Count, page.GetProperty("total").GetInt64()); // under 200: one page holds them all
        return items;
    }

    public static Guid Id(this JsonElement item) => item.GetProperty("id").GetGuid();

    public static string Text(this JsonElement item, string property) => item.GetProperty(property).GetString()!;
}
