using System.Net.Http.Json;
using System.Text.Json;
using Casework.Persistence;
using Casework.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Casework.Intake.Tests;

/// <summary>
/// The Intake service hosted once for the integration tests: fresh database, vhost test-intake. Case's
/// gRPC address points at a closed port, so any call to Case fails as Unavailable (503), which tells
/// the tests whether Intake called it.
/// </summary>
public sealed class IntakeFixture : IAsyncLifetime
{
    public const string Vhost = "test-intake";
    public const string Audience = "casework-intake";
    public const string PartnerScopes = "intake.referrals.write intake.referrals.read";

    public TestDatabase Database { get; private set; } = null!;
    public ServiceFactory<Program> Factory { get; private set; } = null!;
    public IDocumentStore Store => Factory.Services.GetRequiredService<IDocumentStore>();

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("intake");
        Factory = new ServiceFactory<Program>(Database, Vhost, new Dictionary<string, string?>
        {
            ["Services:Case:Grpc"] = "http://127.0.0.1:9",
            ["Grpc:DeadlineMs"] = "2000",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _ = Factory.Server; // start: schema, bus, relay
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

    public HttpClient Partner(string clientId) => Factory.CreateClient(TestTokens.Partner(clientId, [Audience], PartnerScopes));

    public HttpClient Staff(string role = "caseworker", string subject = "staff-1") =>
        Factory.CreateClient(TestTokens.Staff(subject, "Sam Staff", [role], ["housing"], [Audience], "intake"));

    public HttpClient Anonymous() => Factory.CreateClient();

    public async Task<long> CountAsync<T>() where T : class => (await Store.QueryAsync<T>(new DocumentQuery { Limit = 1 })).Total;

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
public sealed class IntakeCollection : ICollectionFixture<IntakeFixture>
{
    public const string Name = "intake";
}

internal static class Http
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem-details response with this status and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var problem = await response.JsonAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>The field names of a validation problem's <c>errors</c>.</summary>
    public static IReadOnlyCollection<string> ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name).ToHashSet() : [];

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
}
