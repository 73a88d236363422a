using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;

namespace Casework.Testing;

/// <summary>
/// Hosts one real service in-process for integration tests: its own fresh database, a RabbitMQ vhost of
/// its own, and test-signed tokens. Everything else (store, broker, consumers, outbox) is the real thing.
/// </summary>
public class ServiceFactory<TProgram>(TestDatabase database, string vhost, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<TProgram> where TProgram : class
{
    public TestDatabase Database => database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("ConnectionStrings:Store", database.ConnectionString);
        builder.UseSetting("ConnectionStrings:Broker", TestEnvironment.Broker(vhost));
        builder.UseSetting("Auth:Authority", TestTokens.Issuer);
        builder.UseSetting("Messaging:RetryIntervalsMs:0", "50");
        builder.UseSetting("Messaging:RetryIntervalsMs:1", "100");
        builder.UseSetting("Messaging:RetryIntervalsMs:2", "200");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(services => services.TrustTestTokens());
    }

    public HttpClient CreateClient(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
