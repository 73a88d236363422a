using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>
/// The funder report through the gateway after real lifecycles: an admin creates two pathways of a fresh team (their outcome
/// labels reach Reporting with PathwayPublished); a manager refers five people onto one and two onto the other, records a
/// 90-minute home visit on each case and closes it with an outcome. The impact report then shows the outcomes with their
/// labels, the times from referral, the hours delivered, and "&lt;5" for the small pathway; the HTML export fetches nothing.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ImpactReportTests(PlatformFixture platform)
{
    [Fact]
    public async Task After_cases_are_referred_visited_and_closed_the_funder_report_shows_their_outcomes_and_times_and_hides_small_numbers()
    {
        using var admin = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "admin"));
        using var maria = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "maria"));
        var tail = Guid.NewGuid().ToString("N")[..8];
        var teamId = "e2e-impact-team-" + tail;
        var (debt, debtName) = ("e2e-debt-" + tail, "Debt Advice " + tail);
        var (benefits, benefitsName) = ("e2e-benefits-" + tail, "Benefits Checks " + tail);
        await CreatePathwayAsync(admin, debt, debtName, teamId, "debt-cleared", "Debt cleared");
        await CreatePathwayAsync(admin, benefits, benefitsName, teamId, "claim-made", "Claim made");

        for (var i = 0; i < 5; i++) await LiveACaseAsync(maria, debt, "debt-cleared");
        for (var i = 0; i < 2; i++) await LiveACaseAsync(maria, benefits, "claim-made");

        // Last month to next (whole months, as reports are): the region's day may not be UTC's.
        var thisMonth = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1 - DateTime.UtcNow.Day);
        var period = $"from={thisMonth.AddMonths(-1):yyyy-MM-dd}&to={thisMonth.AddMonths(2).AddDays(-1):yyyy-MM-dd}&teamId={teamId}";
        var report = await Eventually.Until(
            async () => await maria.GetFromJsonAsync<JsonElement>($"api/reporting/impact?{period}"),
            r => Row(r, "Cases opened", "All pathways") is [_, "7", "7"] && Row(r, "Support delivered", "All types") is [_, "7", "7", _],
            what: "the impact report to count the seven closed cases and their visits");

        Assert.NotEqual(JsonValueKind.Null, report.GetProperty("asOf").ValueKind);
        Assert.Equal([benefitsName, "<5", "<5"], Row(report, "Cases opened", benefitsName));
        Assert.Equal(["Debt cleared", "5"], Row(report, $"Outcomes achieved: {debtName}", "Debt cleared"));
        Assert.Equal(["Claim made", "<5"], Row(report, $"Outcomes achieved: {benefitsName}", "Claim made"));
        // Minutes from referral to the visit and to closure: under a tenth of a day, shown for five cases, withheld for two.
        Assert.Equal([debtName, "*", "0.0", "0.0", "*", "0.0", "0.0"], Row(report, "Time from referral", debtName));
        Assert.Equal([benefitsName, "<5", "*", "*", "<5", "*", "*"], Row(report, "Time from referral", benefitsName));
        Assert.Equal(["HomeVisit", "7", "7", "10.5"], Row(report, "Support delivered", "HomeVisit"));

        var debtOnly = await maria.GetFromJsonAsync<JsonElement>($"api/reporting/impact?{period}&pathwayId={debt}");
        Assert.Equal([debtName, "5", "5"], Row(debtOnly, "Cases opened", debtName));
        Assert.Equal(["HomeVisit", "5", "5", "7.5"], Row(debtOnly, "Support delivered", "HomeVisit"));

        using var html = await maria.GetAsync($"api/reporting/impact.html?{period}");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        var page = await html.Content.ReadAsStringAsync();
        Assert.Contains("Debt cleared", page);
        Assert.Contains("&lt;5", page);
        foreach (var external in new[] { "src=", "href=", "@import", "<script", "<link", "<img" })
        {
            Assert.DoesNotContain(external, page, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotMatch(@"url\((?!#)", page);
        Assert.DoesNotMatch(@"(?<!xmlns(:\w+)?="")(https?:)?//", page);

        using var csv = await maria.GetAsync($"api/reporting/impact.csv?{period}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("application/zip", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("impact-report-", csv.Content.Headers.ContentDisposition?.FileNameStar ?? csv.Content.Headers.ContentDisposition?.FileName);
    }

    private static async Task CreatePathwayAsync(HttpClient admin, string id, string name, string teamId, string outcomeId, string outcomeLabel)
    {
        using var created = await admin.PostAsJsonAsync("api/cases/pathways", new
        {
            id, name, teamId, outcomes = new[] { new { id = outcomeId, label = outcomeLabel } },
        });
        await created.JsonAsync(HttpStatusCode.Created);
    }

    /// <summary>Refers someone, accepts them onto the pathway, records a 90-minute home visit and closes the case with the outcome.</summary>
    private static async Task LiveACaseAsync(HttpClient manager, string pathwayId, string outcome)
    {
        using var submitted = await manager.PostAsJsonAsync("api/intake/referrals", ReferralFlowTests.NewReferral("IR-" + Guid.NewGuid().ToString("N")[..8]));
        var referralId = (await submitted.JsonAsync(HttpStatusCode.Created)).Text("id")!;
        using (var accepted = await manager.PostAsJsonAsync($"api/intake/referrals/{referralId}/accept", new { pathwayId, concernLevel = "Low" }))
        {
            await accepted.JsonAsync(HttpStatusCode.OK);
        }
        var referral = await Eventually.Until(
            async () => await manager.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{referralId}"),
            r => r.GetProperty("caseId").ValueKind == JsonValueKind.String, what: "the referral's case to open");
        var caseId = referral.Text("caseId")!;
        // The case is readable in Case once it has opened there.
        var etag = await Eventually.Until(async () =>
        {
            using var read = await manager.GetAsync($"api/cases/{caseId}");
            return read.IsSuccessStatusCode ? read.Headers.ETag?.Tag : null;
        }, tag => tag is not null, what: "the case to open in Case");

        using (var note = await manager.PostAsJsonAsync($"api/notes/cases/{caseId}/notes", new
        {
            type = "HomeVisit", body = "Went through the letters and bills together.", present = new[] { "Client" }, durationMinutes = 90,
        }))
        {
            await note.JsonAsync(HttpStatusCode.Created);
        }
        using var closed = await manager.PostJsonAsync($"api/cases/{caseId}/close",
            new { reason = "Goals achieved", outcomes = new[] { outcome }, summary = "Done." }, ("If-Match", etag!));
        await closed.JsonAsync(HttpStatusCode.OK);
    }

    private static string[] Row(JsonElement report, string section, string label)
    {
        var rows = report.GetProperty("sections").EnumerateArray()
            .Single(s => s.Text("title")!.StartsWith(section, StringComparison.Ordinal)).GetProperty("rows").EnumerateArray();
        return rows.Select(r => r.GetProperty("cells").EnumerateArray().Select(c => c.Text("display")!).ToArray())
            .FirstOrDefault(cells => cells[0] == label) ?? [];
    }
}
