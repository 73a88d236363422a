namespace Casework.Assignment.Domain;

public static class AssignmentStatus
{
    /// <summary>The case has an accountable worker.</summary>
    public const string Active = "Active";
    /// <summary>The case was opened for a team with no workers; it waits for one.</summary>
    public const string Unassigned = "Unassigned";
    /// <summary>The case closed; the worker's capacity was freed (until it is reopened).</summary>
    public const string Released = "Released";
}

/// <summary>
/// Who is accountable for a case. The document id is the case id, so a case has at most one
/// assignment and a second CaseOpened for it (whatever its message id) cannot assign it twice.
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

    public static CaseAssignment Assign(Guid caseId, string teamId, Worker worker, DateTimeOffset openedAt, DateTimeOffset now) =>
        new(caseId, teamId, AssignmentStatus.Active, worker.Id, worker.Name, openedAt.ToUniversalTime(), now.ToUniversalTime(), null);

    public static CaseAssignment Unassigned(Guid caseId, string teamId, DateTimeOffset openedAt) =>
        new(caseId, teamId, AssignmentStatus.Unassigned, null, null, openedAt.ToUniversalTime(), null, null);

    /// <summary>A case closed before its CaseOpened arrived: remembered so the late CaseOpened assigns nobody.</summary>
    public static CaseAssignment ClosedBeforeOpened(Guid caseId, DateTimeOffset closedAt, long caseVersion) =>
        new(caseId, "", AssignmentStatus.Released, null, null, null, null, closedAt.ToUniversalTime()) { LifecycleVersion = caseVersion };

    /// <summary>A case reopened before its CaseOpened arrived: remembered so a late closure releases nothing and the late CaseOpened assigns it.</summary>
    public static CaseAssignment ReopenedBeforeOpened(Guid caseId, long caseVersion) =>
        new(caseId, "", AssignmentStatus.Released, null, null, null, null, null) { LifecycleVersion = caseVersion, ReopenedLast = true };

    /// <summary>
    /// The case's version at the last closure or reopening applied here, and whether it was a reopening: a closure
    /// and a reopening that arrive out of order are ordered by the case's own versions (replicas' clocks differ).
    /// </summary>
    public long LifecycleVersion { get; init; }
    public bool ReopenedLast { get; init; }

    /// <summary>Whether a closure or reopening at <paramref name="caseVersion"/> is older than one already applied (0: an event from before versions, always applied).</summary>
    public bool HasApplied(long caseVersion) => caseVersion > 0 && caseVersion <= LifecycleVersion;

    /// <summary>Whether a CaseOpened (or a reopening) should give the case a worker: it waits in the queue, or it was reopened with nobody.</summary>
    public bool NeedsWorker => Status == AssignmentStatus.Unassigned || (Status == AssignmentStatus.Released && ReopenedLast);

    public CaseAssignment Release(long caseVersion, DateTimeOffset now) =>
        this with { Status = AssignmentStatus.Released, ReleasedAt = now.ToUniversalTime(), LifecycleVersion = caseVersion, ReopenedLast = false };

    /// <summary>Records a reopening at <paramref name="caseVersion"/> (the status is decided by the caller).</summary>
    public CaseAssignment Reopened(long caseVersion) => this with { LifecycleVersion = Math.Max(LifecycleVersion, caseVersion), ReopenedLast = true };

    /// <summary>The reopened case is its worker's again.</summary>
    public CaseAssignment Reactivate() => this with { Status = AssignmentStatus.Active, ReleasedAt = null };
}
