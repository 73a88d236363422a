using Casework.Contracts;
using Casework.Domain;
using Casework.Intake.Domain;
using Casework.ServiceDefaults;

namespace Casework.Intake.Tests;

/// <summary>The referral lifecycle rules, without a store or HTTP.</summary>
public sealed class ReferralTests
{
    private static readonly DateTimeOffset Received = new(2025, 1, 6, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Received.AddHours(3);

    private static Referral NewReferral(string status = ReferralStatus.Received)
    {
        var person = new Person(Guid.NewGuid(), "Ada", "Lovelace", new DateOnly(1990, 12, 10), null, null, null, Received, "portal");
        var referral = Referral.Receive(person, ReferralSources.Partner, "portal", "Citizens Advice", "CA-1", "Facing eviction",
            "housing-support", ConcernLevels.Medium, new Consent(true, "housing", Received), "portal", Received);
        return status == ReferralStatus.Received ? referral : referral with { Status = status };
    }

    [Fact]
    public void A_received_referral_starts_its_history_with_who_received_it()
    {
        var referral = NewReferral();
        Assert.Equal(ReferralStatus.Received, referral.Status);
        Assert.Equal("Ada Lovelace", referral.PersonDisplayName);
        var entry = Assert.Single(referral.History);
        Assert.Equal(new ReferralTransition("", ReferralStatus.Received, "portal", null, Received), entry);
        Assert.Null(referral.CaseId);
        Assert.Null(referral.DecidedAt);
    }

    [Theory]
    [InlineData(ReferralStatus.Received)]
    [InlineData(ReferralStatus.Screening)]
    public void An_open_referral_can_be_accepted_onto_a_pathway(string status)
    {
        var referral = NewReferral(status);
        var accepted = referral.Accept("housing-support", ConcernLevels.High, [], "worker-1", Later);

        Assert.Equal(ReferralStatus.Accepted, accepted.Status);
        Assert.Equal("housing-support", accepted.PathwayId);
        Assert.Equal(ConcernLevels.High, accepted.ConcernLevel);
        Assert.Equal(Later, accepted.DecidedAt);
        Assert.Equal(referral.History.Count + 1, accepted.History.Count);
        Assert.Equal(new ReferralTransition(status, ReferralStatus.Accepted, "worker-1", null, Later), accepted.History[^1]);
        Assert.Equal(status, referral.Status); // the original is unchanged
    }

    [Fact]
    public void Accepting_without_a_concern_level_keeps_the_submitted_one()
    {
        var accepted = NewReferral().Accept("housing-support", null, [], "worker-1", Later);
        Assert.Equal(ConcernLevels.Medium, accepted.ConcernLevel);
    }

    [Theory]
    [InlineData(ReferralStatus.Received)]
    [InlineData(ReferralStatus.Screening)]
    public void An_open_referral_can_be_declined_with_a_reason(string status)
    {
        var declined = NewReferral(status).Decline("Outside our area", "worker-2", Later);

        Assert.Equal(ReferralStatus.Declined, declined.Status);
        Assert.Equal("Outside our area", declined.DeclineReason);
        Assert.Equal(Later, declined.DecidedAt);
        Assert.Null(declined.PathwayId);
        Assert.Equal(new ReferralTransition(status, ReferralStatus.Declined, "worker-2", "Outside our area", Later), declined.History[^1]);
    }

    [Theory]
    [InlineData(ReferralStatus.Accepted)]
    [InlineData(ReferralStatus.Declined)]
    [InlineData(ReferralStatus.Withdrawn)]
    public void A_decided_referral_cannot_be_decided_again(string status)
    {
        var referral = NewReferral(status);
        Assert.Throws<DomainRuleException>(() => referral.Accept("housing-support", null, [], "worker-1", Later));
        Assert.Throws<DomainRuleException>(() => referral.Decline("No", "worker-1", Later));
    }

    [Fact]
    public void Deciding_twice_fails_and_the_first_decision_stands()
    {
        var declined = NewReferral().Decline("Outside our area", "worker-2", Later);
        var error = Assert.Throws<DomainRuleException>(() => declined.Accept("housing-support", null, [], "worker-1", Later));
        Assert.Contains(ReferralStatus.Declined, error.Message);
        Assert.Equal(2, declined.History.Count);
    }

    [Fact]
    public void Linking_a_case_is_idempotent_and_changes_nothing_else()
    {
        var accepted = NewReferral().Accept("housing-support", null, [], "worker-1", Later);
        var caseId = Guid.NewGuid();

        var once = accepted.LinkCase(caseId);
        var twice = once.LinkCase(caseId);

        Assert.Equal(caseId, once.CaseId);
        Assert.Equal(once, twice);
        Assert.Equal(accepted with { CaseId = caseId }, once);
        Assert.Equal(accepted.History.Count, twice.History.Count);
    }

    [Theory]
    [InlineData("Low", true)]
    [InlineData("Critical", true)]
    [InlineData("critical", false)]
    [InlineData("Severe", false)]
    [InlineData(null, false)]
    public void Only_the_four_concern_levels_are_valid(string? value, bool valid) =>
        Assert.Equal(valid, Referral.IsConcernLevel(value));

    [Fact]
    public void Screening_starts_only_from_received_and_a_screened_referral_can_still_be_decided()
    {
        var screening = NewReferral().StartScreening("worker-1", Later);
        Assert.Equal(ReferralStatus.Screening, screening.Status);
        Assert.Equal(new ReferralTransition(ReferralStatus.Received, ReferralStatus.Screening, "worker-1", null, Later), screening.History[^1]);
        Assert.Throws<DomainRuleException>(() => screening.StartScreening("worker-1", Later));
        Assert.Equal(ReferralStatus.Accepted, screening.Accept("housing-support", null, [], "worker-1", Later).Status);
    }

    [Theory]
    [InlineData(ReferralStatus.Received)]
    [InlineData(ReferralStatus.Screening)]
    public void An_undecided_referral_can_be_withdrawn_with_a_reason(string status)
    {
        var withdrawn = NewReferral(status).Withdraw("Found housing elsewhere", "portal", Later);
        Assert.Equal(ReferralStatus.Withdrawn, withdrawn.Status);
        Assert.Equal("Found housing elsewhere", withdrawn.History[^1].Reason);
        Assert.Equal(Later, withdrawn.DecidedAt);
    }

    [Theory]
    [InlineData(ReferralStatus.Accepted)]
    [InlineData(ReferralStatus.Declined)]
    [InlineData(ReferralStatus.Withdrawn)]
    public void A_decided_referral_cannot_be_withdrawn_or_screened(string status)
    {
        Assert.Throws<DomainRuleException>(() => NewReferral(status).Withdraw("Too late", "portal", Later));
        Assert.Throws<DomainRuleException>(() => NewReferral(status).StartScreening("worker-1", Later));
    }

    // ---- the screening checklist

    private static readonly IReadOnlyList<ScreeningQuestion> Checklist =
    [
        new("in-area", "Lives in the region?", QuestionKinds.YesNo, true, []),
        new("need", "Kind of need", QuestionKinds.Choice, false, ["eviction", "homeless"]),
    ];

    private static Screening Answered(string pathwayId, params (string Id, string Answer)[] answers)
    {
        var byId = answers.ToDictionary(a => a.Id, a => a.Answer);
        return new Screening(pathwayId, 2, byId, ScreeningChecklist.Unanswered(Checklist, byId).Count == 0, "worker-1", Later);
    }

    [Fact]
    public void Accepting_onto_a_pathway_needs_its_required_screening_questions_answered_for_that_pathway()
    {
        var unscreened = Assert.Throws<DomainInputException>(() => NewReferral().Accept("housing-support", null, Checklist, "worker-1", Later));
        Assert.Equal("screening.answers.in-area", unscreened.Field);

        // Answers for another pathway do not count.
        var otherPathway = NewReferral().RecordScreening(Answered("employment-programme", ("in-area", "yes")));
        Assert.Throws<DomainInputException>(() => otherPathway.Accept("housing-support", null, Checklist, "worker-1", Later));

        // The optional question may stay unanswered.
        var screened = NewReferral(ReferralStatus.Screening).RecordScreening(Answered("housing-support", ("in-area", "yes")));
        Assert.True(screened.Screening!.Complete);
        var accepted = screened.Accept("housing-support", null, Checklist, "worker-1", Later);
        Assert.Equal(ReferralStatus.Accepted, accepted.Status);
        Assert.Equal("yes", accepted.Screening!.Answers["in-area"]);
    }

    [Fact]
    public void Screening_answers_are_recorded_only_before_the_decision_and_the_same_answers_change_nothing()
    {
        var screened = NewReferral().RecordScreening(Answered("housing-support", ("need", "eviction")));
        Assert.False(screened.Screening!.Complete);
        Assert.Equal(ReferralStatus.Received, screened.Status); // answering is not a status change
        Assert.Same(screened, screened.RecordScreening(Answered("housing-support", ("need", "eviction"))));
        Assert.Throws<DomainRuleException>(() => NewReferral(ReferralStatus.Declined).RecordScreening(Answered("housing-support", ("in-area", "no"))));
    }

    [Fact]
    public void Screening_answers_are_checked_against_the_checklist()
    {
        var problems = ScreeningChecklist.Problems(Checklist, new Dictionary<string, string> { ["in-area"] = "Y", ["need"] = "debt", ["pets"] = "2" })
            .ToDictionary(p => p.QuestionId, p => p.Message);
        Assert.Contains("yes or no", problems["in-area"]);
        Assert.Contains("eviction, homeless", problems["need"]);
        Assert.Contains("Not a question", problems["pets"]);
        Assert.Empty(ScreeningChecklist.Problems(Checklist, new Dictionary<string, string> { ["in-area"] = "no", ["need"] = "homeless" }));
    }
}
