extern alias CaseApi;

using CaseApi::Casework.Case.Domain;

namespace Casework.Case.Tests;

/// <summary>Who may see a case, and the case's own rules, without a store or HTTP.</summary>
public sealed class CaseAccessTests
{
    private static readonly DateTimeOffset Now = new(2025, 2, 3, 10, 0, 0, TimeSpan.Zero);
    private static readonly Pathway Housing = new("housing-support", "Housing Support", "housing", true);

    private static SupportCase HousingCase() =>
        SupportCase.Open(Guid.NewGuid(), Guid.NewGuid(), "Ada Lovelace", Housing, "High", "intake-worker", Now, DateOnly.FromDateTime(Now.UtcDateTime));

    private static CaseViewer Viewer(bool staff = true, bool partner = false, bool seesAll = false, params string[] teams) =>
        new("user-1", staff, partner, seesAll, teams);

    [Fact]
    public void Staff_of_the_cases_team_may_see_it() =>
        Assert.True(CaseAccess.MaySee(HousingCase(), Viewer(teams: ["employment", "housing"])));

    [Fact]
    public void Staff_of_other_teams_may_not() =>
        Assert.False(CaseAccess.MaySee(HousingCase(), Viewer(teams: ["employment"])));

    [Fact]
    public void Staff_without_a_team_may_not() =>
        Assert.False(CaseAccess.MaySee(HousingCase(), Viewer()));

    [Fact]
    public void Region_wide_roles_may_see_every_team() =>
        Assert.True(CaseAccess.MaySee(HousingCase(), Viewer(seesAll: true)));

    [Fact]
    public void A_partner_never_may_even_with_the_team_or_region_wide_claims() =>
        Assert.False(CaseAccess.MaySee(HousingCase(), Viewer(staff: true, partner: true, seesAll: true, teams: ["housing"])));

    [Fact]
    public void Someone_who_is_not_staff_may_not_even_with_the_team() =>
        Assert.False(CaseAccess.MaySee(HousingCase(), Viewer(staff: false, teams: ["housing"])));

    [Fact]
    public void Team_names_match_exactly() =>
        Assert.False(CaseAccess.MaySee(HousingCase(), Viewer(teams: ["Housing", "housing-north"])));

    [Fact]
    public void A_case_opens_on_its_pathways_team_at_intake_with_a_timeline_entry()
    {
        var referralId = Guid.NewGuid();
        var opened = SupportCase.Open(referralId, Guid.NewGuid(), "Ada Lovelace", Housing, "High", "intake-worker", Now, DateOnly.FromDateTime(Now.UtcDateTime));

        Assert.Equal("housing", opened.TeamId);
        Assert.Equal("housing-support", opened.PathwayId);
        Assert.Equal(CaseStatus.Open, opened.Status);
        Assert.Equal(CaseStage.Intake, opened.Stage);
        Assert.Equal(referralId, opened.ReferralId);
        Assert.Null(opened.AssignedWorkerId);
        var entry = Assert.Single(opened.Timeline);
        Assert.Equal("Opened", entry.What);
        Assert.Equal("intake-worker", entry.By);
        Assert.Contains(referralId.ToString(), entry.Detail);
    }

    [Fact]
    public void Assigning_records_the_worker_once()
    {
        var opened = HousingCase();
        var assigned = opened.AssignTo("worker-1", "Wendy Worker", Now.AddHours(1));
        Assert.Equal("worker-1", assigned.AssignedWorkerId);
        Assert.Equal("Wendy Worker", assigned.AssignedWorkerName);
        Assert.Equal(2, assigned.Timeline.Count);
        Assert.Equal("Assigned", assigned.Timeline[^1].What);

        Assert.Same(assigned, assigned.AssignTo("worker-1", "Wendy Worker", Now.AddHours(2)));

        var reassigned = assigned.AssignTo("worker-2", "Walt Worker", Now.AddHours(3));
        Assert.Equal("worker-2", reassigned.AssignedWorkerId);
        Assert.Equal(3, reassigned.Timeline.Count);
    }

    [Fact]
    public void Assignment_changes_apply_in_their_sequence_whatever_order_they_arrive_in()
    {
        var opened = HousingCase();
        // Assigned to worker-1 (1), reassigned to worker-2 (2), put back in the queue (3), taken by worker-1 again (4).
        var latest = opened.AssignTo("worker-1", "Wendy", Now, sequence: 4, reason: "back from leave");
        Assert.Equal("worker-1", latest.AssignedWorkerId);
        Assert.Contains("back from leave", latest.Timeline[^1].Detail);

        // The overtaken ones change nothing, nor does a redelivery.
        Assert.Same(latest, latest.AssignTo("worker-2", "Walt", Now, sequence: 2));
        Assert.Same(latest, latest.Unassign("worker left", Now, sequence: 3));
        Assert.Same(latest, latest.AssignTo("worker-1", "Wendy", Now, sequence: 4));

        var queued = latest.Unassign("worker left", Now, sequence: 5);
        Assert.Null(queued.AssignedWorkerId);
        Assert.Equal(5, queued.AssignmentSequence);
        Assert.Equal("Unassigned", queued.Timeline[^1].What);
        // The same worker again after the queue is a change (a sequence, not the worker, decides).
        Assert.Equal("worker-1", queued.AssignTo("worker-1", "Wendy", Now, sequence: 6).AssignedWorkerId);

        // Unnumbered (sent before sequences), as Notes orders them too: a release of someone else changes nothing.
        var unnumbered = opened.AssignTo("worker-1", "Wendy", Now);
        Assert.Same(unnumbered, unnumbered.Unassign("worker left", Now, workerId: "worker-2"));
        Assert.Null(unnumbered.Unassign("worker left", Now, workerId: "worker-1").AssignedWorkerId);
    }
}
