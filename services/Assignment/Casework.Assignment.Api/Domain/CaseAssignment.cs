using System.Text.Json.Serialization;
using Casework.Contracts;

namespace Casework.Assignment.Domain;

public static class AssignmentStatus
{
    /// <summary>The case has an accountable worker.</summary>
    public const string Active = "Active";
    /// <summary>The case is open with nobody accountable: it waits in its team's queue (supervisors see it there).</summary>
    public const string Unassigned = "Unassigned";
    /// <summary>The case closed; the worker's capacity was freed (until it is reopened).</summary>
    public const string Released = "Released";
    /// <summary>Only later events (a concern change, a review date) have arrived; CaseOpened will assign it.</summary>
    public const string Pending = "Pending";
}

/// <summary>
/// Who is accountable for a case, and what the case weighs on them. The document id is the case id, so a case has
/// at most one assignment (exactly one accountable worker while it is open) and a second CaseOpened for it
/// (whatever its message id) cannot assign it twice.
/// </summary>
public sealed record CaseAssignment(
    Guid CaseId,
    string TeamId,
    string Status,
    string? WorkerId,
    string? WorkerName,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? AssignedAt,
    DateTimeOffset? ReleasedAt)
{
    public static string DocumentId(Guid caseId) => caseId.ToString();

    public string? PathwayId { get; init; }

    /// <summary>
    /// The concern level the case's <see cref="Hours"/> were weighed at. Documents stored before hours lack it (the
    /// upgrade's marker): they are upgraded at start-up, before anything else reads them; a case not opened here yet
    /// carries Medium until its CaseOpened (or a concern change) says otherwise.
    /// </summary>
    public string? ConcernLevel { get; init; }

    /// <summary>The hours a week the case counts against its worker while Active (from its team's table when weighed).</summary>
    public decimal Hours { get; init; }

    /// <summary>The case's version at the last concern change applied here (0: only the level it opened with).</summary>
    public long ConcernVersion { get; init; }

    /// <summary>When the case's next review is due (from ReviewScheduled), for the overdue view.</summary>
    public DateOnly? NextReviewOn { get; init; }

    public long ReviewVersion { get; init; }

    /// <summary>The case's version when it opened: its first review date comes with CaseOpened.</summary>
    public const long OpeningCaseVersion = 1;

    /// <summary>The next review is due on <paramref name="dueOn"/>, unless a newer schedule (by the case's version) is already applied.</summary>
    public CaseAssignment ReviewDue(DateOnly dueOn, long caseVersion) =>
        caseVersion > 0 && caseVersion <= ReviewVersion
            ? this
            : this with { NextReviewOn = dueOn, ReviewVersion = Math.Max(ReviewVersion, caseVersion) };

    /// <summary>
    /// How many times the accountable worker changed (assigned, reassigned, unassigned). Published on CaseAssigned and
    /// CaseUnassigned as their Sequence: consumers apply only a higher one, so changes that overtake each other on the
    /// bus end where Assignment ended.
    /// </summary>
    public long Sequence { get; init; }

    /// <summary>
    /// The case's version at the last closure or reopening applied here, and whether it was a reopening: a closure
    /// and a reopening that arrive out of order are ordered by the case's own versions (replicas' clocks differ).
    /// </summary>
    public long LifecycleVersion { get; init; }
    public bool ReopenedLast { get; init; }

    /// <summary>A case whose CaseOpened has not arrived yet (only later events have): its team is unknown here.</summary>
    [JsonIgnore]
    public bool OpenedHere => TeamId != "";

    public static CaseAssignment Placeholder(Guid caseId) =>
        new(caseId, "", AssignmentStatus.Pending, null, null, null, null, null) { ConcernLevel = ConcernLevels.Medium };

    /// <summary>A case closed before its CaseOpened arrived: remembered so the late CaseOpened assigns nobody.</summary>
    public static CaseAssignment ClosedBeforeOpened(Guid caseId, DateTimeOffset closedAt, long caseVersion) =>
        Placeholder(caseId) with { Status = AssignmentStatus.Released, ReleasedAt = closedAt.ToUniversalTime(), LifecycleVersion = caseVersion };

    /// <summary>A case reopened before its CaseOpened arrived: remembered so a late closure releases nothing and the late CaseOpened assigns it.</summary>
    public static CaseAssignment ReopenedBeforeOpened(Guid caseId, long caseVersion) =>
        Placeholder(caseId) with { Status = AssignmentStatus.Released, LifecycleVersion = caseVersion, ReopenedLast = true };

    /// <summary>Whether a closure or reopening at <paramref name="caseVersion"/> is older than one already applied (0: an event from before versions, always applied).</summary>
    public bool HasApplied(long caseVersion) => caseVersion > 0 && caseVersion <= LifecycleVersion;

    /// <summary>Whether a CaseOpened (or a reopening) should give the case a worker: it waits in the queue, was reopened with nobody, or only later events came.</summary>
    [JsonIgnore]
    public bool NeedsWorker => Status is AssignmentStatus.Unassigned or AssignmentStatus.Pending || (Status == AssignmentStatus.Released && ReopenedLast);

    [JsonIgnore]
    public bool IsOpen => Status is AssignmentStatus.Active or AssignmentStatus.Unassigned;

    /// <summary>The case as CaseOpened describes it, keeping a concern level a newer concern change already set.</summary>
    public CaseAssignment Opened(string teamId, string pathwayId, string concernLevel, DateTimeOffset openedAt) => this with
    {
        TeamId = teamId,
        PathwayId = pathwayId,
        ConcernLevel = ConcernVersion > 0 && ConcernLevel is not null ? ConcernLevel : concernLevel,
        OpenedAt = openedAt.ToUniversalTime(),
    };

    /// <summary>The case weighed by its team's table as it is now: its level (kept) and the hours that level takes.</summary>
    public CaseAssignment WeighedBy(ConcernHours teamHours) => this with { ConcernLevel = Level, Hours = teamHours.For(Level) };

    /// <summary>A concern change at <paramref name="caseVersion"/> (the caller weighs it again once the team is known).</summary>
    public CaseAssignment WithConcern(string level, long caseVersion) =>
        this with { ConcernLevel = level, ConcernVersion = Math.Max(ConcernVersion, caseVersion) };

    /// <summary>Whether a concern change at <paramref name="caseVersion"/> is older than one already applied (0: always applied).</summary>
    public bool HasConcernFrom(long caseVersion) => caseVersion > 0 && caseVersion <= ConcernVersion;

    /// <summary>Now <paramref name="worker"/>'s, weighed (see <see cref="WeighedBy"/>): the next change in <see cref="Sequence"/>.</summary>
    public CaseAssignment AssignTo(Worker worker, DateTimeOffset now) => this with
    {
        Status = AssignmentStatus.Active,
        WorkerId = worker.Id,
        WorkerName = worker.Name,
        AssignedAt = now.ToUniversalTime(),
        ReleasedAt = null,
        ConcernLevel = Level,
        Sequence = Sequence + 1,
    };

    /// <summary>
    /// The worker Case shows as accountable: the active one, or the one a reopened case had before its closure (Case
    /// keeps them through the closure; they get it back unless they have gone).
    /// </summary>
    [JsonIgnore]
    public string? AccountableWorkerId => Status == AssignmentStatus.Active || (Status == AssignmentStatus.Released && ReopenedLast) ? WorkerId : null;

    /// <summary>Back in the team's queue with nobody accountable (a change in <see cref="Sequence"/> only when someone was).</summary>
    public CaseAssignment ToQueue() => this with
    {
        Status = AssignmentStatus.Unassigned,
        WorkerId = null,
        WorkerName = null,
        ConcernLevel = Level,
        Sequence = AccountableWorkerId is null ? Sequence : Sequence + 1,
    };

    public CaseAssignment Release(long caseVersion, DateTimeOffset now) =>
        this with { Status = AssignmentStatus.Released, ReleasedAt = now.ToUniversalTime(), LifecycleVersion = caseVersion, ReopenedLast = false };

    /// <summary>Records a reopening at <paramref name="caseVersion"/> (the status is decided by the caller).</summary>
    public CaseAssignment Reopened(long caseVersion) => this with { LifecycleVersion = Math.Max(LifecycleVersion, caseVersion), ReopenedLast = true };

    /// <summary>The reopened case is its worker's again (weighed by the caller first; the worker did not change, nor does the sequence).</summary>
    public CaseAssignment Reactivate() => this with { Status = AssignmentStatus.Active, ReleasedAt = null, ConcernLevel = Level };

    /// <summary>The level the case counts at (Medium until CaseOpened or a concern change says).</summary>
    [JsonIgnore]
    public string Level => ConcernLevel ?? ConcernLevels.Medium;

    public CaseToPlace ToPlace() => new(CaseId, TeamId, PathwayId, Level, Hours);
}

/// <summary>
/// One change of a case's accountable worker, kept for its history (id: case id and sequence, so one change is
/// written once). <paramref name="Kind"/>: Assigned (from nobody), Reassigned, Unassigned.
/// </summary>
public sealed record AssignmentChange(
    Guid CaseId,
    long Sequence,
    string Kind,
    string? FromWorkerId,
    string? FromWorkerName,
    string? ToWorkerId,
    string? ToWorkerName,
    string Reason,
    string? HandoverNote,
    bool OverrideCapacity,
    string By,
    string ByName,
    DateTimeOffset At)
{
    public const string Assigned = "Assigned";
    public const string Reassigned = "Reassigned";
    public const string Unassigned = "Unassigned";
    /// <summary>A reopened case back with the worker it had (recorded when that takes them over capacity).</summary>
    public const string Returned = "Returned";

    public static string DocumentId(Guid caseId, long sequence) => $"{caseId}:{sequence}";

    /// <summary>A return on reopening does not change the sequence: it is kept by the case version of the reopening.</summary>
    public static string ReturnDocumentId(Guid caseId, long caseVersion) => $"{caseId}:returned:{caseVersion}";
}
