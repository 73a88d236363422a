using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Casework.Identity.Tests;

[CollectionDefinition(Name)]
public sealed class IdentityCollection : ICollectionFixture<IdentityFixture>
{
    public const string Name = "identity";
}

/// <summary>
/// One throw-away PostgreSQL database (<c>test_identity_&lt;random&gt;</c>) and one keys directory for the
/// whole run, a running identity server on them seeded from the repo's demo data, and everything
/// dropped at the end.
/// </summary>
public sealed class IdentityFixture : IAsyncLifetime
{
    public const string Issuer = "http://localhost/";

    /// <summary>The server to create the database on: CASEWORK_TEST_POSTGRES (as for the other suites), else the local one.</summary>
    private static readonly string ServerConnection = new NpgsqlConnectionStringBuilder(
        Environment.GetEnvironmentVariable("CASEWORK_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=casework;Password=casework;Database=postgres;SSL Mode=Disable")
    { Pooling = false }.ConnectionString;

    public string DatabaseName { get; } = "test_identity_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString => new NpgsqlConnectionStringBuilder(ServerConnection) { Database = DatabaseName, Pooling = true }.ConnectionString;

    public string KeysDirectory { get; } = Path.Combine(Path.GetTempPath(), "casework-identity-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public string DemoDataPath { get; } = Path.Combine(FindRepoRoot(), "deploy", "local", "demo-data.json");

    public IdentityFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await using (var connection = new NpgsqlConnection(ServerConnection))
        {
            try
            {
                await connection.OpenAsync();
            }
            catch (Exception exception)
            {
                throw new InvalidOperationException(
                    "PostgreSQL is not reachable on 127.0.0.1:5432 as casework/casework (start it: pg_ctlcluster 15 main start; " +
                    "create the role: runuser -u postgres -- psql -c \"CREATE ROLE casework LOGIN PASSWORD 'casework' CREATEDB\").", exception);
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        Factory = CreateFactory(settings => settings["Identity:KeysDirectory"] = KeysDirectory);
        _ = Factory.Server; // start now: schema, keys and seeding happen here
    }

    /// <summary>A server on this run's database; <paramref name="configure"/> adjusts its settings.</summary>
    public IdentityFactory CreateFactory(Action<Dictionary<string, string?>> configure)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Store"] = ConnectionString,
            ["Identity:Issuer"] = Issuer,
            ["Seed:DemoDataPath"] = DemoDataPath,
        };
        configure(settings);
        return new IdentityFactory(settings);
    }

    public async Task DisposeAsync()
    {
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        await using (var connection = new NpgsqlConnection(ServerConnection))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        if (Directory.Exists(KeysDirectory))
        {
            Directory.Delete(KeysDirectory, recursive: true);
        }
    }

    public async Task<NpgsqlConnection> OpenDatabaseAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Casework.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"Casework.slnx not found above {AppContext.BaseDirectory}.");
    }
}

public sealed class IdentityFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (the tests follow them).</summary>
    public HttpClient CreateBrowser() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(IdentityFixture.Issuer) });
}
