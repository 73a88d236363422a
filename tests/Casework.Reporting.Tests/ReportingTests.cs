using System.Net;
using Casework.Contracts.Events;
using Casework.Reporting.Domain;
using Casework.Testing;
using Xunit;

namespace Casework.Reporting.Tests;

[Collection(ReportingCollection.Name)]
public sealed class ReportingTests(ReportingFixture fixture)
{
    private static ReferralReceived Received(Guid id, string pathway, string partner = "partner-shelter") =>
        new(id, Guid.NewGuid(), "partner", partner, pathway, DateTimeOffset.UtcNow);

    private static ReferralAccepted Accepted(Guid id, string pathway) =>
        new(id, Guid.NewGuid(), "A Person", pathway, "Medium", "u1", DateTimeOffset.UtcNow);

    private static CaseOpened Opened(Guid id, string pathway, string team) =>
        new(id, Guid.NewGuid(), Guid.NewGuid(), pathway, team, "High", DateTimeOffset.UtcNow);

    [Fact]
    public async Task Referral_counts_change_after_events()
    {
        using var manager = fixture.Staff("manager");
        var pathway = ReportingFixture.Unique("pathway");
        var before = await fixture.SummaryAsync(manager, "/api/reporting/referrals/summary");
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var third = Guid.NewGuid();

        await fixture.DeliverAsync(Received(first, pathway));
        await fixture.DeliverAsync(Received(second, pathway));
        await fixture.DeliverAsync(Received(third, pathway));
        await fixture.DeliverAsync(Accepted(second, pathway));
        await fixture.DeliverAsync(new ReferralDeclined(third, "Out of area", "u1", DateTimeOffset.UtcNow));

        var after = await fixture.SummaryAsync(manager, "/api/reporting/referrals/summary");
        Assert.Equal(before.Total + 3, after.Total);
        Assert.Equal(3, after.ByPathway.Of(pathway));
        Assert.Equal(before.ByStatus.Of(ReferralStatus.Received) + 1, after.ByStatus.Of(ReferralStatus.Received));
        Assert.Equal(before.ByStatus.Of(ReferralStatus.Accepted) + 1, after.ByStatus.Of(ReferralStatus.Accepted));
        Assert.Equal(before.ByStatus.Of(ReferralStatus.Declined) + 1, after.ByStatus.Of(ReferralStatus.Declined));
    }

    [Fact]
    public async Task Screening_and_withdrawal_move_a_referrals_status_and_a_late_screening_never_reopens_it()
    {
        using var manager = fixture.Staff("manager");
        var pathway = ReportingFixture.Unique("pathway");
        var screened = Guid.NewGuid();
        var withdrawn = Guid.NewGuid();

        await fixture.DeliverAsync(Received(screened, pathway));
        await fixture.DeliverAsync(new ReferralScreeningStarted(screened, "u1", DateTimeOffset.UtcNow));
        await fixture.DeliverAsync(Received(withdrawn, pathway));
        await fixture.DeliverAsync(new ReferralWithdrawn(withdrawn, "Found housing elsewhere", "portal", DateTimeOffset.UtcNow));
        await fixture.DeliverAsync(new ReferralScreeningStarted(withdrawn, "u1", DateTimeOffset.UtcNow.AddMinutes(-1)));

        Assert.Equal("Screening", (await fixture.DocumentAsync<ReferralReport>(screened, _ => true)).Status);
        var report = await fixture.DocumentAsync<ReferralReport>(withdrawn, _ => true);
        Assert.Equal("Withdrawn", report.Status);
        Assert.NotNull(report.DecidedAt);
    }

    [Fact]
    public async Task Case_counts_change_after_events_for_the_team()
    {
        using var manager = fixture.Staff("manager");
        var team = ReportingFixture.Unique("team");
        var housing = ReportingFixture.Unique("pathway");
        var employment = ReportingFixture.Unique("pathway");
        var closing = Guid.NewGuid();
        var reopening = Guid.NewGuid();

        await fixture.DeliverAsync(Opened(Guid.NewGuid(), housing, team));
        await fixture.DeliverAsync(Opened(closing, housing, team));
        await fixture.DeliverAsync(Opened(reopening, employment, team));
        var opened = await fixture.SummaryAsync(manager, $"/api/reporting/cases/summary?teamId={team}");
        Assert.Equal(3, opened.Total);
        Assert.Equal(3, opened.ByStatus.Of(CaseStatus.Open));

        await fixture.DeliverAsync(new CaseClosed(closing, housing, "Done", ["housed"], "u1", DateTimeOffset.UtcNow));
        await fixture.DeliverAsync(new CaseClosed(reopening, employment, "Done", [], "u1", DateTimeOffset.UtcNow));
        await fixture.DeliverAsync(new CaseReopened(reopening, "Lost the job", "u1", DateTimeOffset.UtcNow.AddSeconds(1)));
        await fixture.DeliverAsync(new CaseAssigned(reopening, "w1", "Worker One", team, DateTimeOffset.UtcNow));

        var after = await fixture.SummaryAsync(manager, $"/api/reporting/cases/summary?teamId={team}");
        Assert.Equal(3, after.Total);
        Assert.Equal(2, after.ByStatus.Of(CaseStatus.Open));
        Assert.Equal(1, after.ByStatus.Of(CaseStatus.Closed));
        Assert.Equal(2, after.ByPathway.Of(housing));
        Assert.Equal(1, after.ByPathway.Of(employment));
        var report = await fixture.DocumentAsync<CaseReport>(reopening, r => r.WorkerId is not null);
        Assert.Equal("w1", report.WorkerId);
        Assert.Equal("High", report.ConcernLevel);
    }

    [Fact]
    public async Task Accepted_arriving_before_received_ends_accepted()
    {
        using var manager = fixture.Staff("manager");
        var requested = ReportingFixture.Unique("pathway");
        var accepted = ReportingFixture.Unique("pathway");
        var before = await fixture.SummaryAsync(manager, "/api/reporting/referrals/summary");
        var id = Guid.NewGuid();

        await fixture.DeliverAsync(Accepted(id, accepted));
        await fixture.DocumentAsync<ReferralReport>(id, r => r.Status == ReferralStatus.Accepted);
        await fixture.DeliverAsync(Received(id, requested, "partner-jobcentre"));

        var report = await fixture.DocumentAsync<ReferralReport>(id, r => r.PartnerClientId is not null);
        Assert.Equal(ReferralStatus.Accepted, report.Status);
        Assert.Equal("partner-jobcentre", report.PartnerClientId);
        Assert.Equal(requested, report.RequestedPathwayId);
        var after = await fixture.SummaryAsync(manager, "/api/reporting/referrals/summary");
        Assert.Equal(before.ByStatus.Of(ReferralStatus.Accepted) + 1, after.ByStatus.Of(ReferralStatus.Accepted));
        Assert.Equal(before.ByStatus.Of(ReferralStatus.Received), after.ByStatus.Of(ReferralStatus.Received));
        Assert.Equal(1, after.ByPathway.Of(accepted));
        Assert.Equal(0, after.ByPathway.Of(requested));
    }

    [Fact]
    public async Task Received_and_accepted_arriving_together_for_many_referrals_all_end_accepted()
    {
        var pathway = ReportingFixture.Unique("pathway");
        var ids = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToList();

        // Both first events of each referral race to insert its document; the loser retries as an update.
        await Task.WhenAll(ids.SelectMany(id => new[]
        {
            fixture.PublishAsync(Accepted(id, pathway)),
            fixture.PublishAsync(Received(id, pathway)),
        }));

        foreach (var id in ids)
        {
            var report = await fixture.DocumentAsync<ReferralReport>(id, r => r.PartnerClientId is not null && r.AcceptedPathwayId is not null);
            Assert.Equal(ReferralStatus.Accepted, report.Status);
        }
        using var auditor = fixture.Staff("auditor");
        Assert.Equal(12, (await fixture.SummaryAsync(auditor, "/api/reporting/referrals/summary")).ByPathway.Of(pathway));
    }

    [Fact]
    public async Task A_duplicate_delivery_counts_once()
    {
        using var manager = fixture.Staff("manager");
        var pathway = ReportingFixture.Unique("pathway");
        var team = ReportingFixture.Unique("team");
        var referralMessage = Guid.NewGuid();
        var caseMessage = Guid.NewGuid();
        var referral = Received(Guid.NewGuid(), pathway);
        var opened = Opened(Guid.NewGuid(), pathway, team);

        await fixture.DeliverAsync(referral, referralMessage);
        await fixture.DeliverAsync(referral, referralMessage);
        await fixture.DeliverAsync(opened, caseMessage);
        await fixture.DeliverAsync(opened, caseMessage);

        Assert.Equal(2, fixture.Consumed.Count<ReferralReceived>(referralMessage));
        Assert.Equal(1, (await fixture.SummaryAsync(manager, "/api/reporting/referrals/summary")).ByPathway.Of(pathway));
        var cases = await fixture.SummaryAsync(manager, $"/api/reporting/cases/summary?teamId={team}");
        Assert.Equal(1, cases.Total);
        Assert.Equal(1, (await fixture.Store.GetAsync<ReferralReport>(referral.ReferralId.ToString()))!.Version);
    }

    [Fact]
    public async Task Supervisors_only_see_their_teams_cases()
    {
        var mine = ReportingFixture.Unique("team");
        var theirs = ReportingFixture.Unique("team");
        var pathway = ReportingFixture.Unique("pathway");
        await fixture.DeliverAsync(Opened(Guid.NewGuid(), pathway, mine));
        await fixture.DeliverAsync(Opened(Guid.NewGuid(), pathway, mine));
        await fixture.DeliverAsync(Opened(Guid.NewGuid(), pathway, theirs));

        using var supervisor = fixture.Staff("supervisor", mine);
        var all = await fixture.SummaryAsync(supervisor, "/api/reporting/cases/summary");
        Assert.Equal(2, all.Total);
        Assert.Equal(2, all.ByPathway.Of(pathway));
        var filtered = await fixture.SummaryAsync(supervisor, $"/api/reporting/cases/summary?teamId={mine}");
        Assert.Equal(2, filtered.Total);
        var other = await supervisor.GetAsync($"/api/reporting/cases/summary?teamId={theirs}");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);

        using var manager = fixture.Staff("manager");
        Assert.Equal(1, (await fixture.SummaryAsync(manager, $"/api/reporting/cases/summary?teamId={theirs}")).Total);
        Assert.Equal(3, (await fixture.SummaryAsync(manager, "/api/reporting/cases/summary")).ByPathway.Of(pathway));
    }

    [Fact]
    public async Task Partners_caseworkers_and_anonymous_callers_are_refused()
    {
        using var partner = fixture.Factory.CreateClient(TestTokens.Partner("partner-shelter", [ReportingFixture.Audience], ReportingFixture.Scope));
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync("/api/reporting/referrals/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync("/api/reporting/cases/summary")).StatusCode);

        using var caseworker = fixture.Staff("caseworker", "housing");
        Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.GetAsync("/api/reporting/cases/summary")).StatusCode);

        using var noScope = fixture.Factory.CreateClient(TestTokens.Staff("u1", "Manager", ["manager"], [], [ReportingFixture.Audience], "intake"));
        Assert.Equal(HttpStatusCode.Forbidden, (await noScope.GetAsync("/api/reporting/referrals/summary")).StatusCode);

        using var anonymous = fixture.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/reporting/referrals/summary")).StatusCode);
    }

    [Fact]
    public async Task A_blank_team_filter_is_a_validation_problem()
    {
        using var manager = fixture.Staff("manager");
        var response = await manager.GetAsync("/api/reporting/cases/summary?teamId=%20");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"teamId\"", await response.Content.ReadAsStringAsync());
    }
}
