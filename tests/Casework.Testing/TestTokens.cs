using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Casework.Testing;

/// <summary>
/// Signs access tokens shaped like the Identity service's, for integration tests of one service.
/// (The Identity service itself and the whole sign-in path are tested for real in their own suites.)
/// The service under test validates them exactly as in production, only with this key and issuer.
/// </summary>
public static class TestTokens
{
    public const string Issuer = "https://identity.test/";
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "test-key" };

    /// <summary>Makes the service's JwtBearer trust the test issuer and key instead of fetching metadata.</summary>
    public static void TrustTestTokens(this IServiceCollection services) =>
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
            configuration.SigningKeys.Add(Key);
            options.Configuration = configuration;
            options.ConfigurationManager = null;
            options.TokenValidationParameters.ValidIssuer = Issuer;
            options.TokenValidationParameters.IssuerSigningKey = Key;
        });

    public static string Staff(string subject, string name, string[] roles, string[] teams, string[] audiences, string scopes) =>
        Create(audiences, scopes, [
            new Claim("sub", subject), new Claim("name", name), new Claim("client_id", "casework-web"), new Claim("region", "test"),
            .. roles.Select(role => new Claim("role", role)),
            .. teams.Select(team => new Claim("team", team)),
        ]);

    public static string Partner(string clientId, string[] audiences, string scopes) =>
        Create(audiences, scopes, [
            new Claim("sub", clientId), new Claim("name", clientId), new Claim("client_id", clientId),
            new Claim("role", "partner"), new Claim("region", "test"),
        ]);

    public static string Create(string[] audiences, string scopes, IEnumerable<Claim> claims, TimeSpan? lifetime = null)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Subject = new ClaimsIdentity([.. claims, new Claim("scope", scopes)]),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(15)),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256),
            Audiences = { },
        };
        foreach (var audience in audiences)
        {
            descriptor.Audiences.Add(audience);
        }
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
