using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Casework.Gateway.Tests;

public sealed partial class GatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private HttpClient Client => fixture.Client;

    private string StaffToken(string audience = "casework-case") => Tokens.Create(fixture.Backend, audience: audience);

    private static HttpRequestMessage Get(string path, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    private static async Task<Echo> EchoOf(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"Expected 200 from the backend, got {(int)response.StatusCode} {response.Headers.WwwAuthenticate} {await response.Content.ReadAsStringAsync()}");
        var echo = await response.Content.ReadFromJsonAsync<Echo>(Echo.Json);
        Assert.NotNull(echo);
        return echo;
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdFormat();

    // ---- authentication at the edge ----

    [Theory]
    [InlineData("/api/intake/referrals")]
    [InlineData("/api/cases/42")]
    [InlineData("/api/notes/x")]
    [InlineData("/api/assignment/workers")]
    [InlineData("/api/reporting/caseload")]
    public async Task Api_without_token_is_401_with_bearer_challenge(string path)
    {
        using var response = await Client.SendAsync(Get(path));

        await ProblemOf(response, HttpStatusCode.Unauthorized);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var token = Tokens.Create(fixture.Backend, lifetime: TimeSpan.FromMinutes(-5));

        using var response = await Client.SendAsync(Get("/api/cases/42", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("invalid_token", challenge.Parameter);
    }

    [Fact]
    public async Task Token_signed_with_another_key_is_401()
    {
        using var otherKey = RSA.Create(2048);
        var token = Tokens.Create(fixture.Backend, signWith: otherKey);

        using var response = await Client.SendAsync(Get("/api/cases/42", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Token_for_an_audience_outside_casework_is_401()
    {
        var token = Tokens.Create(fixture.Backend, audience: "some-other-api");

        using var response = await Client.SendAsync(Get("/api/cases/42", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Token_from_another_issuer_is_401()
    {
        var token = Tokens.Create(fixture.Backend, issuer: "http://127.0.0.1:1/");

        using var response = await Client.SendAsync(Get("/api/cases/42", token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    // ---- routing ----

    [Theory]
    [InlineData("/api/intake/referrals/7", "intake", "casework-intake")]
    [InlineData("/api/cases/42/plan", "case", "casework-case")]
    [InlineData("/api/notes/cases/42", "notes", "casework-notes")]
    [InlineData("/api/assignment/workers/3", "assignment", "casework-assignment")]
    [InlineData("/api/reporting/outcomes", "reporting", "casework-reporting")]
    public async Task Valid_token_is_proxied_unchanged_to_the_prefix_cluster(string path, string cluster, string audience)
    {
        var token = StaffToken(audience);

        using var response = await Client.SendAsync(Get(path + "?page=2&size=10", token));

        var echo = await EchoOf(response);
        Assert.Equal(cluster, echo.Cluster);
        Assert.Equal("GET", echo.Method);
        Assert.Equal(path, echo.Path);
        Assert.Equal("?page=2&size=10", echo.Query);
        Assert.Equal("Bearer " + token, echo.Header("Authorization"));
    }

    [Fact]
    public async Task Post_with_body_is_proxied()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/intake/referrals")
        {
            Content = JsonContent.Create(new { name = "A" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", StaffToken("casework-intake"));
        request.Headers.Add("Idempotency-Key", "k-1");

        using var response = await Client.SendAsync(request);

        var echo = await EchoOf(response);
        Assert.Equal("POST", echo.Method);
        Assert.Equal("k-1", echo.Header("Idempotency-Key"));
    }

    [Theory]
    [InlineData("POST", "/connect/token")]
    [InlineData("GET", "/connect/authorize")]
    [InlineData("GET", "/.well-known/openid-configuration")]
    [InlineData("GET", "/account/login")]
    [InlineData("POST", "/account/logout")]
    public async Task Identity_routes_need_no_token(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" });
        }

        using var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (path.StartsWith("/.well-known", StringComparison.Ordinal))
        {
            var discovery = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(discovery.TryGetProperty("issuer", out _), discovery.ToString());
            Assert.Equal(fixture.Backend.Issuer, discovery.GetProperty("issuer").GetString());
        }
        else
        {
            var echo = await EchoOf(response);
            Assert.Equal("identity", echo.Cluster);
            Assert.Equal(path, echo.Path);
            Assert.Equal(method, echo.Method);
        }
    }

    [Theory]
    [InlineData("/api/intake/openapi/v1.json", "intake")]
    [InlineData("/api/cases/openapi/v1.json", "case")]
    [InlineData("/api/notes/openapi/v1.json", "notes")]
    [InlineData("/api/assignment/openapi/v1.json", "assignment")]
    [InlineData("/api/reporting/openapi/v1.json", "reporting")]
    [InlineData("/api/intake/docs", "intake")]
    [InlineData("/api/cases/docs/", "case")]
    [InlineData("/api/reporting/docs/scalar.js", "reporting")]
    public async Task Api_documents_need_no_token(string path, string cluster)
    {
        using var response = await Client.SendAsync(Get(path));

        var echo = await EchoOf(response);
        Assert.Equal(cluster, echo.Cluster);
        Assert.Equal(path, echo.Path);
    }

    [Fact]
    public async Task Only_reading_api_documents_is_anonymous()
    {
        using var response = await Client.PostAsync("/api/intake/openapi/v1.json", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/nope")]
    [InlineData("/api/unknown/things")]
    [InlineData("/apix/intake")]
    public async Task Unknown_path_is_404_problem_details(string path)
    {
        using var response = await Client.SendAsync(Get(path, StaffToken()));

        var problem = await ProblemOf(response, HttpStatusCode.NotFound);
        Assert.Equal(path, problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task A_service_response_without_body_passes_through_unchanged()
    {
        using var response = await Client.SendAsync(Get("/api/notes/empty-404", StaffToken("casework-notes")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Gateway_health_is_its_own()
    {
        using var response = await Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    // ---- forwarded headers and request id ----

    [Theory]
    [InlineData("/api/cases/42", true)]
    [InlineData("/connect/token", false)]
    public async Task Forged_forwarded_headers_do_not_reach_the_service(string path, bool withToken)
    {
        using var request = Get(path, withToken ? StaffToken() : null);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.9");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Prefix", "/evil");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=203.0.113.9;host=evil.example;proto=https");
        request.Headers.TryAddWithoutValidation("X-Real-IP", "203.0.113.9");

        using var response = await Client.SendAsync(request);

        var echo = await EchoOf(response);
        Assert.Equal("127.0.0.1", echo.Header("X-Forwarded-For"));
        Assert.Equal(fixture.Gateway.Address.Authority, echo.Header("X-Forwarded-Host"));
        Assert.Equal("http", echo.Header("X-Forwarded-Proto"));
        Assert.Null(echo.Header("X-Forwarded-Prefix"));
        Assert.Null(echo.Header("Forwarded"));
        Assert.Null(echo.Header("X-Real-IP"));
    }

    [Fact]
    public async Task Caller_request_id_is_replaced_by_the_gateways()
    {
        using var request = Get("/api/cases/42", StaffToken());
        request.Headers.Add("X-Request-Id", "caller-chosen-id");

        using var response = await Client.SendAsync(request);

        var echo = await EchoOf(response);
        var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Matches(TraceIdFormat(), requestId);
        Assert.Equal(requestId, echo.Header("X-Request-Id"));
        // It is the trace id, which the service continues.
        Assert.StartsWith($"00-{requestId}-", echo.Header("traceparent"));
    }

    [Fact]
    public async Task Each_request_gets_its_own_request_id()
    {
        using var first = await Client.SendAsync(Get("/connect/token"));
        using var second = await Client.SendAsync(Get("/connect/token"));

        var firstId = Assert.Single(first.Headers.GetValues("X-Request-Id"));
        var secondId = Assert.Single(second.Headers.GetValues("X-Request-Id"));
        Assert.Matches(TraceIdFormat(), firstId);
        Assert.NotEqual(firstId, secondId);
        Assert.Equal(firstId, (await EchoOf(first)).Header("X-Request-Id"));
    }

    [Fact]
    public async Task Gateway_errors_carry_the_request_id()
    {
        using var request = Get("/nope");
        request.Headers.Add("X-Request-Id", "caller-chosen-id");

        using var response = await Client.SendAsync(request);

        var problem = await ProblemOf(response, HttpStatusCode.NotFound);
        var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Matches(TraceIdFormat(), requestId);
        Assert.Equal(requestId, problem.GetProperty("requestId").GetString());
    }

    // ---- rate limiting ----

    [Fact]
    public async Task Partner_over_its_limit_gets_429_and_other_partners_do_not()
    {
        // The fixture's partner bucket holds 3 tokens and refills one a minute.
        var greedy = Tokens.Create(fixture.Backend, role: "partner", clientId: "portal-greedy-" + Guid.NewGuid().ToString("N"), audience: "casework-intake");
        var other = Tokens.Create(fixture.Backend, role: "partner", clientId: "portal-other-" + Guid.NewGuid().ToString("N"), audience: "casework-intake");

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await Client.SendAsync(Get("/api/intake/referrals", greedy));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using var rejected = await Client.SendAsync(Get("/api/intake/referrals", greedy));
        using var unaffected = await Client.SendAsync(Get("/api/intake/referrals", other));

        await ProblemOf(rejected, HttpStatusCode.TooManyRequests);
        var retryAfter = rejected.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Equal(HttpStatusCode.OK, unaffected.StatusCode);
    }

    [Fact]
    public async Task Partner_limit_is_per_client_id_not_per_token()
    {
        var clientId = "portal-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 3; i++)
        {
            // A fresh token each time: same client, same bucket.
            using var allowed = await Client.SendAsync(Get("/api/cases/1", Tokens.Create(fixture.Backend, role: "partner", clientId: clientId)));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using var rejected = await Client.SendAsync(Get("/api/notes/1", Tokens.Create(fixture.Backend, role: "partner", clientId: clientId, audience: "casework-notes")));

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
    }

    [Fact]
    public async Task Staff_are_not_rate_limited()
    {
        var token = StaffToken();
        for (var i = 0; i < 10; i++)
        {
            using var response = await Client.SendAsync(Get("/api/cases/1", token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Unauthenticated_requests_do_not_use_a_partners_tokens()
    {
        var clientId = "portal-" + Guid.NewGuid().ToString("N");
        using var otherKey = RSA.Create(2048);
        var forged = Tokens.Create(fixture.Backend, role: "partner", clientId: clientId, signWith: otherKey);
        for (var i = 0; i < 5; i++)
        {
            using var response = await Client.SendAsync(Get("/api/cases/1", forged));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var genuine = await Client.SendAsync(Get("/api/cases/1", Tokens.Create(fixture.Backend, role: "partner", clientId: clientId)));

        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }
}
