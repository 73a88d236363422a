using System.Net;
using System.Security.Cryptography;
using Casework.Testing;

namespace Casework.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class SeedingAndKeysTests(IdentityFixture fixture)
{
    private static readonly string[] SeededTables =
        ["AspNetUsers", "AspNetRoles", "AspNetUserRoles", "AspNetUserClaims", "OpenIddictApplications", "OpenIddictScopes"];

    [Fact]
    public async Task The_demo_data_is_seeded()
    {
        Assert.Equal(7, await CountAsync("SELECT count(*) FROM \"AspNetUsers\""));
        Assert.Equal(5, await CountAsync("SELECT count(*) FROM \"AspNetRoles\""));
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM \"OpenIddictApplications\""));
        Assert.Equal(7, await CountAsync("SELECT count(*) FROM \"OpenIddictScopes\""));
        // maria has two teams, admin and audrey (auditor) none, the other four one each.
        Assert.Equal(6, await CountAsync("SELECT count(*) FROM \"AspNetUserClaims\" WHERE \"ClaimType\" = 'team'"));
        Assert.Equal(1, await CountAsync(
            "SELECT count(*) FROM \"AspNetUserRoles\" ur JOIN \"AspNetRoles\" r ON r.\"Id\" = ur.\"RoleId\" " +
            "WHERE ur.\"UserId\" = '6f1c2a1e-0a01-4c1e-9a01-000000000004' AND r.\"Name\" = 'supervisor'"));
        // Client secrets are stored hashed, never as given.
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"OpenIddictApplications\" WHERE \"ClientSecret\" LIKE '%demo-secret%'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"OpenIddictApplications\" WHERE \"ClientId\" = 'casework-web' AND \"ClientSecret\" IS NOT NULL"));
    }

    [Fact]
    public async Task Starting_again_on_the_same_database_changes_nothing()
    {
        var before = await SnapshotAsync();
        await using (var second = fixture.CreateFactory(settings => settings["Identity:KeysDirectory"] = fixture.KeysDirectory))
        {
            using var client = second.CreateBrowser();
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        }
        var after = await SnapshotAsync();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_staff_session_survives_a_restart()
    {
        // The cookie is protected by the Data Protection key ring kept in the database, so another
        // instance (a restart, a second replica) reads it too.
        using var browser = fixture.Factory.CreateBrowser();
        var posted = await Oidc.SubmitLoginAsync(browser, "/account/login", "sam", DemoSignIn.Password);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var cookie = posted.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith("casework.identity=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.True(await CountAsync("SELECT count(*) FROM \"DataProtectionKeys\"") >= 1, "The key ring is not kept in the database.");

        await using var other = fixture.CreateFactory(settings => settings["Identity:KeysDirectory"] = fixture.KeysDirectory);
        using var client = other.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        var page = await client.SendAsync(request);
        Assert.Contains("You are signed in as <strong>Sam Whitfield</strong>", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Keys_can_come_from_PEM_settings_instead_of_files()
    {
        using var signing = RSA.Create(2048);
        using var encryption = RSA.Create(2048);
        await using var server = fixture.CreateFactory(settings =>
        {
            settings["Identity:SigningKeyPem"] = signing.ExportRSAPrivateKeyPem();
            settings["Identity:EncryptionKeyPem"] = encryption.ExportPkcs8PrivateKeyPem();
        });
        using var client = server.CreateBrowser();
        var response = await Oidc.ClientCredentialsAsync(client, "partner-shelter", "partner-shelter-demo-secret", "intake.referrals.read");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accessToken = (await response.ReadJsonAsync()).GetProperty("access_token").GetString()!;

        // Signed with the configured key: it validates against that public key alone.
        var result = await new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().ValidateTokenAsync(accessToken,
            new Microsoft.IdentityModel.Tokens.TokenValidationParameters
            {
                ValidIssuer = IdentityFixture.Issuer,
                ValidAudience = "casework-intake",
                IssuerSigningKey = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(signing.ExportParameters(false)),
                TryAllIssuerSigningKeys = true,
            });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public void Without_any_key_the_server_refuses_to_start_and_says_why()
    {
        using var server = fixture.CreateFactory(_ => { });
        var exception = Assert.ThrowsAny<Exception>(() => server.Server);
        var message = string.Join(" | ", Flatten(exception).Select(e => e.Message));
        Assert.Contains("Identity:SigningKeyPem", message);
        Assert.Contains("Identity:KeysDirectory", message);
    }

    [Fact]
    public void A_broken_key_is_reported_without_echoing_it()
    {
        const string broken = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ1dC1ub3QtYS1rZXk=\n-----END PRIVATE KEY-----";
        using var server = fixture.CreateFactory(settings =>
        {
            settings["Identity:SigningKeyPem"] = broken;
            settings["Identity:EncryptionKeyPem"] = broken;
        });
        var exception = Assert.ThrowsAny<Exception>(() => server.Server);
        var message = string.Join(" | ", Flatten(exception).Select(e => e.Message));
        Assert.Contains("Identity:SigningKeyPem does not hold an unencrypted RSA private key", message);
        Assert.DoesNotContain("c2VjcmV0", message);
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>Every row of every seeded table, rendered as text, in a stable order.</summary>
    private async Task<string> SnapshotAsync()
    {
        var parts = new List<string>();
        foreach (var table in SeededTables)
        {
            var rows = await fixture.Database.ScalarAsync<string>($"SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM \"{table}\" t");
            parts.Add(table + ":\n" + rows);
        }
        return string.Join("\n", parts);
    }

    private Task<long> CountAsync(string sql) => fixture.Database.ScalarAsync<long>(sql);
}
