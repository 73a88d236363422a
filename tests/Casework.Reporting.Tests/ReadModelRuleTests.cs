using Casework.Contracts.Events;
using Casework.Reporting.Domain;
using Xunit;

namespace Casework.Reporting.Tests;

/// <summary>The merge rules of the read models, without any server: any order of events ends the same.</summary>
public sealed class ReadModelRuleTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid ReferralId = Guid.NewGuid();
    private static readonly Guid CaseId = Guid.NewGuid();

    private static ReferralReceived Received => new(ReferralId, Guid.NewGuid(), "partner", "partner-shelter", "housing-support", T0);
    private static ReferralAccepted Accepted => new(ReferralId, Guid.NewGuid(), "A Person", "employment-programme", "High", "u1", T0.AddHours(1));
    private static ReferralDeclined Declined => new(ReferralId, "Not eligible", "u1", T0.AddHours(1));

    [Fact]
    public void Status_rank_only_moves_forward()
    {
        Assert.True(ReferralStatus.Rank(ReferralStatus.Received) < ReferralStatus.Rank(ReferralStatus.Accepted));
        Assert.Equal(ReferralStatus.Accepted, ReferralStatus.Advance(ReferralStatus.Accepted, ReferralStatus.Received));
        Assert.Equal(ReferralStatus.Declined, ReferralStatus.Advance(ReferralStatus.Declined, ReferralStatus.Accepted));
        Assert.Equal(ReferralStatus.Received, ReferralStatus.Advance("", ReferralStatus.Received));
    }

    [Fact]
    public void Accepted_before_received_ends_accepted_with_every_field()
    {
        var inOrder = ReferralReport.Empty(ReferralId).Apply(Received, Utc).Apply(Accepted);
        var reversed = ReferralReport.Empty(ReferralId).Apply(Accepted).Apply(Received, Utc);

        Assert.Equal(inOrder, reversed);
        Assert.Equal(ReferralStatus.Accepted, reversed.Status);
        Assert.Equal("partner-shelter", reversed.PartnerClientId);
        Assert.Equal("housing-support", reversed.RequestedPathwayId);
        Assert.Equal("employment-programme", reversed.PathwayId);
    }

    [Fact]
    public void A_received_referral_counts_under_its_requested_pathway_and_a_declined_one_stays_declined()
    {
        var received = ReferralReport.Empty(ReferralId).Apply(Received, Utc);
        Assert.Equal("housing-support", received.PathwayId);

        var declined = received.Apply(Declined).Apply(Received, Utc);
        Assert.Equal(ReferralStatus.Declined, declined.Status);
        Assert.Equal(ReferralStatus.Declined, declined.Apply(Accepted).Status);
        Assert.Null(declined.Apply(Accepted).AcceptedPathwayId);
    }

    [Fact]
    public void Applying_an_event_again_changes_nothing()
    {
        var once = ReferralReport.Empty(ReferralId).Apply(Received, Utc).Apply(Accepted);
        Assert.Equal(once, once.Apply(Accepted).Apply(Received, Utc));

        var opened = new CaseOpened(CaseId, ReferralId, Guid.NewGuid(), "housing-support", "housing", "Medium", T0);
        var report = CaseReport.Empty(CaseId).Apply(opened, Utc);
        Assert.Equal(report, report.Apply(opened, Utc));
    }

    [Fact]
    public void Case_status_follows_the_latest_event_whatever_the_arrival_order()
    {
        var opened = new CaseOpened(CaseId, ReferralId, Guid.NewGuid(), "housing-support", "housing", "Medium", T0);
        var closed = new CaseClosed(CaseId, "housing-support", "Done", [], "u1", T0.AddDays(1));
        var reopened = new CaseReopened(CaseId, "Came back", "u1", T0.AddDays(2));

        var closedFirst = CaseReport.Empty(CaseId).Apply(closed, Utc).Apply(opened, Utc);
        Assert.Equal(CaseStatus.Closed, closedFirst.Status);
        Assert.Equal("housing", closedFirst.TeamId);

        Assert.Equal(CaseStatus.Open, CaseReport.Empty(CaseId).Apply(opened, Utc).Apply(closed, Utc).Apply(reopened).Status);
        Assert.Equal(CaseStatus.Open, CaseReport.Empty(CaseId).Apply(reopened).Apply(closed, Utc).Apply(opened, Utc).Status);
    }

    [Fact]
    public void Assignment_and_concern_level_keep_the_latest_value()
    {
        var opened = new CaseOpened(CaseId, ReferralId, Guid.NewGuid(), "housing-support", "housing", "Medium", T0);
        var raised = new ConcernLevelChanged(CaseId, "housing", "Medium", "Critical", "u1", "Risk", T0.AddHours(2));
        var assigned = new CaseAssigned(CaseId, "w1", "Worker One", "housing", T0.AddMinutes(1));
        var reassigned = new CaseAssigned(CaseId, "w2", "Worker Two", "housing", T0.AddHours(3));

        var report = CaseReport.Empty(CaseId).Apply(reassigned).Apply(raised).Apply(assigned).Apply(opened, Utc);

        Assert.Equal(CaseStatus.Open, report.Status);
        Assert.Equal("Critical", report.ConcernLevel);
        Assert.Equal("w2", report.WorkerId);
        Assert.Equal("housing-support", report.PathwayId);
    }
}
