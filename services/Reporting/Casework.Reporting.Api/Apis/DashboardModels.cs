using System.ComponentModel;

namespace Casework.Reporting.Apis;

/// <summary>How current a report is: the time of the last event applied, when it was applied, and whether a rebuild is running.</summary>
public sealed record Freshness(
    [property: Description("When the last event applied occurred (null: none yet). The report counts every event up to about this time.")] DateTimeOffset? AsOf,
    [property: Description("When Reporting applied its latest event.")] DateTimeOffset? LastAppliedAt,
    [property: Description("True while the read models are rebuilt from the event log: counts are then incomplete.")] bool Rebuilding);

/// <summary>A worker and how many open cases they are accountable for.</summary>
public sealed record WorkerCount(string WorkerId, string? WorkerName, long Count);

public sealed record OpenCases(
    long Total,
    IReadOnlyList<KeyCount> ByPathway,
    IReadOnlyList<KeyCount> ByStage,
    IReadOnlyList<KeyCount> ByConcernLevel,
    IReadOnlyList<WorkerCount> ByWorker,
    [property: Description("Open cases without an accountable worker (the teams' unassigned queues).")] long Unassigned);

public sealed record ReferralCounts(
    [property: Description("Every referral received (any status).")] long Received,
    long Accepted,
    long Declined,
    long Withdrawn,
    [property: Description("Received or in screening: waiting for a decision.")] long Undecided,
    [property: Description("Undecided past their decision deadline (decisionDueAt) now.")] long Overdue);

public sealed record ReviewCounts(
    [property: Description("Open cases whose next review is today or within the next 7 days (region's dates).")] long DueWithin7Days,
    [property: Description("Open cases whose next review date has passed.")] long Overdue);

/// <summary>One week ("2026-W05", ISO) or month ("2026-01") of activity, by the region's calendar.</summary>
public sealed record PeriodCounts(string Period, long CasesOpened, long CasesClosed, long ReferralsReceived);

public sealed record Trends(IReadOnlyList<PeriodCounts> Weeks, IReadOnlyList<PeriodCounts> Months);

public sealed record Dashboard(
    [property: Description("The time of the last event applied (see freshness).")] DateTimeOffset? AsOf,
    DateTimeOffset? LastAppliedAt,
    bool Rebuilding,
    [property: Description("The region's date the due and overdue figures are counted at.")] DateOnly Today,
    string? TeamId,
    string? PathwayId,
    OpenCases OpenCases,
    ReferralCounts Referrals,
    ReviewCounts Reviews,
    Trends Trends);
