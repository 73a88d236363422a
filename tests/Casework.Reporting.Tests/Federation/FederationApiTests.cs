using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Casework.Persistence;
using Casework.Reporting.Apis;
using Casework.Reporting.Federation;
using Casework.Reporting.Rendering;
using Casework.ServiceDefaults;
using Xunit;

namespace Casework.Reporting.Tests.Federation;

[Collection(FederationCollection.Name)]
public sealed class FederationApiTests(FederationFixture fixture)
{
    private static readonly DateTimeOffset Generated = new(2026, 4, 3, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Each test its own period (a quarter of whole months, as published reports are), so what one ingests never meets another's.</summary>
    private static ReportPeriod NewPeriod()
    {
        var start = new DateOnly(2000, 1, 1).AddMonths(Random.Shared.Next(0, 95 * 12));
        return ReportPeriod.Of(start, start.AddMonths(3).AddDays(-1));
    }

    private static string Query(ReportPeriod p) => $"from={p.From:yyyy-MM-dd}&to={p.To:yyyy-MM-dd}";

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] envelope, bool replace = false) =>
        client.PostAsync("/api/reporting/federation/rollups" + (replace ? "?replace=true" : ""),
            new ByteArrayContent(envelope) { Headers = { ContentType = new("application/json") } });

    private static async Task<string?> ReasonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("reason", out var reason) ? reason.GetString() : null;

    private async Task<List<IngestedRollupView>> IngestedAsync(ReportPeriod period) =>
        (await fixture.Staff(CaseworkRoles.Admin).GetFromJsonAsync<List<IngestedRollupView>>("/api/reporting/federation/rollups"))!
            .Where(r => r.From == IngestedRollup.Date(period.From) && r.To == IngestedRollup.Date(period.To)).ToList();

    [Fact]
    public async Task The_regional_rollup_is_suppressed_signed_with_the_region_key_and_audited()
    {
        var period = NewPeriod();
        var response = await fixture.Staff(CaseworkRoles.Manager).GetAsync("/api/reporting/federation/rollup?" + Query(period));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"rollup-{FederationFixture.Region}-{period.From:yyyy-MM-dd}-{period.To:yyyy-MM-dd}.json", response.Content.Headers.ContentDisposition?.FileName);
        var envelope = await response.Content.ReadAsByteArrayAsync();

        using var verifier = new RollupVerifier(new Dictionary<string, string> { [FederationFixture.Region] = fixture.RegionKey.PublicKeyPem });
        var verified = verifier.Verify(envelope);
        Assert.True(verified.IsValid, verified.Detail);
        var rollup = verified.Rollup!;
        // The configured region, not what the report called itself.
        Assert.Equal(FederationFixture.Region, rollup.RegionId);
        Assert.Equal(period, rollup.Period);
        var rows = rollup.Report.Sections.Single().Rows;
        Assert.Equal(CellState.Suppressed, rows.Single(r => r.Label == "Housing").Cells[1].State);
        Assert.Equal(CellState.Withheld, rows.Single(r => r.Label == "Debt advice").Cells[1].State);
        // Housing's 3 is nowhere in what is sent.
        Assert.DoesNotContain("{\"value\":3}", Encoding.UTF8.GetString(SignedRollup.FromJson(envelope).Payload));

        var audit = await fixture.Store.QueryAllAsync<AuditEntry>(new DocumentFilter().Equal("recordId", IngestedRollup.IdOf(FederationFixture.Region, period)));
        Assert.Equal("export-rollup", Assert.Single(audit).Document.Action);
    }

    [Fact]
    public async Task A_national_instance_combines_two_regions_rollups_of_the_period()
    {
        var period = NewPeriod();
        var admin = fixture.Staff(CaseworkRoles.Admin);
        var own = await (await admin.GetAsync("/api/reporting/federation/rollup?" + Query(period))).Content.ReadAsByteArrayAsync();
        var other = fixture.SignOther(period, employment: 20, Generated).ToJson();

        var first = await PostAsync(admin, own);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal("ingested", (await first.Content.ReadFromJsonAsync<IngestResult>())!.Status);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, other)).StatusCode);

        var national = await fixture.Staff(CaseworkRoles.Auditor).GetFromJsonAsync<NationalReportView>("/api/reporting/federation/national?" + Query(period));
        Assert.Equal([FederationFixture.Region, FederationFixture.OtherRegion], national!.Regions.Select(r => r.RegionId));
        var regions = national.Sections.Single(s => s.Title == "Regions included");
        Assert.Equal(2, regions.Rows.Count);
        var cases = national.Sections.Single(s => s.Title == "Cases by pathway");
        Assert.Equal("32", Cells(cases, "Employment")[1]);          // 12 + 20
        Assert.Equal("2 to 8", Cells(cases, "Housing")[1]);         // "<5" + "<5"
        Assert.Equal("at least 10", Cells(cases, "Debt advice")[1]); // two withheld complements
        Assert.Contains(national.Sections, s => s.Title == "Cases by pathway by region");

        var html = await admin.GetAsync("/api/reporting/federation/national.html?" + Query(period));
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("2 to 8", await html.Content.ReadAsStringAsync());
        var csv = await admin.GetAsync("/api/reporting/federation/national.csv?" + Query(period));
        Assert.Equal("application/zip", csv.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await csv.Content.ReadAsStreamAsync());
        Assert.Contains(zip.Entries, e => e.Name.EndsWith("cases-by-pathway.csv", StringComparison.Ordinal));

        // Exactly that period: a month longer has nothing ingested.
        var longer = ReportPeriod.Of(period.From, period.From.AddMonths(4).AddDays(-1));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/reporting/federation/national?" + Query(longer))).StatusCode);
    }

    [Fact]
    public async Task Sending_the_same_figures_again_changes_nothing()
    {
        var period = NewPeriod();
        var admin = fixture.Staff(CaseworkRoles.Admin);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, fixture.SignOther(period, 20, Generated).ToJson())).StatusCode);
        var stored = await fixture.Store.GetAsync<IngestedRollup>(IngestedRollup.IdOf(FederationFixture.OtherRegion, period));

        // The same file again, and the same figures generated an hour later.
        foreach (var again in new[] { fixture.SignOther(period, 20, Generated), fixture.SignOther(period, 20, Generated.AddHours(1)) })
        {
            var response = await PostAsync(admin, again.ToJson());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("alreadyIngested", (await response.Content.ReadFromJsonAsync<IngestResult>())!.Status);
        }
        var after = await fixture.Store.GetAsync<IngestedRollup>(IngestedRollup.IdOf(FederationFixture.OtherRegion, period));
        Assert.Equal(stored!.Version, after!.Version);
        Assert.Single(await IngestedAsync(period));
    }

    [Fact]
    public async Task Concurrent_uploads_of_the_same_rollup_store_it_once_and_all_succeed()
    {
        var period = NewPeriod();
        var admin = fixture.Staff(CaseworkRoles.Admin);
        var envelope = fixture.SignOther(period, 20, Generated).ToJson();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostAsync(admin, envelope)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(await IngestedAsync(period));
        Assert.Equal(1L, (await fixture.Store.GetAsync<IngestedRollup>(IngestedRollup.IdOf(FederationFixture.OtherRegion, period)))!.Version);
    }

    [Fact]
    public async Task Different_figures_for_an_ingested_period_conflict_unless_a_newer_rollup_replaces_them()
    {
        var period = NewPeriod();
        var admin = fixture.Staff(CaseworkRoles.Admin);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(admin, fixture.SignOther(period, 20, Generated).ToJson())).StatusCode);

        var conflict = await PostAsync(admin, fixture.SignOther(period, 25, Generated.AddDays(1)).ToJson());
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("conflictsWithIngested", await ReasonAsync(conflict));

        var older = await PostAsync(admin, fixture.SignOther(period, 25, Generated.AddDays(-1)).ToJson(), replace: true);
        Assert.Equal(HttpStatusCode.Conflict, older.StatusCode);

        var newer = await PostAsync(admin, fixture.SignOther(period, 25, Generated.AddDays(1)).ToJson(), replace: true);
        Assert.Equal(HttpStatusCode.OK, newer.StatusCode);
        var result = (await newer.Content.ReadFromJsonAsync<IngestResult>())!;
        Assert.Equal(("replaced", 1), (result.Status, result.Rollup.Replaced));

        var national = await admin.GetFromJsonAsync<NationalReportView>("/api/reporting/federation/national?" + Query(period));
        Assert.Equal("25", Cells(national!.Sections.Single(s => s.Title == "Cases by pathway"), "Employment")[1]);
        var audit = await fixture.Store.QueryAllAsync<AuditEntry>(new DocumentFilter().Equal("recordId", IngestedRollup.IdOf(FederationFixture.OtherRegion, period)));
        Assert.Equal(["ingest-rollup", "replace-rollup"], audit.Select(a => a.Document.Action).Order());
    }

    [Fact]
    public async Task A_tampered_unknown_or_malformed_rollup_is_refused_naming_what_failed_and_nothing_is_stored()
    {
        var period = NewPeriod();
        var admin = fixture.Staff(CaseworkRoles.Admin);
        var signed = fixture.SignOther(period, 20, Generated);

        // One figure changed after signing.
        var payload = Encoding.UTF8.GetString(signed.Payload).Replace("\"value\":20", "\"value\":21");
        var tampered = await PostAsync(admin, (signed with { Payload = Encoding.UTF8.GetBytes(payload) }).ToJson());
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.Equal("badSignature", await ReasonAsync(tampered));

        // A region this instance does not trust (signed with a key of its own).
        var stranger = RegionKeys.Create();
        using (var signer = new RollupSigner("test-east", stranger.PrivateKeyPem))
        {
            var unknown = await PostAsync(admin, signer.Sign(RegionalRollup.From(
                new Suppression().Publish(TestReportSource.Sample(period, "test-east", 20)), Generated)).ToJson());
            Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
            Assert.Equal("unknownRegion", await ReasonAsync(unknown));
        }

        // A schema this instance does not read, properly signed by a trusted region.
        var v2 = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(signed.Payload).Replace("\"schemaVersion\":1", "\"schemaVersion\":2"));
        using (var key = RegionKeys.Import(fixture.OtherRegionKey.PrivateKeyPem, requirePrivate: true))
        {
            var future = new SignedRollup(FederationFixture.OtherRegion, v2, key.SignData(v2, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
            var response = await PostAsync(admin, future.ToJson());
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("unsupportedSchemaVersion", await ReasonAsync(response));
        }

        var malformed = await PostAsync(admin, Encoding.UTF8.GetBytes("{\"regionId\":\"test-south\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("malformed", await ReasonAsync(malformed));

        var huge = await PostAsync(admin, new byte[FederationApi.MaxEnvelopeBytes + 1]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);

        Assert.Empty(await IngestedAsync(period));
    }

    [Fact]
    public async Task Roles_decide_who_exports_ingests_and_reads()
    {
        var period = NewPeriod();
        var rollup = "/api/reporting/federation/rollup?" + Query(period);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Staff(CaseworkRoles.Supervisor).GetAsync(rollup)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Staff(CaseworkRoles.Auditor).GetAsync(rollup)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Staff(CaseworkRoles.Caseworker).GetAsync(rollup)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Factory.CreateClient().GetAsync(rollup)).StatusCode);

        var envelope = fixture.SignOther(period, 20, Generated).ToJson();
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(fixture.Staff(CaseworkRoles.Manager), envelope)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Staff(CaseworkRoles.Supervisor).GetAsync("/api/reporting/federation/national?" + Query(period))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Staff(CaseworkRoles.Supervisor).GetAsync("/api/reporting/federation/rollups")).StatusCode);
        Assert.Empty(await IngestedAsync(period));

        var bad = await fixture.Staff(CaseworkRoles.Manager).GetAsync("/api/reporting/federation/rollup?from=2026-04-01&to=2026-03-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("to", out _));
    }

    [Fact]
    public async Task Without_a_signing_key_the_service_runs_and_the_rollup_says_why_it_cannot_be_made()
    {
        await using var host = fixture.CreateHost(fixture.Settings(signingKey: false), new TestReportSource());
        var client = host.CreateClient(TestStaffToken(CaseworkRoles.Admin));
        var response = await client.GetAsync("/api/reporting/federation/rollup?" + Query(NewPeriod()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("This region has no signing key configured.", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        // It still verifies and stores rollups as a national instance.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, fixture.SignOther(NewPeriod(), 20, Generated).ToJson())).StatusCode);
    }

    [Theory]
    [InlineData("Reporting:Federation:SigningKeyPem", "not a key", "Reporting:Federation:SigningKeyPem")]
    [InlineData("Reporting:Federation:TrustedRegions:test-south:PublicKeyPem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "Reporting:Federation:TrustedRegions:test-south:PublicKeyPem")]
    [InlineData("Reporting:Federation:RegionId", "North West", "Reporting:Federation:RegionId")]
    [InlineData("Reporting:SmallNumberThreshold", "1", "Reporting:SmallNumberThreshold")]
    public void A_broken_setting_stops_the_start_naming_its_key(string key, string value, string named)
    {
        var settings = fixture.Settings();
        settings[key] = value;
        using var host = fixture.CreateHost(settings, new TestReportSource());
        var error = Assert.ThrowsAny<Exception>(() => host.Server);
        Assert.Contains(named, error.ToString());
    }

    private static string TestStaffToken(string role) =>
        Casework.Testing.TestTokens.Staff(ReportingFixture.Unique("user"), "Test " + role, [role], [], [ReportingFixture.Audience], ReportingFixture.Scope);

    private static IReadOnlyList<string> Cells(SectionView section, string label) => section.Rows.Single(r => r.Cells[0] == label).Cells;
}
