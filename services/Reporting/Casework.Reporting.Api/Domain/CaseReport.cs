using Casework.Contracts.Events;

namespace Casework.Reporting.Domain;

public static class CaseStatus
{
    public const string Open = "Open";
    public const string Closed = "Closed";
}

/// <summary>
/// One case as reporting sees it, built from events only. A case can close and reopen, so status is
/// not a one-way rank: each group of fields remembers the time of the event that set it and only a
/// later event replaces it. Fields only one event carries are filled whenever that event arrives.
/// </summary>
public sealed record CaseReport(
    Guid CaseId,
    string Status,
    DateTimeOffset? StatusAt,
    Guid? ReferralId,
    string? PathwayId,
    string? TeamId,
    string? ConcernLevel,
    DateTimeOffset? ConcernLevelAt,
    string? WorkerId,
    string? WorkerName,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? ClosedAt)
{
    public static string DocumentId(Guid caseId) => caseId.ToString();

    /// <summary>A case we know of is open until an event says otherwise (StatusAt stays empty, so any status event wins).</summary>
    public static CaseReport Empty(Guid caseId) => new(caseId, CaseStatus.Open, null, null, null, null, null, null, null, null, null, null, null);

    public CaseReport Apply(CaseOpened e)
    {
        var at = e.OccurredAt.ToUniversalTime();
        var next = WithStatus(CaseStatus.Open, at) with
        {
            ReferralId = e.ReferralId,
            PathwayId = e.PathwayId,
            TeamId = e.TeamId,
            OpenedAt = at,
        };
        // The level the case opened with, unless a later change already arrived.
        return ConcernLevelAt is { } changedAt && changedAt >= at ? next : next with { ConcernLevel = e.ConcernLevel, ConcernLevelAt = at };
    }

    public CaseReport Apply(CaseAssigned e)
    {
        var at = e.OccurredAt.ToUniversalTime();
        var next = this with { TeamId = TeamId ?? e.TeamId };
        return AssignedAt is { } assignedAt && assignedAt > at ? next : next with { WorkerId = e.WorkerId, WorkerName = e.WorkerName, AssignedAt = at };
    }

    public CaseReport Apply(CaseClosed e)
    {
        var at = e.OccurredAt.ToUniversalTime();
        return WithStatus(CaseStatus.Closed, at) with
        {
            PathwayId = PathwayId ?? e.PathwayId,
            ClosedAt = ClosedAt is { } closedAt && closedAt > at ? closedAt : at,
        };
    }

    public CaseReport Apply(CaseReopened e) => WithStatus(CaseStatus.Open, e.OccurredAt.ToUniversalTime());

    public CaseReport Apply(ConcernLevelChanged e)
    {
        var at = e.OccurredAt.ToUniversalTime();
        var next = this with { TeamId = TeamId ?? e.TeamId };
        return ConcernLevelAt is { } levelAt && levelAt > at ? next : next with { ConcernLevel = e.ToLevel, ConcernLevelAt = at };
    }

    private CaseReport WithStatus(string status, DateTimeOffset at) =>
        StatusAt is { } statusAt && statusAt >= at ? this : this with { Status = status, StatusAt = at };
}
