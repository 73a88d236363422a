using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Reporting.Apis;
using Casework.Reporting.Domain;
using Casework.Reporting.Projections;
using Casework.Testing;
using Xunit;

namespace Casework.Reporting.Tests;

/// <summary>Events published on the real broker end in the dashboard's rows, the event log and the rebuilt read models.</summary>
[Collection(ReportingCollection.Name)]
public sealed class DashboardTests(ReportingFixture fixture)
{
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private sealed record TeamWorld(string Team, string Housing, string Employment, Guid[] Cases, Guid[] Referrals);

    /// <summary>
    /// One team with two pathways: four referrals (one accepted, one declined, one withdrawn, one undecided and overdue) and
    /// four cases: two open and assigned, one open in the unassigned queue with its review overdue, one closed.
    /// </summary>
    private async Task<TeamWorld> TeamWithActivityAsync()
    {
        var team = ReportingFixture.Unique("team");
        var housing = ReportingFixture.Unique("housing");
        var employment = ReportingFixture.Unique("employment");
        await fixture.DeliverAsync(new PathwayPublished(housing, 1, "Housing", team, true, "admin", Now));
        await fixture.DeliverAsync(new PathwayPublished(employment, 2, "Employment", team, true, "admin", Now));
        var referrals = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        foreach (var (id, i) in referrals.Select((id, i) => (id, i)))
        {
            var due = i == 3 ? Now.AddHours(-1) : Now.AddDays(5);
            await fixture.DeliverAsync(new ReferralReceived(id, Guid.NewGuid(), "partner", "partner-shelter", housing, Now, due));
        }
        await fixture.DeliverAsync(new ReferralAccepted(referrals[0], Guid.NewGuid(), "A Person", housing, "High", "u1", Now));
        await fixture.DeliverAsync(new ReferralDeclined(referrals[1], "Out of area", "u1", Now));
        await fixture.DeliverAsync(new ReferralWithdrawn(referrals[2], "Housed elsewhere", "portal", Now));

        var cases = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        await fixture.DeliverAsync(new CaseOpened(cases[0], referrals[0], Guid.NewGuid(), housing, team, "High", Now, Today.AddDays(3)));
        await fixture.DeliverAsync(new CaseOpened(cases[1], Guid.NewGuid(), Guid.NewGuid(), housing, team, "Low", Now, Today.AddDays(30)));
        await fixture.DeliverAsync(new CaseOpened(cases[2], Guid.NewGuid(), Guid.NewGuid(), employment, team, "Medium", Now, Today.AddDays(-1)));
        await fixture.DeliverAsync(new CaseOpened(cases[3], Guid.NewGuid(), Guid.NewGuid(), employment, team, "Medium", Now, Today.AddDays(-5)));
        await fixture.DeliverAsync(new CaseAssigned(cases[0], "w-ana", "Ana Worker", team, Now, Sequence: 1));
        await fixture.DeliverAsync(new CaseAssigned(cases[1], "w-ana", "Ana Worker", team, Now, Sequence: 1));
        await fixture.DeliverAsync(new CaseStageChanged(cases[1], "Intake", "Active", "u1", null, Now));
        await fixture.DeliverAsync(new CaseClosed(cases[3], employment, "Employed", ["job-started"], "u1", Now, CaseVersion: 3));
        await fixture.DeliverAsync(new NoteAdded(Guid.NewGuid(), cases[0], "w-ana", "Visit", false, Now, Now.AddHours(-2), 60));
        return new TeamWorld(team, housing, employment, cases, referrals);
    }

    private async Task<Dashboard> DashboardAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/reporting/dashboard{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Dashboard>())!;
    }

    [Fact]
    public async Task The_dashboard_counts_a_teams_open_cases_referrals_reviews_queue_and_trends()
    {
        var world = await TeamWithActivityAsync();
        using var manager = fixture.Staff("manager");

        var dashboard = await DashboardAsync(manager, $"?teamId={world.Team}");

        var open = dashboard.OpenCases;
        Assert.Equal(3, open.Total);
        Assert.Equal(2, open.ByPathway.Of(world.Housing));
        Assert.Equal(1, open.ByPathway.Of(world.Employment));
        Assert.Equal(2, open.ByStage.Of("Intake"));
        Assert.Equal(1, open.ByStage.Of("Active"));
        Assert.Equal((1, 1, 1), (open.ByConcernLevel.Of("High"), open.ByConcernLevel.Of("Low"), open.ByConcernLevel.Of("Medium")));
        Assert.Equal([new WorkerCount("w-ana", "Ana Worker", 2)], open.ByWorker);
        Assert.Equal(1, open.Unassigned);
        Assert.Equal(new ReferralCounts(Received: 4, Accepted: 1, Declined: 1, Withdrawn: 1, Undecided: 1, Overdue: 1), dashboard.Referrals);
        Assert.Equal(new ReviewCounts(DueWithin7Days: 1, Overdue: 1), dashboard.Reviews);

        Assert.Equal(DashboardApi.TrendPeriods, dashboard.Trends.Weeks.Count);
        Assert.Equal(new PeriodCounts(Periods.Week(Today), 4, 1, 4), dashboard.Trends.Weeks[^1]);
        Assert.All(dashboard.Trends.Weeks.SkipLast(1), w => Assert.Equal((0, 0, 0), (w.CasesOpened, w.CasesClosed, w.ReferralsReceived)));
        Assert.Equal(new PeriodCounts(Periods.Month(Today), 4, 1, 4), dashboard.Trends.Months[^1]);
        Assert.Equal(Periods.Month(Today.AddMonths(-11)), dashboard.Trends.Months[0].Period);

        var housingOnly = await DashboardAsync(manager, $"?teamId={world.Team}&pathwayId={world.Housing}");
        Assert.Equal(2, housingOnly.OpenCases.Total);
        Assert.Equal(0, housingOnly.OpenCases.Unassigned);
        Assert.Equal(4, housingOnly.Referrals.Received);
    }

    [Fact]
    public async Task Every_report_says_how_current_it_is_and_every_event_is_logged_as_published()
    {
        var messageId = Guid.NewGuid();
        var occurredAt = Now;
        var opened = new CaseOpened(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "p", ReportingFixture.Unique("team"), "Low", occurredAt);
        var before = DateTimeOffset.UtcNow;
        await fixture.DeliverAsync(opened, messageId);

        using var auditor = fixture.Staff("auditor");
        var dashboard = await DashboardAsync(auditor, "");
        Assert.NotNull(dashboard.AsOf);
        Assert.True(dashboard.AsOf >= occurredAt.AddMilliseconds(-1), $"asOf {dashboard.AsOf:O} is before the last event {occurredAt:O}");
        Assert.True(dashboard.LastAppliedAt >= before.AddMilliseconds(-1));
        Assert.False(dashboard.Rebuilding);
        var freshness = (await auditor.GetFromJsonAsync<Freshness>("/api/reporting/freshness"))!;
        Assert.Equal(dashboard.AsOf, freshness.AsOf);
        var summary = await fixture.SummaryAsync(auditor, "/api/reporting/cases/summary");
        Assert.True(summary.AsOf >= occurredAt.AddMilliseconds(-1));
        Assert.NotNull(summary.LastAppliedAt);

        var logged = (await fixture.Store.GetAsync<EventLogEntry>(messageId.ToString()))!.Document;
        Assert.Equal(nameof(CaseOpened), logged.Type);
        Assert.Equal(occurredAt, logged.OccurredAt, TimeSpan.FromMilliseconds(1));
        Assert.Equal(opened, logged.ToEvent());
        Assert.Equal(opened.TeamId, logged.Payload.GetProperty("teamId").GetString());
    }

    [Fact]
    public async Task Supervisors_see_only_their_teams_and_others_are_refused()
    {
        var world = await TeamWithActivityAsync();
        var other = await TeamWithActivityAsync();

        using var supervisor = fixture.Staff("supervisor", world.Team);
        var own = await DashboardAsync(supervisor, "");
        Assert.Equal(3, own.OpenCases.Total);
        Assert.Equal(4, own.Referrals.Received);
        Assert.Equal(0, own.OpenCases.ByPathway.Of(other.Housing));
        Assert.Equal(3, (await DashboardAsync(supervisor, $"?teamId={world.Team}")).OpenCases.Total);

        var forbidden = await supervisor.GetAsync($"/api/reporting/dashboard?teamId={other.Team}");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);

        using var caseworker = fixture.Staff("caseworker", world.Team);
        Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.GetAsync("/api/reporting/dashboard")).StatusCode);
        using var partner = fixture.Factory.CreateClient(TestTokens.Partner("partner-shelter", [ReportingFixture.Audience], ReportingFixture.Scope));
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync("/api/reporting/dashboard")).StatusCode);

        using var manager = fixture.Staff("manager");
        var blank = await manager.GetAsync("/api/reporting/dashboard?pathwayId=%20");
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        Assert.Contains("\"pathwayId\"", await blank.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync("/api/reporting/rebuild", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsync("/api/reporting/rebuild", null)).StatusCode);
    }

    [Fact]
    public async Task A_rebuild_from_the_log_reproduces_the_same_read_models()
    {
        var world = await TeamWithActivityAsync();
        using var manager = fixture.Staff("manager");
        var before = await DashboardAsync(manager, $"?teamId={world.Team}");
        var casesBefore = await JsonOfAsync<CaseReport>(world.Cases);
        var referralsBefore = await JsonOfAsync<ReferralReport>(world.Referrals);

        using var admin = fixture.Staff("admin");
        var response = await admin.PostAsync("/api/reporting/rebuild", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<RebuildResult>())!;
        Assert.True(result.EventsReplayed >= 21, $"replayed {result.EventsReplayed}");

        Assert.Equal(casesBefore, await JsonOfAsync<CaseReport>(world.Cases));
        Assert.Equal(referralsBefore, await JsonOfAsync<ReferralReport>(world.Referrals));
        var after = await DashboardAsync(manager, $"?teamId={world.Team}");
        Assert.Equal(JsonSerializer.Serialize(before with { LastAppliedAt = null }), JsonSerializer.Serialize(after with { LastAppliedAt = null }));
        var state = (await fixture.Store.GetAsync<ReportingState>(ReportingState.Id))!.Document;
        Assert.False(state.Rebuilding);
        Assert.Equal(result.EventsReplayed, state.EventsReplayed);
    }

    [Fact]
    public async Task Events_arriving_during_a_rebuild_are_all_applied()
    {
        var team = ReportingFixture.Unique("team");
        var pathway = ReportingFixture.Unique("pathway");
        var cases = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        using var admin = fixture.Staff("admin");

        // Half before, half while the rebuild runs (published as it starts): none may be lost or half-applied.
        foreach (var id in cases.Take(20))
        {
            await fixture.DeliverAsync(new CaseOpened(id, Guid.NewGuid(), Guid.NewGuid(), pathway, team, "Low", Now));
        }
        var rebuild = admin.PostAsync("/api/reporting/rebuild", null);
        var arriving = Task.WhenAll(cases.Skip(20).Select(id =>
            fixture.PublishAsync(new CaseOpened(id, Guid.NewGuid(), Guid.NewGuid(), pathway, team, "Low", Now))));
        Assert.Equal(HttpStatusCode.OK, (await rebuild).StatusCode);
        await arriving;

        using var manager = fixture.Staff("manager");
        var dashboard = await Eventually.Until(() => DashboardAsync(manager, $"?teamId={team}"), d => d.OpenCases.Total >= 40,
            what: "40 open cases after the rebuild");
        Assert.Equal(40, dashboard.OpenCases.Total);
        Assert.Equal(40, dashboard.Trends.Weeks[^1].CasesOpened);
        foreach (var id in cases)
        {
            Assert.Equal(pathway, (await fixture.Store.GetAsync<CaseReport>(id.ToString()))!.Document.PathwayId);
        }
    }

    [Fact]
    public async Task While_a_rebuild_holds_the_consumers_events_wait_in_the_queue_and_a_second_rebuild_is_refused()
    {
        var gate = (ProjectionGate)fixture.Factory.Services.GetService(typeof(ProjectionGate))!;
        var caseId = Guid.NewGuid();
        using (await gate.TryHoldAsync(CancellationToken.None))
        {
            using var admin = fixture.Staff("admin");
            Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync("/api/reporting/rebuild", null)).StatusCode);

            await fixture.PublishAsync(new CaseOpened(caseId, Guid.NewGuid(), Guid.NewGuid(), "p", ReportingFixture.Unique("team"), "Low", Now));
            await Task.Delay(500);
            Assert.Null(await fixture.Store.GetAsync<CaseReport>(caseId.ToString()));
        }
        await fixture.DocumentAsync<CaseReport>(caseId, c => c.OpenedAt is not null);
    }

    private async Task<List<string>> JsonOfAsync<T>(IEnumerable<Guid> ids) where T : class
    {
        var all = new List<string>();
        foreach (var id in ids)
        {
            var stored = await fixture.Store.GetAsync<T>(id.ToString());
            all.Add(JsonSerializer.Serialize(stored?.Document, DocumentJson.Options));
        }
        return all;
    }
}
