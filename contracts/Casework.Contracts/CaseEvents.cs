namespace Casework.Contracts.Events;

/// <summary>A case was opened (from an accepted referral) on a pathway owned by a team.</summary>
public sealed record CaseOpened(
    Guid CaseId,
    Guid ReferralId,
    Guid PersonId,
    string PathwayId,
    string TeamId,
    string ConcernLevel,
    DateTimeOffset OccurredAt);

public sealed record CaseStageChanged(Guid CaseId, string FromStage, string ToStage, string ChangedBy, string? Reason, DateTimeOffset OccurredAt);

public sealed record CaseStatusChanged(Guid CaseId, string FromStatus, string ToStatus, string ChangedBy, string Reason, DateTimeOffset OccurredAt);

public sealed record ConcernLevelChanged(Guid CaseId, string TeamId, string FromLevel, string ToLevel, string ChangedBy, string Reason, DateTimeOffset OccurredAt);

public sealed record ReviewScheduled(Guid CaseId, DateOnly DueOn, DateTimeOffset OccurredAt);

public sealed record CaseClosed(Guid CaseId, string PathwayId, string Reason, IReadOnlyList<string> Outcomes, string ClosedBy, DateTimeOffset OccurredAt);

public sealed record CaseReopened(Guid CaseId, string Reason, string ReopenedBy, DateTimeOffset OccurredAt);
