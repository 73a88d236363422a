using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Casework.Gateway.Tests;

/// <summary>
/// A stand-in for identity and the five services: one Kestrel app on six loopback ports (one per
/// cluster, so a test can tell which cluster a request reached). It serves OpenID Connect discovery
/// and a JWKS for <see cref="SigningKey"/>, and answers everything else with what it received.
/// Like a real service, it echoes the X-Request-Id it got in its response.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    public static readonly string[] Clusters = ["identity", "intake", "case", "notes", "assignment", "reporting"];

    private readonly WebApplication _app;
    private readonly Dictionary<int, string> _clusterByPort = [];

    private EchoBackend(WebApplication app, RSA signingKey)
    {
        _app = app;
        SigningKey = signingKey;
    }

    public RSA SigningKey { get; }

    public const string KeyId = "test-signing-key";

    /// <summary>The issuer of test tokens and the gateway's Auth:Authority (the identity port).</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>Cluster name → destination address, for ReverseProxy__Clusters__*__Destinations__primary__Address.</summary>
    public Dictionary<string, string> Addresses { get; } = [];

    public string ClusterOfPort(int port) => _clusterByPort[port];

    public static async Task<EchoBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var _ in Clusters)
            {
                kestrel.Listen(IPAddress.Loopback, 0);
            }
        });
        var app = builder.Build();
        var backend = new EchoBackend(app, RSA.Create(2048));

        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = backend.Issuer,
            ["jwks_uri"] = backend.Issuer + "jwks",
            ["token_endpoint"] = backend.Issuer + "connect/token",
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var parameters = backend.SigningKey.ExportParameters(includePrivateParameters: false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new Dictionary<string, string>
                    {
                        ["kty"] = "RSA",
                        ["use"] = "sig",
                        ["alg"] = "RS256",
                        ["kid"] = KeyId,
                        ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
                        ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
                    },
                },
            });
        });
        // A service answering 404 with headers flushed and no body: the gateway must pass it through as is.
        app.MapGet("/api/notes/empty-404", async context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.StartAsync();
        });
        app.Map("/{**path}", async context =>
        {
            var requestId = context.Request.Headers["X-Request-Id"].ToString();
            if (requestId.Length > 0)
            {
                context.Response.Headers["X-Request-Id"] = requestId;
            }
            var echo = new Echo(
                backend.ClusterOfPort(context.Connection.LocalPort),
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToArray(), StringComparer.OrdinalIgnoreCase));
            await context.Response.WriteAsJsonAsync(echo);
        });

        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.ToList();
        if (addresses.Count != Clusters.Length)
        {
            throw new InvalidOperationException($"Expected {Clusters.Length} listening addresses, got {addresses.Count}.");
        }
        for (var i = 0; i < Clusters.Length; i++)
        {
            var uri = new Uri(addresses[i]);
            backend._clusterByPort[uri.Port] = Clusters[i];
            backend.Addresses[Clusters[i]] = $"http://127.0.0.1:{uri.Port}/";
        }
        backend.Issuer = backend.Addresses["identity"];
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SigningKey.Dispose();
    }
}

/// <summary>What the backend received.</summary>
public sealed record Echo(string Cluster, string Method, string Path, string Query, Dictionary<string, string?[]> Headers)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string? Header(string name) =>
        Headers.FirstOrDefault(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } values
            ? string.Join(",", values)
            : null;
}
