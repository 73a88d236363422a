using Casework.Testing;
using Npgsql;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Casework.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}

/// <summary>
/// Starts the whole platform as `make run` does (scripts/platform.sh: identity, five services, gateway as
/// separate processes) on ports offset from the local run's, with databases of its own and the
/// test-e2e vhost, and stops it afterwards. Requires a Release build (make test builds first).
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private const int PortOffset = 1000;
    private readonly string _dbPrefix = $"e2e_{Guid.NewGuid().ToString("N")[..8]}_";
    private readonly string _runDir = Path.Combine(TestEnvironment.RepoRoot, ".run", "e2e");

    public Uri Gateway { get; } = new($"http://127.0.0.1:{5000 + PortOffset}/");

    /// <summary>Where platform.sh keeps each process's log (<c>&lt;name&gt;.log</c>).</summary>
    public string RunDirectory => _runDir;

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Gateway };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public async Task InitializeAsync() => await RunPlatformScriptAsync("up", TimeSpan.FromMinutes(3));

    public async Task DisposeAsync()
    {
        await RunPlatformScriptAsync("down", TimeSpan.FromMinutes(1));
        await DropDatabasesAsync();
    }

    private Task RunPlatformScriptAsync(string verb, TimeSpan timeout) =>
        PlatformScript.RunAsync(verb, new Dictionary<string, string>
        {
            ["CASEWORK_RUN_DIR"] = _runDir,
            ["CASEWORK_PORT_OFFSET"] = PortOffset.ToString(),
            ["CASEWORK_DB_PREFIX"] = _dbPrefix,
            ["CASEWORK_VHOST"] = "test-e2e",
        }, timeout);

    private async Task DropDatabasesAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand($"SELECT datname FROM pg_database WHERE datname LIKE '{_dbPrefix}%'", admin))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }
        foreach (var name in names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
