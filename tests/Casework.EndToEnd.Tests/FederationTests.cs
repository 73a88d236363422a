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
    private const string From = "2025-04-01";
    private const string To = "2026-03-31";
    private static readonly string KeysDirectory = Path.Combine(TestEnvironment.RepoRoot, ".run", "e2e", "federation");

    [Fact]
    public async Task A_national_instance_combines_two_regions_signed_rollups()
    {
        using var admin = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "admin"));

        // The local region's own rollup. Until a regional report is registered (the funder report) the endpoint says so,
        // and the local region's figures are signed here with its key instead.
        byte[] local;
        var exportedByService = false;
        using (var exported = await admin.GetAsync($"api/reporting/federation/rollup?from={From}&to={To}"))
        {
            if (exported.StatusCode == HttpStatusCode.NotImplemented)
            {
                Assert.Equal("No regional report is available.", (await exported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
                local = Envelope("demo-local", Rollup("demo-local", employment: 12));
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
                local = await exported.Content.ReadAsByteArrayAsync();
                exportedByService = true;
            }
        }
        var second = Envelope("demo-second", Rollup("demo-second", employment: 30));

        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, local)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, second)).StatusCode);
        using (var again = await PostAsync(admin, second))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("alreadyIngested", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        // A figure changed after signing does not verify.
        var tampered = JsonSerializer.Deserialize<Dictionary<string, string>>(second)!;
        tampered["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Rollup("demo-second", employment: 31)));
        using (var refused = await PostAsync(admin, JsonSerializer.SerializeToUtf8Bytes(tampered)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        var national = await admin.GetFromJsonAsync<JsonElement>($"api/reporting/federation/national?from={From}&to={To}");
        Assert.Equal(["demo-local", "demo-second"], national.GetProperty("regions").EnumerateArray().Select(r => r.GetProperty("regionId").GetString()));
        var sections = national.GetProperty("sections").EnumerateArray().ToList();
        Assert.Equal(2, sections.Single(s => s.GetProperty("title").GetString() == "Regions included").GetProperty("rows").GetArrayLength());
        if (!exportedByService)
        {
            var cases = sections.Single(s => s.GetProperty("title").GetString() == "Demo cases by pathway");
            string Cell(string label) => cases.GetProperty("rows").EnumerateArray()
                .Single(r => r.GetProperty("cells")[0].GetString() == label).GetProperty("cells")[1].GetString()!;
            Assert.Equal("42", Cell("Employment"));     // 12 + 30
            Assert.Equal("2 to 8", Cell("Housing"));    // "<5" + "<5"
        }

        var listed = await admin.GetFromJsonAsync<JsonElement>("api/reporting/federation/rollups");
        Assert.Equal(2, listed.EnumerateArray().Count(r => r.GetProperty("from").GetString() == From && r.GetProperty("to").GetString() == To));
        using var html = await admin.GetAsync($"api/reporting/federation/national.html?from={From}&to={To}");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] envelope) =>
        client.PostAsync("api/reporting/federation/rollups", new ByteArrayContent(envelope) { Headers = { ContentType = new("application/json") } });

    /// <summary>A rollup in the documented file format (schema 1), already suppressed: Housing's count is under 5.</summary>
    private static string Rollup(string region, int employment) => JsonSerializer.Serialize(new
    {
        schemaVersion = 1,
        regionId = region,
        title = "Impact report",
        period = new { from = From, to = To },
        generatedAt = "2026-04-02T07:00:00.0000000Z",
        asOf = "2026-04-02T06:00:00.0000000Z",
        suppressionThreshold = 5,
        sections = new[]
        {
            new
            {
                title = "Demo cases by pathway",
                columns = new[]
                {
                    new { key = "pathway", title = "Pathway", kind = "text", isTotal = false },
                    new { key = "opened", title = "Opened", kind = "count", isTotal = false },
                },
                chart = (object?)null,
                rows = new[]
                {
                    new { isTotal = false, cells = new object[] { new { text = "Employment" }, new { value = employment } } },
                    new { isTotal = false, cells = new object[] { new { text = "Housing" }, new { suppressed = true } } },
                },
            },
        },
    });

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
