using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Casework.Gateway.Tests;

/// <summary>The real gateway (its Program) on Kestrel, on a loopback port, in front of the echo backend.</summary>
public sealed class GatewayHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private GatewayHost(Dictionary<string, string?> settings) => _settings = settings;

    public HttpClient Client { get; private set; } = null!;

    public Uri Address { get; private set; } = null!;

    public static GatewayHost Start(EchoBackend backend, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Authority"] = backend.Issuer,
            ["Auth:RequireHttpsMetadata"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Error",
            ["Logging:LogLevel:Yarp"] = "Error",
            // Small partner buckets so a test can exhaust one quickly; they refill slowly.
            ["RateLimiting:Partner:TokenLimit"] = "3",
            ["RateLimiting:Partner:TokensPerPeriod"] = "1",
            ["RateLimiting:Partner:ReplenishmentPeriodSeconds"] = "60",
        };
        foreach (var (cluster, address) in backend.Addresses)
        {
            settings[$"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address"] = address;
        }
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var host = new GatewayHost(settings);
        host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        host.StartServer();
        var listening = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        host.Address = new Uri(listening);
        host.Client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            // Send exactly the headers a test sets (no traceparent of the test process's own).
            ActivityHeadersPropagator = null,
        })
        {
            BaseAddress = host.Address,
        };
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await base.DisposeAsync();
    }
}

/// <summary>Signs test access tokens the way the identity server would.</summary>
public static class Tokens
{
    public static string Create(
        EchoBackend backend,
        string? role = "caseworker",
        string? clientId = "casework-web",
        string audience = "casework-case",
        TimeSpan? lifetime = null,
        RSA? signWith = null,
        string? issuer = null)
    {
        var now = DateTime.UtcNow;
        var life = lifetime ?? TimeSpan.FromMinutes(5);
        var claims = new Dictionary<string, object>
        {
            ["sub"] = role == "partner" ? clientId ?? "partner" : "user-1",
            ["scope"] = "casework.api",
        };
        if (role is not null)
        {
            claims["role"] = role;
        }
        if (clientId is not null)
        {
            claims["client_id"] = clientId;
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? backend.Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = life < TimeSpan.Zero ? now + life - TimeSpan.FromMinutes(5) : now,
            NotBefore = life < TimeSpan.Zero ? now + life - TimeSpan.FromMinutes(5) : now,
            Expires = now + life,
            SigningCredentials = new SigningCredentials(
                new RsaSecurityKey(signWith ?? backend.SigningKey) { KeyId = EchoBackend.KeyId },
                SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
