extern alias CaseApi;

using Casework.Contracts;
using Casework.Domain;
using Casework.ServiceDefaults;
using CaseApi::Casework.Case.Domain;

namespace Casework.Case.Tests;

/// <summary>The case lifecycle's rules (transitions, required information, review cadence), without a store or HTTP.</summary>
public sealed class CaseLifecycleRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    private static readonly Pathway Housing = new("housing-support", "Housing Support", "housing", true)
    {
        Version = 3,
        Stages =
        [
            new StageRule(CaseStage.Intake, [StageRequirements.AssignedWorker]),
            new StageRule(CaseStage.Assessment, [StageRequirements.AssessmentComplete]),
            new StageRule(CaseStage.Active, [StageRequirements.SupportPlan]),
            new StageRule(CaseStage.Review, [StageRequirements.ReviewRecorded]),
        ],
        AssessmentQuestions =
        [
            new Question("situation", "Housing situation", QuestionKinds.Choice, true, ["rough-sleeping", "private-rented"]),
            new Question("dependants", "Dependent children", QuestionKinds.Number, true),
            new Question("eviction-date", "Eviction date", QuestionKinds.Date, false),
            new Question("in-area", "Lives in the area", QuestionKinds.YesNo, false),
        ],
        ReviewCadenceDays = new ReviewCadence(Low: 90, Medium: 56, High: 28, Critical: 7),
        Outcomes = [new Outcome("secured-tenancy", "Secured a tenancy"), new Outcome("disengaged", "Disengaged")],
    };

    private static SupportCase Open(string concern = "Medium") =>
        SupportCase.Open(Guid.NewGuid(), Guid.NewGuid(), "Ada Lovelace", Housing, concern, "intake-worker", Now, Today);

    /// <summary>A case that met every requirement up to the Active stage.</summary>
    private static SupportCase Active() => Open()
        .AssignTo("alice", "Alice", Now)
        .MoveTo(CaseStage.Assessment, null, Housing, "alice", Now)
        .RecordAssessment(new Dictionary<string, string> { ["situation"] = "private-rented", ["dependants"] = "2" }, Housing, "alice", Now)
        .MoveTo(CaseStage.Active, "assessed", Housing, "alice", Now);

    private static Goal NewGoal(string description = "Find a tenancy") =>
        new(Guid.NewGuid(), description, Today.AddDays(60), GoalStatus.InProgress, [], [], "alice", Now);

    [Fact]
    public void A_new_case_follows_the_pathway_version_it_opened_on_with_its_first_review_due_by_the_cadence()
    {
        var opened = Open("High");
        Assert.Equal((3, CaseStage.Intake, CaseStatus.Open), (opened.PathwayVersion, opened.Stage, opened.Status));
        Assert.Equal(Today.AddDays(28), opened.NextReviewOn);
    }

    [Theory]
    [InlineData(CaseStage.Active)]
    [InlineData(CaseStage.Review)]
    [InlineData(CaseStage.Closed)]
    public void A_case_cannot_skip_stages(string stage)
    {
        var opened = Open().AssignTo("alice", "Alice", Now);
        var refused = Assert.Throws<DomainRuleException>(() => opened.MoveTo(stage, null, Housing, "alice", Now));
        Assert.Contains($"from Intake to {stage}", refused.Message);
    }

    [Fact]
    public void Leaving_a_stage_needs_what_the_pathway_requires_and_says_what_is_missing()
    {
        var opened = Open();
        var refused = Assert.Throws<DomainRuleException>(() => opened.MoveTo(CaseStage.Assessment, null, Housing, "sam", Now));
        Assert.Equal([StageRequirements.AssignedWorker], refused.Missing);

        var assessing = opened.AssignTo("alice", "Alice", Now).MoveTo(CaseStage.Assessment, "ready", Housing, "alice", Now);
        Assert.Equal(CaseStage.Assessment, assessing.Stage);
        Assert.Equal([StageRequirements.AssessmentComplete], assessing.MissingToLeave(Housing));

        // One of two required answers is not enough.
        var partly = assessing.RecordAssessment(new Dictionary<string, string> { ["situation"] = "rough-sleeping" }, Housing, "alice", Now);
        Assert.Throws<DomainRuleException>(() => partly.MoveTo(CaseStage.Active, null, Housing, "alice", Now));

        var complete = partly.RecordAssessment(new Dictionary<string, string> { ["situation"] = "rough-sleeping", ["dependants"] = "0" }, Housing, "alice", Now);
        Assert.Empty(complete.MissingToLeave(Housing));
        var active = complete.MoveTo(CaseStage.Active, null, Housing, "alice", Now);
        Assert.Equal(CaseStage.Active, active.Stage);
        Assert.Equal("StageChanged", active.Timeline[^1].What);
        Assert.Equal("Assessment → Active", active.Timeline[^1].Detail);
    }

    [Fact]
    public void A_stage_without_rules_on_the_pathway_can_be_left_freely()
    {
        var lenient = Housing with { Stages = [] };
        var opened = SupportCase.Open(Guid.NewGuid(), Guid.NewGuid(), "Ada", lenient, "Low", "x", Now, Today);
        Assert.Equal(CaseStage.Assessment, opened.MoveTo(CaseStage.Assessment, null, lenient, "x", Now).Stage);
    }

    [Fact]
    public void A_review_is_required_to_return_from_review_to_support_and_must_be_one_recorded_in_that_stage()
    {
        var active = Active().AddGoal(NewGoal(), "alice", Now);
        var early = active.RecordReview("Going well", null, Housing, "alice", Now, Today); // a review before the Review stage does not count
        var inReview = early.MoveTo(CaseStage.Review, null, Housing, "alice", Now.AddDays(1));
        Assert.Equal([StageRequirements.ReviewRecorded], inReview.MissingToLeave(Housing));

        var reviewed = inReview.RecordReview("Tenancy offered", null, Housing, "alice", Now.AddDays(2), Today.AddDays(2));
        Assert.Equal(CaseStage.Active, reviewed.MoveTo(CaseStage.Active, null, Housing, "alice", Now.AddDays(2)).Stage);
    }

    [Fact]
    public void Moving_to_the_stage_a_case_is_in_changes_nothing()
    {
        var active = Active();
        Assert.Same(active, active.MoveTo(CaseStage.Active, null, Housing, "x", Now));
    }

    [Fact]
    public void Raising_concern_brings_the_review_forward_and_lowering_it_keeps_the_date()
    {
        var medium = Open("Medium");
        Assert.Equal(Today.AddDays(56), medium.NextReviewOn);

        var later = Now.AddDays(10);
        var critical = medium.ChangeConcern("Critical", "Threat of violence", Housing, "sam", later, Today.AddDays(10));
        Assert.Equal(Today.AddDays(17), critical.NextReviewOn); // 10 days later + 7
        Assert.Equal(4, critical.ConcernRank);
        var change = Assert.Single(critical.ConcernHistory);
        Assert.Equal(("Medium", "Critical", "Threat of violence", "sam"), (change.From, change.To, change.Reason, change.By));

        var lowered = critical.ChangeConcern("Low", "Moved to a refuge", Housing, "sam", later.AddDays(1), Today.AddDays(11));
        Assert.Equal(critical.NextReviewOn, lowered.NextReviewOn);
        Assert.Equal(2, lowered.ConcernHistory.Count);
    }

    [Fact]
    public void Raising_concern_never_pushes_an_earlier_review_back()
    {
        var medium = Open("Medium").RecordReview("Check in soon", Today.AddDays(3), Housing, "alice", Now, Today);
        var high = medium.ChangeConcern("High", "Arrears growing", Housing, "alice", Now, Today);
        Assert.Equal(Today.AddDays(3), high.NextReviewOn);
    }

    [Fact]
    public void The_next_review_must_be_after_today_and_within_the_cadence()
    {
        var high = Open("High");
        Assert.Equal(Today.AddDays(28), high.RecordReview("ok", null, Housing, "alice", Now, Today).NextReviewOn);
        Assert.Equal(Today.AddDays(10), high.RecordReview("ok", Today.AddDays(10), Housing, "alice", Now, Today).NextReviewOn);

        var tooLate = Assert.Throws<DomainInputException>(() => high.RecordReview("ok", Today.AddDays(29), Housing, "alice", Now, Today));
        Assert.Equal("nextReviewOn", tooLate.Field);
        Assert.Contains("every 28 days", tooLate.Message);
        Assert.Equal("nextReviewOn", Assert.Throws<DomainInputException>(() => high.RecordReview("ok", Today, Housing, "alice", Now, Today)).Field);
    }

    [Fact]
    public void Pausing_needs_a_future_resume_date_and_resuming_needs_a_paused_case()
    {
        var open = Open();
        Assert.Equal("expectedResumeOn", Assert.Throws<DomainInputException>(() => open.PauseUntil(Today, "Hospital", "alice", Now, Today)).Field);
        Assert.Throws<DomainRuleException>(() => open.Resume(null, "alice", Now));

        var paused = open.PauseUntil(Today.AddDays(14), "Hospital stay", "alice", Now, Today);
        Assert.Equal(CaseStatus.Paused, paused.Status);
        Assert.Equal(Today.AddDays(14), paused.Pause!.ExpectedResumeOn);
        Assert.Throws<DomainRuleException>(() => paused.PauseUntil(Today.AddDays(20), "again", "alice", Now, Today));

        var resumed = paused.Resume("Discharged", "alice", Now.AddDays(10));
        Assert.Equal((CaseStatus.Open, (Pause?)null), (resumed.Status, resumed.Pause));
        Assert.Equal(["Opened", "Paused", "Resumed"], resumed.Timeline.Select(t => t.What));
    }

    [Fact]
    public void Goals_record_actions_progress_and_their_result()
    {
        var goal = NewGoal();
        var planned = Active().AddGoal(goal, "alice", Now);
        var action = new GoalAction(Guid.NewGuid(), "Register with the council", "Ada", Today.AddDays(7));
        var withAction = planned.AddAction(goal.Id, action, "alice", Now);
        var done = withAction.CompleteAction(goal.Id, action.Id, "alice", Now.AddDays(3));
        Assert.Equal(Now.AddDays(3), done.Goals[0].Actions[0].DoneAt);
        Assert.Same(done, done.CompleteAction(goal.Id, action.Id, "alice", Now.AddDays(4)));

        var achieved = done.RecordProgress(goal.Id, "Tenancy signed", GoalStatus.Achieved, "alice", Now.AddDays(30));
        Assert.Equal(GoalStatus.Achieved, achieved.Goals[0].Status);
        Assert.Equal("Tenancy signed", achieved.Goals[0].Progress[^1].Note);
        Assert.Contains("InProgress → Achieved", achieved.Timeline[^1].Detail);

        Assert.Throws<DomainNotFoundException>(() => achieved.RecordProgress(Guid.NewGuid(), "?", null, "alice", Now));
        Assert.Throws<DomainNotFoundException>(() => achieved.CompleteAction(goal.Id, Guid.NewGuid(), "alice", Now));
    }

    [Fact]
    public void A_plan_is_bounded_so_a_case_stays_readable()
    {
        var planned = Enumerable.Range(0, SupportCase.MaxGoals).Aggregate(Active(), (c, i) => c.AddGoal(NewGoal($"Goal {i}"), "alice", Now));
        var tooMany = Assert.Throws<DomainRuleException>(() => planned.AddGoal(NewGoal(), "alice", Now));
        Assert.Contains("at most 50 goals in progress", tooMany.Message);

        // A finished goal makes room.
        var first = planned.Goals[0].Id;
        var finished = planned.RecordProgress(first, "Done", GoalStatus.Achieved, "alice", Now);
        Assert.Equal(SupportCase.MaxGoals + 1, finished.AddGoal(NewGoal(), "alice", Now).Goals.Count);

        var busy = Enumerable.Range(1, SupportCase.MaxProgressPerGoal - 1).Aggregate(finished, (c, i) => c.RecordProgress(first, $"note {i}", null, "alice", Now));
        Assert.Throws<DomainRuleException>(() => busy.RecordProgress(first, "one more", null, "alice", Now));
    }

    [Fact]
    public void Closing_needs_outcomes_of_the_pathways_framework()
    {
        var active = Active();
        var unknown = Assert.Throws<DomainInputException>(() => active.Close("Done", ["got-a-job"], "Summary", Housing, "alice", Now));
        Assert.Equal("outcomes", unknown.Field);
        Assert.Contains("got-a-job", unknown.Message);
        Assert.Equal("outcomes", Assert.Throws<DomainInputException>(() => active.Close("Done", [], "Summary", Housing, "alice", Now)).Field);

        var closed = active.Close("Goals achieved", ["secured-tenancy"], "Housed in March", Housing, "alice", Now);
        Assert.Equal((CaseStatus.Closed, CaseStage.Closed, (DateOnly?)null), (closed.Status, closed.Stage, closed.NextReviewOn));
        Assert.Equal(("Goals achieved", CaseStage.Active), (closed.Closure!.Reason, closed.Closure.ClosedFromStage));
    }

    [Fact]
    public void A_closed_case_is_read_only_until_reopened_into_the_stage_it_left()
    {
        var closed = Active().Close("Disengaged", ["disengaged"], "No contact for 8 weeks", Housing, "alice", Now);
        Assert.Throws<DomainRuleException>(() => closed.ChangeConcern("High", "x", Housing, "alice", Now, Today));
        Assert.Throws<DomainRuleException>(() => closed.AddGoal(NewGoal(), "alice", Now));
        Assert.Throws<DomainRuleException>(() => closed.RecordReview("x", null, Housing, "alice", Now, Today));
        Assert.Throws<DomainRuleException>(() => closed.PauseUntil(Today.AddDays(5), "x", "alice", Now, Today));
        Assert.Throws<DomainRuleException>(() => closed.MoveTo(CaseStage.Review, null, Housing, "alice", Now));
        Assert.Throws<DomainRuleException>(() => closed.Close("again", ["disengaged"], "x", Housing, "alice", Now));
        Assert.Throws<DomainRuleException>(() => Active().Reopen("not closed", Housing, "alice", Now, Today));

        var reopened = closed.Reopen("Back in touch", Housing, "sam", Now.AddDays(20), Today.AddDays(20));
        Assert.Equal((CaseStatus.Open, CaseStage.Active, (Closure?)null), (reopened.Status, reopened.Stage, reopened.Closure));
        Assert.Equal(Today.AddDays(20 + 56), reopened.NextReviewOn);
        Assert.Equal("Reopened", reopened.Timeline[^1].What);
        // The closure's outcomes stay with the case as evidence.
        Assert.Equal(["disengaged"], Assert.Single(reopened.PastClosures).Outcomes);
    }

    [Theory]
    [InlineData("situation", "sofa", "Answer one of")]
    [InlineData("dependants", "two", "Answer a number")]
    [InlineData("eviction-date", "03/04/2026", "YYYY-MM-DD")]
    [InlineData("in-area", "Y", "yes or no")]
    [InlineData("favourite-colour", "blue", "Not a question")]
    [InlineData("situation", " ", "cannot be blank")]
    public void Answers_are_checked_against_each_questions_kind(string question, string answer, string problem)
    {
        var (id, message) = Assert.Single(Answers.Problems(Housing.AssessmentQuestions, new Dictionary<string, string> { [question] = answer }));
        Assert.Equal(question, id);
        Assert.Contains(problem, message);
    }

    [Fact]
    public void Well_formed_answers_have_no_problems() =>
        Assert.Empty(Answers.Problems(Housing.AssessmentQuestions, new Dictionary<string, string>
        {
            ["situation"] = "rough-sleeping", ["dependants"] = "1.5", ["eviction-date"] = "2026-04-03", ["in-area"] = "no",
        }));

    [Fact]
    public void Recording_the_same_answers_again_changes_nothing()
    {
        var answers = new Dictionary<string, string> { ["situation"] = "rough-sleeping", ["dependants"] = "0" };
        var assessed = Open().RecordAssessment(answers, Housing, "alice", Now);
        Assert.Same(assessed, assessed.RecordAssessment(new Dictionary<string, string>(answers), Housing, "alice", Now));
        Assert.Equal(3, assessed.Assessment!.PathwayVersion);
    }
}

/// <summary>The region's calendar decides which day it is (review and resume dates), not UTC.</summary>
public sealed class RegionCalendarTests
{
    [Fact]
    public void Late_evening_UTC_is_already_tomorrow_in_a_region_ahead_of_UTC_and_not_in_UTC()
    {
        var lateJulyEvening = new DateTimeOffset(2026, 7, 1, 23, 30, 0, TimeSpan.Zero);
        var london = new Casework.ServiceDefaults.RegionCalendar(TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        Assert.Equal(new DateOnly(2026, 7, 2), london.Today(lateJulyEvening)); // BST: 00:30 on the 2nd
        Assert.Equal(new DateOnly(2026, 7, 1), Casework.ServiceDefaults.RegionCalendar.Utc.Today(lateJulyEvening));
        Assert.Equal(new DateOnly(2026, 12, 1), london.Today(new DateTimeOffset(2026, 12, 1, 23, 30, 0, TimeSpan.Zero))); // GMT in winter
    }
}
