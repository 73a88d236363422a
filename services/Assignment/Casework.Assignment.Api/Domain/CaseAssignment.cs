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
    public static CaseAssignment ClosedBeforeOpened(Guid caseId, DateTimeOffset closedAt) =>
        new(caseId, "", AssignmentStatus.Released, null, null, null, null, closedAt.ToUniversalTime()) { ClosedAt = closedAt.ToUniversalTime() };

    /// <summary>When the case last closed and last reopened (the events' times): orders a closure and a reopening that arrive out of order.</summary>
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset? ReopenedAt { get; init; }

    /// <summary>Whether a closure at <paramref name="closedAt"/> is older than the last reopening (and so already undone).</summary>
    public bool ReopenedSince(DateTimeOffset closedAt) => ReopenedAt is { } reopened && reopened >= closedAt;

    /// <summary>Whether a reopening at <paramref name="reopenedAt"/> is older than the last closure (and so already undone).</summary>
    public bool ClosedSince(DateTimeOffset reopenedAt) => ClosedAt is { } closed && closed >= reopenedAt;

    public CaseAssignment Release(DateTimeOffset closedAt, DateTimeOffset now) =>
        this with { Status = AssignmentStatus.Released, ReleasedAt = now.ToUniversalTime(), ClosedAt = closedAt.ToUniversalTime() };

    /// <summary>The reopened case is its worker's again.</summary>
    public CaseAssignment Reactivate(DateTimeOffset reopenedAt) =>
        this with { Status = AssignmentStatus.Active, ReleasedAt = null, ReopenedAt = reopenedAt.ToUniversalTime() };
}
