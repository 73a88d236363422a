using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Casework.Contracts.Events;
using Casework.Reporting.Apis;
using Casework.Reporting.Federation;
using Casework.Reporting.Reports;
using Casework.Reporting.Rendering;
using Xunit;

namespace Casework.Reporting.Tests.Impact;

/// <summary>Events published on the real broker end in the impact report, its CSV zip and its HTML, suppressed alike.</summary>
[Collection(ReportingCollection.Name)]
public sealed class ImpactReportApiTests(ReportingFixture fixture)
{
    /// <summary>A past month of its own, so the report's figures are this test's only (with its team as the filter).</summary>
    private static readonly DateTimeOffset Day1 = new(2021, 2, 1, 9, 0, 0, TimeSpan.Zero);
    private const string Period = "from=2021-02-01&to=2021-02-28";

    private sealed record World(string Team, string Housing, string Money, string HousingName, string MoneyName);

    /// <summary>
    /// Housing: six referrals on day 1, cases opened on day 2, first contact 1..6 days after the referral (a 90-minute visit
    /// each), five closed 10..14 days after it as housed. Money advice: three cases, each contacted and closed (debt cleared).
    /// </summary>
    private async Task<World> WorldAsync()
    {
        var team = ReportingFixture.Unique("team");
        var world = new World(team, ReportingFixture.Unique("housing"), ReportingFixture.Unique("money"),
            ReportingFixture.Unique("Housing"), ReportingFixture.Unique("Money advice"));
        await fixture.DeliverAsync(new PathwayPublished(world.Housing, 1, world.HousingName, team, true, "admin", Day1.AddDays(-30),
            [new PathwayOutcome("housed", "Found a home")]));
        await fixture.DeliverAsync(new PathwayPublished(world.Money, 1, world.MoneyName, team, true, "admin", Day1.AddDays(-30),
            [new PathwayOutcome("debt-cleared", "Debt cleared")]));
        await CasesAsync(world.Housing, team, 6, closed: 5, "housed", closureDays: 10);
        await CasesAsync(world.Money, team, 3, closed: 3, "debt-cleared", closureDays: 20);
        return world;
    }

    private async Task CasesAsync(string pathway, string team, int count, int closed, string outcome, int closureDays)
    {
        for (var i = 0; i < count; i++)
        {
            var (referral, caseId, person) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            await fixture.DeliverAsync(new ReferralReceived(referral, person, "partner", "partner-shelter", pathway, Day1));
            await fixture.DeliverAsync(new ReferralAccepted(referral, person, "A Person", pathway, "Low", "u1", Day1.AddDays(1)));
            await fixture.DeliverAsync(new CaseOpened(caseId, referral, person, pathway, team, "Low", Day1.AddDays(1)));
            await fixture.DeliverAsync(new NoteAdded(Guid.NewGuid(), caseId, "w1", "Visit", false, Day1.AddDays(1 + i), Day1.AddDays(1 + i), 90));
            if (i < closed)
            {
                await fixture.DeliverAsync(new CaseClosed(caseId, pathway, "Done", [outcome], "u1", Day1.AddDays(closureDays + i), CaseVersion: 5));
            }
        }
    }

    private static string[] Row(ImpactReportView report, string section, string label) =>
        report.Sections.Single(s => s.Title.StartsWith(section, StringComparison.Ordinal))
            .Rows.Single(r => r.Cells[0].Display == label).Cells.Select(c => c.Display).ToArray();

    [Fact]
    public async Task The_report_shows_cases_outcomes_times_and_support_for_a_team_with_small_numbers_suppressed()
    {
        var world = await WorldAsync();
        using var manager = fixture.Staff("manager");

        var report = (await manager.GetFromJsonAsync<ImpactReportView>($"/api/reporting/impact?{Period}&teamId={world.Team}"))!;

        Assert.Equal(5, report.SuppressionThreshold);
        Assert.Equal("<5", report.SuppressionMarker);
        Assert.NotNull(report.AsOf);
        Assert.NotNull(report.LastAppliedAt);
        // Money advice's 3 are "<5"; housing's 6 the complement that would give them away from the total.
        Assert.Equal([world.MoneyName, "<5", "<5"], Row(report, "Cases opened", world.MoneyName));
        Assert.Equal([world.HousingName, "*", "*"], Row(report, "Cases opened", world.HousingName));
        Assert.Equal([ImpactReport.AllPathways, "9", "8"], Row(report, "Cases opened", ImpactReport.AllPathways));
        Assert.Equal(["Found a home", "5"], Row(report, $"Outcomes achieved: {world.HousingName}", "Found a home"));
        Assert.Equal(["Debt cleared", "<5"], Row(report, $"Outcomes achieved: {world.MoneyName}", "Debt cleared"));
        // Nearest rank over 1..6 days (median 3rd, 90th 6th) and 10..14 days (3rd and 5th); money advice's too few to show.
        Assert.Equal([world.HousingName, "*", "3.0", "6.0", "*", "12.0", "14.0"], Row(report, "Time from referral", world.HousingName));
        Assert.Equal([world.MoneyName, "<5", "*", "*", "<5", "*", "*"], Row(report, "Time from referral", world.MoneyName));
        // Overall: 1..6 and 1..3 to contact (median the 5th of 9: 3); 10..14 and 20..22 to closure (4th of 8: 13; 8th: 22).
        Assert.Equal([ImpactReport.AllPathways, "9", "3.0", "6.0", "8", "13.0", "22.0"], Row(report, "Time from referral", ImpactReport.AllPathways));
        Assert.Equal(["Visit", "9", "9", "13.5"], Row(report, "Support delivered", "Visit"));
        // The demographics of the 9 people the team's cases supported: none of them has told Intake their age here.
        Assert.Equal(["Not recorded", "9"], Row(report, "People supported by age", "Not recorded"));
        Assert.Equal(["Total", "9"], Row(report, "People supported by age", "Total"));
        Assert.Equal(["Not recorded", "9"], Row(report, "People supported by gender", "Not recorded"));

        var onePathway = (await manager.GetFromJsonAsync<ImpactReportView>($"/api/reporting/impact?{Period}&teamId={world.Team}&pathwayId={world.Housing}"))!;
        Assert.Equal([world.HousingName, "6", "5"], Row(onePathway, "Cases opened", world.HousingName));
        Assert.Equal(["Visit", "6", "6", "9.0"], Row(onePathway, "Support delivered", "Visit"));

        var empty = (await manager.GetFromJsonAsync<ImpactReportView>($"/api/reporting/impact?from=2021-03-01&to=2021-03-31&teamId={world.Team}"))!;
        Assert.Equal([ImpactReport.AllPathways, "0", "0"], Row(empty, "Cases opened", ImpactReport.AllPathways));
    }

    [Fact]
    public async Task The_csv_zip_and_the_html_carry_the_same_suppressed_report_and_the_html_fetches_nothing()
    {
        var world = await WorldAsync();
        using var supervisor = fixture.Staff("supervisor", world.Team);

        var csv = await supervisor.GetAsync($"/api/reporting/impact.csv?{Period}");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("application/zip", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal("impact-report-2021-02-01-to-2021-02-28.zip", csv.Content.Headers.ContentDisposition?.FileNameStar ?? csv.Content.Headers.ContentDisposition?.FileName);
        using var zip = new ZipArchive(await csv.Content.ReadAsStreamAsync());
        Assert.Contains(zip.Entries, e => e.Name == "about.csv");
        var cases = zip.Entries.Single(e => e.Name.StartsWith("01-", StringComparison.Ordinal));
        using var reader = new StreamReader(cases.Open(), Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        Assert.Contains($"{world.MoneyName},<5,<5", text);
        Assert.Contains($"{ImpactReport.AllPathways},9,8", text);

        var html = await supervisor.GetAsync($"/api/reporting/impact.html?{Period}&teamId={world.Team}");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".html", html.Content.Headers.ContentDisposition?.FileNameStar ?? html.Content.Headers.ContentDisposition?.FileName);
        var page = await html.Content.ReadAsStringAsync();
        Assert.Contains("Found a home", page);
        Assert.Contains("&lt;5", page);
        Assert.Contains("<svg", page);
        foreach (var external in new[] { "src=", "href=", "@import", "<script", "<link", "<img" })
        {
            Assert.DoesNotContain(external, page, StringComparison.OrdinalIgnoreCase);
        }
        // Patterns fill from the document itself (url(#id)); a namespace URI names, it fetches nothing.
        Assert.DoesNotMatch(@"url\((?!#)", page);
        Assert.DoesNotMatch(@"(?<!xmlns(:\w+)?="")(https?:)?//", page);
    }

    [Theory]
    [InlineData("to=2021-02-28", "from")]
    [InlineData("from=2021-02-01", "to")]
    [InlineData("from=2021-02-30&to=2021-03-01", "from")]
    [InlineData("from=2021-02-10&to=2021-02-01", "to")]
    [InlineData("from=2018-01-01&to=2021-02-28", "to")]
    [InlineData("from=2021-02-02&to=2021-02-28", "from")]
    [InlineData("from=2021-02-01&to=2021-02-27", "to")]
    [InlineData("from=1999-12-01&to=2000-01-31", "from")]
    [InlineData("from=2021-01-01&to=9999-12-31", "to")]
    [InlineData("from=2021-02-01&to=2021-02-28&teamId=%20", "teamId")]
    public async Task Bad_periods_and_blank_filters_answer_400_naming_the_field(string query, string field)
    {
        using var manager = fixture.Staff("manager");
        foreach (var path in new[] { "/api/reporting/impact", "/api/reporting/impact.csv", "/api/reporting/impact.html" })
        {
            var response = await manager.GetAsync($"{path}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains($"\"{field}\"", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Supervisors_see_their_teams_only_and_caseworkers_none()
    {
        var world = await WorldAsync();
        using var stranger = fixture.Staff("supervisor", ReportingFixture.Unique("team"));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/api/reporting/impact?{Period}&teamId={world.Team}")).StatusCode);
        var own = (await stranger.GetFromJsonAsync<ImpactReportView>($"/api/reporting/impact?{Period}"))!;
        Assert.Equal([ImpactReport.AllPathways, "0", "0"], Row(own, "Cases opened", ImpactReport.AllPathways));

        using var caseworker = fixture.Staff("caseworker", world.Team);
        Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.GetAsync($"/api/reporting/impact.html?{Period}")).StatusCode);
        using var auditor = fixture.Staff("auditor");
        var region = (await auditor.GetFromJsonAsync<ImpactReportView>($"/api/reporting/impact?{Period}"))!;
        Assert.Contains(region.Sections[0].Rows, r => r.Cells[0].Display == world.HousingName);
    }

    [Fact]
    public async Task The_regional_source_for_federation_is_the_same_report_for_the_whole_region_before_suppression()
    {
        var world = await WorldAsync();
        var source = (IRegionalReportSource)fixture.Factory.Services.GetService(typeof(IRegionalReportSource))!;

        var report = await source.BuildAsync(ReportPeriod.Of(new DateOnly(2021, 2, 1), new DateOnly(2021, 2, 28)), CancellationToken.None);

        Assert.Equal(ImpactReport.Title, report.Title);
        var money = report.Sections[0].Rows.Single(r => r.Cells[0] is TextCell t && t.Text == world.MoneyName);
        Assert.Equal([new CountCell(3), new CountCell(3)], money.Cells.Skip(1)); // raw: the rollup suppresses
    }
}
