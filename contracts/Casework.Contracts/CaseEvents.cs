namespace Casework.Contracts.Events;

/// <summary>
/// A case was opened (from an accepted referral) on a pathway owned by a team. <paramref name="NextReviewOn"/> is its first
/// review date (also announced by ReviewScheduled at case version 1): a consumer that keeps review dates takes it from here,
/// so the two events of one opening never race to create the same record.
/// </summary>
public sealed record CaseOpened(
    Guid CaseId,
    Guid ReferralId,
    Guid PersonId,
    string PathwayId,
    string TeamId,
    string ConcernLevel,
    DateTimeOffset OccurredAt,
    DateOnly? NextReviewOn = null);

public sealed record CaseStageChanged(Guid CaseId, string FromStage, string ToStage, string ChangedBy, string? Reason, DateTimeOffset OccurredAt);

public sealed record CaseStatusChanged(Guid CaseId, string FromStatus, string ToStatus, string ChangedBy, string Reason, DateTimeOffset OccurredAt);

/// <summary>A case's concern level changed; <paramref name="CaseVersion"/> (the case's version after it) orders changes that arrive out of order.</summary>
public sealed record ConcernLevelChanged(
    Guid CaseId, string TeamId, string FromLevel, string ToLevel, string ChangedBy, string Reason, DateTimeOffset OccurredAt, long CaseVersion = 0);

/// <summary>The case's next review is due on <paramref name="DueOn"/>; <paramref name="CaseVersion"/> as for <see cref="ConcernLevelChanged"/>.</summary>
public sealed record ReviewScheduled(Guid CaseId, DateOnly DueOn, DateTimeOffset OccurredAt, long CaseVersion = 0);

/// <summary>A case was closed. <paramref name="CaseVersion"/> is the case's version after the closure: consumers order a closure and a reopening by it (replicas' clocks differ).</summary>
public sealed record CaseClosed(
    Guid CaseId, string PathwayId, string Reason, IReadOnlyList<string> Outcomes, string ClosedBy, DateTimeOffset OccurredAt, long CaseVersion = 0);

/// <summary>A closed case was reopened; <paramref name="CaseVersion"/> as for <see cref="CaseClosed"/>.</summary>
public sealed record CaseReopened(Guid CaseId, string Reason, string ReopenedBy, DateTimeOffset OccurredAt, long CaseVersion = 0);

/// <summary>A case's assessment was recorded or updated. The answers stay in Case: they are personal data.</summary>
public sealed record CaseAssessed(Guid CaseId, string PathwayId, int PathwayVersion, string AssessedBy, DateTimeOffset OccurredAt);

/// <summary>A goal of a case's support plan was added or changed (Change: GoalAdded, ProgressRecorded, ActionAdded, ActionDone).</summary>
public sealed record SupportPlanChanged(Guid CaseId, Guid GoalId, string Change, string GoalStatus, string ChangedBy, DateTimeOffset OccurredAt);

/// <summary>A review of a case was recorded; the next one is due on NextReviewOn (also announced by ReviewScheduled).</summary>
public sealed record CaseReviewed(Guid CaseId, Guid ReviewId, DateOnly NextReviewOn, string ReviewedBy, DateTimeOffset OccurredAt);

/// <summary>
/// A pathway was created or edited: a new version that cases opened from now on follow. Outcomes is the version's outcome
/// framework (the ids CaseClosed.Outcomes uses, with their labels); null from publishers before it was added.
/// </summary>
public sealed record PathwayPublished(string PathwayId, int Version, string Name, string TeamId, bool Active, string PublishedBy, DateTimeOffset OccurredAt,
    IReadOnlyList<PathwayOutcome>? Outcomes = null);

/// <summary>One outcome of a pathway's outcome framework.</summary>
public sealed record PathwayOutcome(string Id, string Label);
