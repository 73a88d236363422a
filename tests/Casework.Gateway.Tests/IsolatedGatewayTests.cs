using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Casework.Gateway.Tests;

/// <summary>Tests that need a gateway of their own (other limits, a service that is down).</summary>
public sealed class IsolatedGatewayTests : IAsyncLifetime
{
    private EchoBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await EchoBackend.StartAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Credential_endpoints_are_limited_per_ip()
    {
        await using var gateway = GatewayHost.Start(_backend, new Dictionary<string, string?>
        {
            ["RateLimiting:Anonymous:PermitsPerMinute"] = "2",
        });

        using var first = await gateway.Client.PostAsync("/connect/token", new StringContent(""));
        using var second = await gateway.Client.GetAsync("/account/login");
        using var third = await gateway.Client.PostAsync("/connect/token", new StringContent(""));
        // Other routes are not under the credential limit.
        using var discovery = await gateway.Client.GetAsync("/.well-known/openid-configuration");
        using var document = await gateway.Client.GetAsync("/api/intake/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("application/problem+json", third.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(third.Headers.RetryAfter?.Delta);
        Assert.InRange(third.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    [Fact]
    public async Task A_service_that_is_down_gives_502_problem_details()
    {
        await using var gateway = GatewayHost.Start(_backend, new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:reporting:Destinations:primary:Address"] = $"http://127.0.0.1:{UnusedPort()}/",
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reporting/outcomes");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Create(_backend, audience: "casework-reporting"));

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(502, problem.GetProperty("status").GetInt32());
        Assert.Equal("/api/reporting/outcomes", problem.GetProperty("instance").GetString());
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
