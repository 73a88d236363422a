using Casework.Contracts.Events;
using Casework.Reporting.Domain;
using Xunit;

namespace Casework.Reporting.Tests;

/// <summary>
/// The read models' rules for every event the dashboard uses: whatever the arrival order, and with every event delivered
/// twice, a case or referral ends the same; the counters events carry (case version, assignment sequence) decide, not clocks.
/// </summary>
public sealed class ProjectionRuleTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid CaseId = Guid.NewGuid();
    private static readonly Guid ReferralId = Guid.NewGuid();

    private static CaseOpened Opened(DateOnly? review = null) =>
        new(CaseId, ReferralId, Guid.NewGuid(), "housing-support", "housing", "Medium", T0, review ?? new DateOnly(2026, 4, 1));

    private static CaseReport Fold(IEnumerable<object> events) => events.Aggregate(CaseReport.Empty(CaseId), (report, e) => e switch
    {
        CaseOpened o => report.Apply(o, Utc),
        CaseClosed c => report.Apply(c, Utc),
        CaseReopened r => report.Apply(r),
        ConcernLevelChanged l => report.Apply(l),
        ReviewScheduled s => report.Apply(s),
        CaseStageChanged s => report.Apply(s),
        CaseAssigned a => report.Apply(a),
        CaseUnassigned u => report.Apply(u),
        NoteAdded n => report.Apply(n),
        _ => throw new ArgumentException(e.GetType().Name),
    });

    [Fact]
    public void A_closure_arriving_before_the_opening_ends_closed_with_its_facts()
    {
        var closed = new CaseClosed(CaseId, "housing-support", "Housed", ["secure-tenancy"], "u1", T0.AddDays(30), CaseVersion: 6);

        var report = Fold([closed, Opened()]);

        Assert.Equal(CaseStatus.Closed, report.Status);
        Assert.Equal(T0, report.OpenedAt);
        Assert.Equal(T0.AddDays(30), report.ClosedAt);
        Assert.Equal(["secure-tenancy"], report.Outcomes);
        Assert.Equal("2026-W10", report.OpenedWeek);
        Assert.Equal("2026-04", report.ClosedMonth);
    }

    [Fact]
    public void Closure_and_reopening_are_ordered_by_case_version_not_by_their_clocks()
    {
        // The reopening's replica clock is behind: its time is earlier, but it is the later change (version 5).
        var closed = new CaseClosed(CaseId, "housing-support", "Housed", [], "u1", T0.AddDays(3), CaseVersion: 4);
        var reopened = new CaseReopened(CaseId, "Lost the tenancy", "u1", T0.AddDays(2), CaseVersion: 5);

        Assert.Equal(CaseStatus.Open, Fold([Opened(), closed, reopened]).Status);
        Assert.Equal(CaseStatus.Open, Fold([reopened, Opened(), closed]).Status);
        Assert.Equal(T0.AddDays(3), Fold([reopened, closed]).ClosedAt);
    }

    [Fact]
    public void A_late_concern_change_with_a_lower_case_version_does_not_win()
    {
        var raised = new ConcernLevelChanged(CaseId, "housing", "Medium", "High", "u1", "Risk", T0.AddHours(1), CaseVersion: 2);
        var critical = new ConcernLevelChanged(CaseId, "housing", "High", "Critical", "u1", "Worse", T0.AddMinutes(30), CaseVersion: 3);

        Assert.Equal("Critical", Fold([Opened(), critical, raised]).ConcernLevel);
        Assert.Equal("Critical", Fold([critical, raised, Opened()]).ConcernLevel);
        Assert.Equal("Medium", Fold([Opened()]).ConcernLevel);
        Assert.Equal("High", Fold([raised, Opened()]).ConcernLevel);
    }

    [Fact]
    public void The_next_review_is_the_latest_scheduled_by_case_version_and_the_opening_gives_the_first()
    {
        var rescheduled = new ReviewScheduled(CaseId, new DateOnly(2026, 5, 1), T0.AddDays(20), CaseVersion: 4);
        var stale = new ReviewScheduled(CaseId, new DateOnly(2026, 4, 15), T0.AddDays(21), CaseVersion: 3);

        Assert.Equal(new DateOnly(2026, 4, 1), Fold([Opened()]).NextReviewOn);
        Assert.Equal(new DateOnly(2026, 5, 1), Fold([rescheduled, stale, Opened()]).NextReviewOn);
        Assert.Equal(new DateOnly(2026, 5, 1), Fold([Opened(), stale, rescheduled]).NextReviewOn);
    }

    [Fact]
    public void Assignment_follows_the_highest_sequence_and_an_overtaken_unassignment_does_not_empty_it()
    {
        var assigned = new CaseAssigned(CaseId, "w1", "Worker One", "housing", T0.AddMinutes(1), Sequence: 1);
        var released = new CaseUnassigned(CaseId, "w1", "Away", T0.AddHours(1), "housing", Sequence: 2);
        var reassigned = new CaseAssigned(CaseId, "w2", "Worker Two", "housing", T0.AddHours(1), Sequence: 3);

        var report = Fold([reassigned, released, assigned, Opened()]);
        Assert.Equal("w2", report.WorkerId);
        Assert.Equal("Worker Two", report.WorkerName);
        Assert.False(report.IsUnassigned);

        var waiting = Fold([Opened(), released, assigned]);
        Assert.Null(waiting.WorkerId);
        Assert.True(waiting.IsUnassigned);
    }

    [Fact]
    public void A_case_opens_in_intake_and_the_latest_stage_change_wins()
    {
        var assessing = new CaseStageChanged(CaseId, "Intake", "Assessment", "u1", null, T0.AddDays(1));
        var active = new CaseStageChanged(CaseId, "Assessment", "Active", "u1", null, T0.AddDays(2));

        Assert.Equal("Intake", Fold([Opened()]).Stage);
        Assert.Equal("Active", Fold([active, Opened(), assessing]).Stage);
        Assert.Equal("Active", Fold([Opened(), assessing, active]).Stage);
    }

    [Fact]
    public void First_contact_is_the_earliest_note_by_when_it_happened()
    {
        var later = new NoteAdded(Guid.NewGuid(), CaseId, "w1", "Visit", false, T0.AddDays(3), T0.AddDays(2), 60);
        var earlier = new NoteAdded(Guid.NewGuid(), CaseId, "w1", "Phone", false, T0.AddDays(4), T0.AddDays(1), 15);

        Assert.Equal(T0.AddDays(1), Fold([Opened(), later, earlier]).FirstContactAt);
        Assert.Equal(T0.AddDays(1), Fold([earlier, later, Opened()]).FirstContactAt);
    }

    [Fact]
    public void Every_order_with_every_event_twice_ends_in_the_same_case()
    {
        object[] events =
        [
            Opened(),
            new CaseStageChanged(CaseId, "Intake", "Active", "u1", null, T0.AddDays(1)),
            new ConcernLevelChanged(CaseId, "housing", "Medium", "High", "u1", "Risk", T0.AddDays(1), CaseVersion: 2),
            new ReviewScheduled(CaseId, new DateOnly(2026, 6, 1), T0.AddDays(2), CaseVersion: 3),
            new CaseAssigned(CaseId, "w1", "Worker One", "housing", T0.AddMinutes(1), Sequence: 1),
            new CaseAssigned(CaseId, "w2", "Worker Two", "housing", T0.AddDays(2), Sequence: 2),
            new NoteAdded(Guid.NewGuid(), CaseId, "w2", "Visit", false, T0.AddDays(3), T0.AddDays(3), 45),
            new CaseClosed(CaseId, "housing-support", "Housed", ["secure-tenancy"], "u1", T0.AddDays(10), CaseVersion: 4),
            new CaseReopened(CaseId, "Back", "u1", T0.AddDays(12), CaseVersion: 5),
            new CaseClosed(CaseId, "housing-support", "Housed again", ["secure-tenancy"], "u1", T0.AddDays(20), CaseVersion: 6),
        ];
        var expected = Fold(events);
        Assert.Equal(CaseStatus.Closed, expected.Status);
        Assert.Equal("Housed again", expected.ClosureReason);

        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var shuffled = events.Concat(events).OrderBy(_ => random.Next()).ToList();
            var report = Fold(shuffled);
            Assert.Equal(expected with { Outcomes = null }, report with { Outcomes = null });
            Assert.Equal(expected.Outcomes, report.Outcomes);
        }
    }

    [Fact]
    public void A_referral_keeps_its_decision_deadline_and_week_and_learns_its_case_in_any_order()
    {
        var due = T0.AddDays(5);
        var received = new ReferralReceived(ReferralId, Guid.NewGuid(), "partner", "partner-shelter", "housing-support", T0, due);
        var opened = Opened();

        var inOrder = ReferralReport.Empty(ReferralId).Apply(received, Utc).Apply(opened);
        var reversed = ReferralReport.Empty(ReferralId).Apply(opened).Apply(received, Utc).Apply(opened);

        Assert.Equal(inOrder, reversed);
        Assert.Equal(due, inOrder.DecisionDueAt);
        Assert.Equal(CaseId, inOrder.CaseId);
        Assert.Equal("2026-W10", inOrder.ReceivedWeek);
        Assert.Equal("2026-03", inOrder.ReceivedMonth);
    }

    [Fact]
    public void Note_facts_keep_type_minutes_and_when_it_happened_and_an_amendment_can_only_restrict()
    {
        var added = new NoteAdded(Guid.NewGuid(), CaseId, "w1", "Visit", false, T0.AddHours(2), T0, 90);
        var fact = NoteFact.From(added, Utc);

        Assert.Equal(("Visit", 90, T0, "2026-W10"), (fact.Type, fact.Minutes, fact.HappenedAt, fact.HappenedWeek));
        Assert.True(fact.Apply(new NoteAmended(added.NoteId, CaseId, "w1", T0.AddHours(3), null, 1, true)).Restricted);
        Assert.Same(fact, fact.Apply(new NoteAmended(added.NoteId, CaseId, "w1", T0.AddHours(3), "typo", 1, false)));
        // Events from before notes carried a duration or a time of their own count no minutes, at the time written.
        var old = NoteFact.From(new NoteAdded(Guid.NewGuid(), CaseId, "w1", "Phone", false, T0), Utc);
        Assert.Equal((0, T0), (old.Minutes, old.HappenedAt));
    }

    [Fact]
    public void Weeks_and_months_are_the_regions()
    {
        var sydney = TimeZoneInfo.FindSystemTimeZoneById("Australia/Sydney");
        // Sunday 2026-03-01 20:00 UTC is Monday morning in Sydney: week 10 there, week 9 in UTC; and 1 Jan 2027 is in 2026-W53.
        var at = new DateTimeOffset(2026, 3, 1, 20, 0, 0, TimeSpan.Zero);
        Assert.Equal("2026-W09", Periods.Week(at, Utc));
        Assert.Equal("2026-W10", Periods.Week(at, sydney));
        Assert.Equal("2026-W53", Periods.Week(new DateOnly(2027, 1, 1)));
        Assert.Equal(new DateOnly(2026, 3, 2), Periods.WeekStart(new DateOnly(2026, 3, 8)));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 13, 0, 0, TimeSpan.Zero), Periods.StartOf(new DateOnly(2026, 3, 2), sydney));
    }

    [Fact]
    public void Counters_decide_when_both_sides_have_one_and_time_otherwise()
    {
        Assert.True(Ordering.IsLater(1, T0, 0, null));
        Assert.True(Ordering.IsLater(3, T0, 2, T0.AddDays(1)));
        Assert.False(Ordering.IsLater(2, T0.AddDays(1), 3, T0));
        Assert.False(Ordering.IsLater(3, T0, 3, T0));
        Assert.True(Ordering.IsLater(0, T0.AddDays(1), 3, T0));
        Assert.False(Ordering.IsLater(0, T0, 3, T0));
    }
}
