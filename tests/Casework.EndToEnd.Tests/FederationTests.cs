using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>
/// Federation through the gateway: the local instance (region demo-local, which scripts/platform.sh gives a demo key and
/// trusts together with demo-second) ingests two regions' signed rollups and reports across them. The second region's
/// rollup is written and signed here, as that region's instance would, with the key the script left in the run dir.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class FederationTests(PlatformFixture platform)
{
    // Whole months around today (as published reports are): the cases the suite opens fall in them.
    private static readonly DateOnly ThisMonth = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1 - DateTime.UtcNow.Day);
    private static readonly string From = ThisMonth.AddMonths(-11).ToString("yyyy-MM-dd");
    private static readonly string To = ThisMonth.AddMonths(2).AddDays(-1).ToString("yyyy-MM-dd");
    private static readonly string KeysDirectory = Path.Combine(TestEnvironment.RepoRoot, ".run", "e2e", "federation");

    [Fact]
    public async Task A_national_instance_combines_two_regions_signed_rollups()
    {
        using var admin = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "admin"));

        // The local region's rollup: its impact report for the period, suppressed and signed by the service. The second
        // region's is the same figures signed here with demo-second's key, as that region's instance would, so every shown
        // count of the national report is twice the local one and every hidden one a range.
        using var exported = await admin.GetAsync($"api/reporting/federation/rollup?from={From}&to={To}");
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        var local = await exported.Content.ReadAsByteArrayAsync();
        var localRollup = JsonSerializer.Deserialize<JsonElement>(Convert.FromBase64String(
            JsonSerializer.Deserialize<Dictionary<string, string>>(local)!["payload"]));
        Assert.Equal("demo-local", localRollup.GetProperty("regionId").GetString());
        var second = Envelope("demo-second", localRollup.GetRawText().Replace("\"regionId\":\"demo-local\"", "\"regionId\":\"demo-second\""));

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, local)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, second)).StatusCode);
        using (var again = await PostAsync(admin, second))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("alreadyIngested", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        // A figure changed after signing does not verify.
        var tampered = JsonSerializer.Deserialize<Dictionary<string, string>>(second)!;
        tampered["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(localRollup.GetRawText().Replace("demo-local", "demo-second") + " "));
        using (var refused = await PostAsync(admin, JsonSerializer.SerializeToUtf8Bytes(tampered)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        var national = await admin.GetFromJsonAsync<JsonElement>($"api/reporting/federation/national?from={From}&to={To}");
        Assert.Equal(["demo-local", "demo-second"], national.GetProperty("regions").EnumerateArray().Select(r => r.GetProperty("regionId").GetString()));
        var sections = national.GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal(2, sections.Single(s => s.GetProperty("title").GetString() == "Regions included").GetProperty("rows").GetArrayLength());
        // The total of cases opened: twice the local figure when shown; a range when hidden as small, a lower bound when withheld.
        var localTotal = TotalOpened(localRollup.GetProperty("sections"));
        var nationalTotal = sections.Single(s => s.GetProperty("title").GetString() == "Cases opened and closed")
            .GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("isTotal").GetBoolean()).GetProperty("cells")[1].GetString()!;
        if (localTotal.TryGetProperty("value", out var shown))
        {
            Assert.Equal((2 * shown.GetInt64()).ToString(System.Globalization.CultureInfo.InvariantCulture), nationalTotal);
        }
        else if (localTotal.TryGetProperty("suppressed", out _))
        {
            Assert.Equal("2 to 8", nationalTotal);
        }
        else
        {
            Assert.StartsWith("at least", nationalTotal);
        }

        var listed = await admin.GetFromJsonAsync<JsonElement>("api/reporting/federation/rollups");
        Assert.Equal(2, listed.EnumerateArray().Count(r => r.GetProperty("from").GetString() == From && r.GetProperty("to").GetString() == To));
        using var html = await admin.GetAsync($"api/reporting/federation/national.html?from={From}&to={To}");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The rollup's total-row cell of cases opened (the section's second column).</summary>
    private static JsonElement TotalOpened(JsonElement sections) =>
        sections.EnumerateArray().Single(s => s.GetProperty("title").GetString() == "Cases opened and closed")
            .GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("isTotal").GetBoolean()).GetProperty("cells")[1];

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] envelope) =>
        client.PostAsync("api/reporting/federation/rollups", new ByteArrayContent(envelope) { Headers = { ContentType = new("application/json") } });

    /// <summary>The envelope a region sends: the payload's bytes and their ES256 signature (DER), with the region's demo key.</summary>
    private static byte[] Envelope(string region, string rollup)
    {
        var payload = Encoding.UTF8.GetBytes(rollup);
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(KeysDirectory, $"{region}.key.pem")));
        var signature = key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["regionId"] = region,
            ["algorithm"] = "ES256-DER",
            ["payload"] = Convert.ToBase64String(payload),
            ["signature"] = Convert.ToBase64String(signature),
        });
    }
}
