using Casework.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

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

    public TestDatabase Database { get; private set; } = null!;

    public string KeysDirectory { get; } = Path.Combine(Path.GetTempPath(), "casework-identity-tests-" + Guid.NewGuid().ToString("N")[..12]);

    public IdentityFactory Factory { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync("identity");
        Factory = CreateFactory(settings => settings["Identity:KeysDirectory"] = KeysDirectory);
        _ = Factory.Server; // start now: schema, keys and seeding happen here
    }

    /// <summary>A server on this run's database; <paramref name="configure"/> adjusts its settings.</summary>
    public IdentityFactory CreateFactory(Action<Dictionary<string, string?>> configure)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Store"] = Database.ConnectionString,
            ["Identity:Issuer"] = Issuer,
            ["Seed:DemoDataPath"] = TestEnvironment.DemoDataPath,
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
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
        if (Directory.Exists(KeysDirectory))
        {
            Directory.Delete(KeysDirectory, recursive: true);
        }
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
