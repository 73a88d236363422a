using System.Net;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Casework.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Messaging.Tests;

/// <summary>
/// A web host wired like a service's (document store, messaging, the default health endpoints) on loopback: when its
/// bus is down, /health/ready still answers 200 (writes go to the outbox, so the pod keeps taking requests) while
/// /health/broker reports the bus.
/// </summary>
[Collection(MessagingCollection.Name)]
public sealed class BrokerHealthTests
{
    [Fact]
    public async Task Readiness_stays_ok_while_the_bus_is_down_and_the_broker_check_reports_it()
    {
        await using var database = await TestDatabase.CreateAsync("broker_health");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Store"] = database.ConnectionString,
            ["ConnectionStrings:Broker"] = TestEnvironment.Broker(MessagingFixture.Vhost),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddHealthChecks();
        builder.AddDocumentStore(_ => { });
        builder.AddMessaging("broker-health-tests");
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
            await Eventually.Until(async () => (await http.GetAsync("/health/broker")).StatusCode, code => code == HttpStatusCode.OK,
                what: "the bus to report healthy");

            await app.Services.GetRequiredService<IBusControl>().StopAsync();

            await Eventually.Until(async () => (await http.GetAsync("/health/broker")).StatusCode, code => code == HttpStatusCode.ServiceUnavailable,
                what: "/health/broker to report the stopped bus");
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
