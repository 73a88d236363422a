using System.Text.Json.Serialization;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Reporting.Domain;

public static class CaseStatus
{
    public const string Open = "Open";
    public const string Closed = "Closed";
}

/// <summary>
/// One case as reporting sees it, built from events only: the facts the dashboard and the funder reports need.
/// Events arrive in any order and more than once, so each group of fields remembers the counter (case version,
/// assignment sequence) and time of the event that set it and only a later one replaces it (<see cref="Ordering"/>);
/// fields only one event carries are filled whenever it arrives. Opening is case version 1.
/// Instants that reports filter by range are stored sortable; weeks and months are the region's.
/// </summary>
public sealed record CaseReport(
    Guid CaseId,
    string Status,
    long StatusVersion,
    DateTimeOffset? StatusAt,
    Guid? ReferralId,
    Guid? PersonId,
    string? PathwayId,
    string? TeamId,
    string? Stage,
    DateTimeOffset? StageAt,
    string? ConcernLevel,
    long ConcernVersion,
    DateTimeOffset? ConcernLevelAt,
    string? WorkerId,
    string? WorkerName,
    long AssignmentSequence,
    DateTimeOffset? AssignedAt,
    DateOnly? NextReviewOn,
    long ReviewVersion,
    DateTimeOffset? ReviewAt,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset? ReferralReceivedAt,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset? OpenedAt,
    string? OpenedWeek,
    string? OpenedMonth,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset? FirstContactAt,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset? ClosedAt,
    string? ClosedWeek,
    string? ClosedMonth,
    string? ClosureReason,
    IReadOnlyList<string>? Outcomes)
{
    public const int OpeningVersion = 1;

    public static string DocumentId(Guid caseId) => caseId.ToString();

    /// <summary>A case we know of is open until an event says otherwise (StatusAt stays empty, so any status event wins).</summary>
    public static CaseReport Empty(Guid caseId) => new(caseId, CaseStatus.Open, 0, null, null, null, null, null, null, null, null, 0, null,
        null, null, 0, null, null, 0, null, null, null, null, null, null, null, null, null, null, null);

    /// <summary>Whether the case counts as unassigned: open with no accountable worker.</summary>
    public bool IsUnassigned => Status == CaseStatus.Open && WorkerId is null;

    public CaseReport Apply(CaseOpened e, TimeZoneInfo zone)
    {
        var at = e.OccurredAt.ToUniversalTime();
        var next = WithStatus(CaseStatus.Open, OpeningVersion, at) with
        {
            ReferralId = e.ReferralId,
            PersonId = PersonId ?? e.PersonId,
            PathwayId = e.PathwayId,
            TeamId = e.TeamId,
            OpenedAt = at,
            OpenedWeek = Periods.Week(at, zone),
            OpenedMonth = Periods.Month(at, zone),
        };
        if (StageAt is null)
        {
            next = next with { Stage = "Intake", StageAt = at };
        }
        if (Ordering.IsLater(OpeningVersion, at, ConcernVersion, ConcernLevelAt))
        {
            next = next with { ConcernLevel = e.ConcernLevel, ConcernVersion = OpeningVersion, ConcernLevelAt = at };
        }
        if (e.NextReviewOn is { } due && Ordering.IsLater(OpeningVersion, at, ReviewVersion, ReviewAt))
        {
            next = next with { NextReviewOn = due, ReviewVersion = OpeningVersion, ReviewAt = at };
        }
        return next;
    }

    public CaseReport Apply(CaseAssigned e)
    {
        var next = this with { TeamId = TeamId ?? NonEmpty(e.TeamId) };
        var at = e.OccurredAt.ToUniversalTime();
        return Ordering.IsLater(e.Sequence, at, AssignmentSequence, AssignedAt)
            ? next with { WorkerId = e.WorkerId, WorkerName = e.WorkerName, AssignmentSequence = e.Sequence, AssignedAt = at }
            : next;
    }

    public CaseReport Apply(CaseUnassigned e)
    {
        var next = this with { TeamId = TeamId ?? NonEmpty(e.TeamId) };
        var at = e.OccurredAt.ToUniversalTime();
        return Ordering.IsLater(e.Sequence, at, AssignmentSequence, AssignedAt)
            ? next with { WorkerId = null, WorkerName = null, AssignmentSequence = e.Sequence, AssignedAt = at }
            : next;
    }

    /// <summary>The closure's facts are kept from the latest closure; the status only if no later reopening arrived.</summary>
    public CaseReport Apply(CaseClosed e, TimeZoneInfo zone)
    {
        var at = e.OccurredAt.ToUniversalTime();
        var next = WithStatus(CaseStatus.Closed, e.CaseVersion, at) with { PathwayId = PathwayId ?? e.PathwayId };
        return ClosedAt is { } closedAt && closedAt >= at
            ? next
            : next with
            {
                ClosedAt = at,
                ClosedWeek = Periods.Week(at, zone),
                ClosedMonth = Periods.Month(at, zone),
                ClosureReason = e.Reason,
                Outcomes = e.Outcomes,
            };
    }

    public CaseReport Apply(CaseReopened e) => WithStatus(CaseStatus.Open, e.CaseVersion, e.OccurredAt.ToUniversalTime());

    public CaseReport Apply(ConcernLevelChanged e)
    {
        var at = e.OccurredAt.ToUniversalTime();
        var next = this with { TeamId = TeamId ?? NonEmpty(e.TeamId) };
        return Ordering.IsLater(e.CaseVersion, at, ConcernVersion, ConcernLevelAt)
            ? next with { ConcernLevel = e.ToLevel, ConcernVersion = e.CaseVersion, ConcernLevelAt = at }
            : next;
    }

    public CaseReport Apply(ReviewScheduled e)
    {
        var at = e.OccurredAt.ToUniversalTime();
        return Ordering.IsLater(e.CaseVersion, at, ReviewVersion, ReviewAt)
            ? this with { NextReviewOn = e.DueOn, ReviewVersion = e.CaseVersion, ReviewAt = at }
            : this;
    }

    /// <summary>Stage changes carry no case version: the later time wins.</summary>
    public CaseReport Apply(CaseStageChanged e)
    {
        var at = e.OccurredAt.ToUniversalTime();
        return StageAt is { } stageAt && stageAt >= at ? this : this with { Stage = e.ToStage, StageAt = at };
    }

    /// <summary>First contact: the earliest recorded contact of any note on the case (when it happened, else when it was written).</summary>
    public CaseReport Apply(NoteAdded e)
    {
        var happened = (e.HappenedAt ?? e.OccurredAt).ToUniversalTime();
        return FirstContactAt is { } first && first <= happened ? this : this with { FirstContactAt = happened };
    }

    /// <summary>When the referral this case came from arrived (from the referral's own event, whichever came first).</summary>
    public CaseReport WithReferralReceivedAt(DateTimeOffset? receivedAt) =>
        receivedAt is null || ReferralReceivedAt == receivedAt ? this : this with { ReferralReceivedAt = receivedAt };

    private CaseReport WithStatus(string status, long version, DateTimeOffset at) =>
        Ordering.IsLater(version, at, StatusVersion, StatusAt) ? this with { Status = status, StatusVersion = version, StatusAt = at } : this;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
