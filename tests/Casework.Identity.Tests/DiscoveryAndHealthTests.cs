using System.Net;
using System.Text.Json;
using Casework.Testing;

namespace Casework.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class DiscoveryAndHealthTests(IdentityFixture fixture)
{
    [Fact]
    public async Task Discovery_lists_the_endpoints_under_the_issuer()
    {
        var document = await DiscoveryAsync("/.well-known/openid-configuration");

        AssertIssuerAndEndpoints(document);
        Assert.Equal("http://localhost/connect/endsession", document.GetProperty("end_session_endpoint").GetString());
        var grants = Strings(document, "grant_types_supported");
        Assert.Contains("client_credentials", grants);
        Assert.Contains("authorization_code", grants);
        Assert.Contains("refresh_token", grants);
        Assert.Contains("S256", Strings(document, "code_challenge_methods_supported"));
        var scopes = Strings(document, "scopes_supported");
        foreach (var scope in new[] { "intake", "intake.referrals.write", "intake.referrals.read", "cases", "notes", "assignment", "reporting", "offline_access" })
        {
            Assert.Contains(scope, scopes);
        }
    }

    [Fact]
    public async Task Discovery_called_on_another_host_still_names_the_issuer()
    {
        // As when a service reads the document straight from this service's own port, not through the gateway.
        var document = await DiscoveryAsync("http://identity.internal:8080/.well-known/openid-configuration");

        AssertIssuerAndEndpoints(document);
    }

    [Fact]
    public async Task Jwks_publishes_one_RSA_2048_signing_key_with_a_key_id()
    {
        using var client = fixture.Factory.CreateBrowser();
        var document = await (await client.GetAsync("/.well-known/jwks")).ReadJsonAsync();
        var keys = document.GetProperty("keys").EnumerateArray().ToList();

        var key = Assert.Single(keys);
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.False(string.IsNullOrEmpty(key.GetProperty("kid").GetString()));
        Assert.Equal(256, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString()).Length);
        Assert.False(key.TryGetProperty("d", out _), "The JWKS must never contain private key material.");
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        using var client = fixture.Factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Generated_keys_are_readable_by_the_owner_only()
    {
        foreach (var file in new[] { "signing.pem", "encryption.pem" })
        {
            var path = Path.Combine(fixture.KeysDirectory, file);
            Assert.True(File.Exists(path), path + " was not generated.");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    private async Task<JsonElement> DiscoveryAsync(string url)
    {
        using var client = fixture.Factory.CreateBrowser();
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>The issuer and the endpoints under it, which the document names whichever host it was asked on.</summary>
    private static void AssertIssuerAndEndpoints(JsonElement document)
    {
        Assert.Equal(IdentityFixture.Issuer, document.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost/connect/token", document.GetProperty("token_endpoint").GetString());
        Assert.Equal("http://localhost/connect/authorize", document.GetProperty("authorization_endpoint").GetString());
        Assert.Equal("http://localhost/.well-known/jwks", document.GetProperty("jwks_uri").GetString());
    }

    private static List<string?> Strings(JsonElement document, string property) =>
        [.. document.GetProperty(property).EnumerateArray().Select(value => value.GetString())];
}
