namespace Casework.Notes.Domain;

public static class NoteTypes
{
    public const string Interaction = "Interaction";
    public const string Observation = "Observation";
    public const string Plan = "Plan";
    public const string Safeguarding = "Safeguarding";

    public static readonly IReadOnlyList<string> All = [Interaction, Observation, Plan, Safeguarding];
}

/// <summary>
/// A record of an interaction, observation or plan on a case. Append-only: a correction is an
/// amendment that keeps the original text.
/// </summary>
public sealed record CaseNote(
    Guid Id,
    Guid CaseId,
    string Type,
    string Text,
    bool Restricted,
    string AuthorId,
    string AuthorName,
    DateTimeOffset CreatedAt);

/// <summary>Who may read a restricted note: the case's accountable worker, supervisors and managers (and admins, auditors).</summary>
public static class RestrictedNotes
{
    public static bool MayRead(string? viewerId, IReadOnlyCollection<string> viewerRoles, string? assignedWorkerId, string authorId) =>
        (viewerId is not null && (viewerId == assignedWorkerId || viewerId == authorId))
        || viewerRoles.Any(role => role is "supervisor" or "manager" or "admin" or "auditor");
}
