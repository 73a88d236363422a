using Casework.Domain;

namespace Casework.Notes.Domain;

/// <summary>
/// Notes' own copy of what it needs to know of a case to search across cases (from Case and Assignment events, or Case's answer
/// when Notes had none): its team, its accountable worker and when it opened. <see cref="AssignmentSequence"/> orders
/// assignment events that overtake each other: an older one never undoes a newer one. The copy may lag behind Case, so it only
/// narrows searches; who may read what is Case's to say.
/// </summary>
public sealed record CaseRecord(
    Guid Id,
    string? TeamId,
    DateTimeOffset? OpenedAt,
    string? AssignedWorkerId,
    long AssignmentSequence)
{
    public static CaseRecord Unknown(Guid id) => new(id, null, null, null, 0);

    public CaseRecord Opened(string teamId, DateTimeOffset openedAt) => this with { TeamId = teamId, OpenedAt = openedAt };

    /// <summary>Whether an assignment numbered <paramref name="sequence"/> applies (see <see cref="AssignmentOrder"/>).</summary>
    public bool TakesAssignment(long sequence) => AssignmentOrder.Applies(sequence, AssignmentSequence);

    public CaseRecord Assigned(string workerId, string? teamId, long sequence) =>
        this with { AssignedWorkerId = workerId, TeamId = TeamId ?? NonEmpty(teamId), AssignmentSequence = AssignmentOrder.Latest(sequence, AssignmentSequence) };

    /// <summary>
    /// The worker left the case, if the release applies (see <see cref="AssignmentOrder.ReleaseApplies"/>: an unnumbered one
    /// only releases the worker it names); null when it does not.
    /// </summary>
    public CaseRecord? Unassigned(string workerId, string? teamId, long sequence) =>
        AssignmentOrder.ReleaseApplies(sequence, AssignmentSequence, AssignedWorkerId, workerId)
            ? this with { AssignedWorkerId = null, TeamId = TeamId ?? NonEmpty(teamId), AssignmentSequence = AssignmentOrder.Latest(sequence, AssignmentSequence) }
            : null;

    public NoteCase AsNoteCase() => new(TeamId, AssignedWorkerId);

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
