namespace Casework.Notes.Domain;

/// <summary>
/// Notes' own copy of what it needs to know of a case to search across cases (from Case and Assignment events): its team,
/// its accountable worker and whether it is closed. <see cref="AssignmentSequence"/> and <see cref="LifecycleVersion"/>
/// order events that overtake each other: an older assignment or closure never undoes a newer one.
/// </summary>
public sealed record CaseRecord(
    Guid Id,
    string? TeamId,
    string? PathwayId,
    DateTimeOffset? OpenedAt,
    string? AssignedWorkerId,
    long AssignmentSequence,
    bool Closed,
    long LifecycleVersion)
{
    public static CaseRecord Unknown(Guid id) => new(id, null, null, null, null, 0, false, 0);

    public CaseRecord Opened(string teamId, string pathwayId, DateTimeOffset openedAt) =>
        this with { TeamId = teamId, PathwayId = pathwayId, OpenedAt = openedAt };

    /// <summary>Whether an assignment change numbered <paramref name="sequence"/> is newer than what is kept (0: unnumbered, always applied).</summary>
    public bool TakesAssignment(long sequence) => sequence == 0 || sequence > AssignmentSequence;

    public CaseRecord Assigned(string workerId, string? teamId, long sequence) =>
        this with { AssignedWorkerId = workerId, TeamId = TeamId ?? NonEmpty(teamId), AssignmentSequence = Math.Max(sequence, AssignmentSequence) };

    /// <summary>
    /// The worker left the case. An unnumbered message only clears the worker it names (a later assignment may have replaced them).
    /// </summary>
    public CaseRecord Unassigned(string workerId, string? teamId, long sequence) => this with
    {
        AssignedWorkerId = sequence == 0 && AssignedWorkerId != workerId ? AssignedWorkerId : null,
        TeamId = TeamId ?? NonEmpty(teamId),
        AssignmentSequence = Math.Max(sequence, AssignmentSequence),
    };

    /// <summary>Whether a closure or reopening at <paramref name="caseVersion"/> is newer than the last one applied (0: always applied).</summary>
    public bool TakesLifecycle(long caseVersion) => caseVersion == 0 || caseVersion > LifecycleVersion;

    public CaseRecord WithClosed(bool closed, long caseVersion) => this with { Closed = closed, LifecycleVersion = Math.Max(caseVersion, LifecycleVersion) };

    public NoteCase AsNoteCase() => new(TeamId, AssignedWorkerId);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
