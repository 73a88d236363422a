using System.Text.Json.Serialization;
using Casework.Domain;
using Casework.Persistence;

namespace Casework.Notes.Domain;

/// <summary>
/// The record of something that happened on a case. Append-only: <see cref="OriginalBody"/> never changes; a
/// correction is an <see cref="NoteAmendment"/>, and <see cref="Body"/> is the latest text (what search looks in).
/// <see cref="TeamId"/> and <see cref="OccurredAt"/> are top-level, indexed fields for search (OccurredAt and
/// WrittenAt as sortable UTC text).
/// </summary>
public sealed record CaseNote(
    Guid Id,
    Guid CaseId,
    string? TeamId,
    string Type,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset OccurredAt,
    [property: JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset WrittenAt,
    int? DurationMinutes,
    IReadOnlyList<string> Present,
    string Body,
    string OriginalBody,
    IReadOnlyList<NoteAmendment> Amendments,
    bool Restricted,
    string? RestrictionReason,
    string AuthorId,
    string AuthorName,
    IReadOnlyList<string> GoalIds,
    Guid? TemplateId)
{
    /// <summary>The text of a note stored before bodies and amendments (read by <see cref="Normalised"/> only).</summary>
    [JsonPropertyName("text"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LegacyText { get; init; }

    /// <summary>When a note stored before occurredAt/writtenAt was written.</summary>
    [JsonPropertyName("createdAt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? LegacyCreatedAt { get; init; }

    /// <summary>How many corrections a note takes: each is kept whole, so the note (and every read of it) stays bounded.</summary>
    public const int MaxAmendments = 50;

    /// <summary>A new note from a draft that passed <see cref="NoteRules.Check"/>: restricted as its type and the writer say.</summary>
    public static CaseNote Write(Guid id, Guid caseId, string? teamId, NoteDraft draft, Guid? templateId, string authorId, string authorName, DateTimeOffset now)
    {
        var type = draft.Type ?? throw new ArgumentException("A note needs a type.", nameof(draft));
        var body = draft.Body ?? throw new ArgumentException("A note needs a body.", nameof(draft));
        return new CaseNote(
            id, caseId, teamId, type, draft.OccurredAt ?? now, now, draft.DurationMinutes,
            draft.Present?.Select(p => p!.Trim()).ToList() ?? [], body, body, [],
            NoteRules.IsRestricted(type, draft.Restricted), NoteRules.ReasonFor(type, draft.Restricted, draft.RestrictionReason),
            authorId, authorName, draft.GoalIds?.Select(g => g!.ToLowerInvariant()).Distinct().ToList() ?? [], templateId);
    }

    /// <summary>
    /// The note in the current shape, whatever shape it was stored in: the old text becomes the body, the old write time
    /// both times, Safeguarding becomes SafeguardingConcern (still restricted), missing lists empty.
    /// </summary>
    public CaseNote Normalised()
    {
        var written = WrittenAt == default ? LegacyCreatedAt ?? default : WrittenAt;
        var body = Body ?? LegacyText ?? "";
        var type = NoteTypes.Current(Type);
        return this with
        {
            Type = type,
            WrittenAt = written,
            OccurredAt = OccurredAt == default ? written : OccurredAt,
            Body = body,
            OriginalBody = OriginalBody ?? body,
            Present = Present ?? [],
            Amendments = Amendments ?? [],
            GoalIds = GoalIds ?? [],
            Restricted = Restricted || type == NoteTypes.SafeguardingConcern,
            LegacyText = null,
            LegacyCreatedAt = null,
        };
    }

    /// <summary>
    /// A correction: the original and earlier amendments stay, the new body becomes current. With <paramref name="restrictFor"/>
    /// (a restriction reason) it also restricts the note, original and history included; a restriction is never lifted, and an
    /// already restricted note keeps its reason. Who may amend is decided by <see cref="NoteAccess.MayAmend"/>; a closed case
    /// still takes amendments.
    /// </summary>
    public CaseNote Amend(string body, string reason, string amendedBy, string amendedByName, DateTimeOffset at, string? restrictFor = null)
    {
        if (string.IsNullOrWhiteSpace(body) || string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("An amendment needs a body and a reason.");
        }
        if (Amendments.Count >= MaxAmendments)
        {
            throw new DomainRuleException($"A note takes at most {MaxAmendments} amendments; write a new note that corrects this one.");
        }
        var restricts = restrictFor is not null && !Restricted;
        var amendment = new NoteAmendment(Amendments.Count + 1, body, reason, amendedBy, amendedByName, at) { RestrictedFor = restricts ? restrictFor : null };
        return this with
        {
            Body = body,
            Amendments = [.. Amendments, amendment],
            Restricted = Restricted || restricts,
            RestrictionReason = restricts ? restrictFor : RestrictionReason,
        };
    }

    /// <summary>Whether the latest amendment is this one (a retry of it changes nothing).</summary>
    public bool RepeatsLatestAmendment(string amendedBy, string body, string reason, string? restrictFor) =>
        Amendments is [.., var latest] && latest.AmendedBy == amendedBy && latest.Body == body && latest.Reason == reason
        && (restrictFor is null || latest.RestrictedFor == restrictFor);
}

/// <summary>One correction of a note: the new body, why, by whom and when.</summary>
public sealed record NoteAmendment(int Number, string Body, string Reason, string AmendedBy, string AmendedByName, DateTimeOffset AmendedAt)
{
    /// <summary>The restriction reason, on the amendment that restricted the note.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RestrictedFor { get; init; }
}

/// <summary>Someone who reads or writes notes: their id, roles and teams (from their token).</summary>
public sealed record Viewer(string Id, IReadOnlyCollection<string> Roles, IReadOnlyCollection<string> Teams)
{
    public bool Is(string role) => Roles.Contains(role, StringComparer.Ordinal);

    public bool InTeam(string? teamId) => teamId is not null && Teams.Contains(teamId, StringComparer.Ordinal);
}

/// <summary>The case a note belongs to, as far as reading and amending it is concerned.</summary>
public sealed record NoteCase(string? TeamId, string? AssignedWorkerId);

/// <summary>
/// Who may read restricted notes and amend notes. A restricted note (a safeguarding concern, or restricted for safeguarding
/// or health) is readable only by the case's assigned worker, supervisors of the case's team and the roles the region grants
/// (<paramref name="grantedReaderRoles"/>, e.g. manager). Its author, if none of these, does not read it back: they saw what they
/// wrote in the reply to writing it, and ask the worker or a supervisor to amend it.
/// </summary>
public sealed class NoteAccess(IReadOnlyCollection<string> grantedReaderRoles)
{
    public const string Supervisor = "supervisor";

    public IReadOnlyCollection<string> GrantedReaderRoles { get; } = grantedReaderRoles;

    /// <summary>May read every restricted note of every case the viewer can see (a granted role).</summary>
    public bool ReadsAllRestricted(Viewer viewer) => GrantedReaderRoles.Any(viewer.Is);

    /// <summary>
    /// May read the restricted notes of a team's cases by their token alone (a granted role, or a supervisor of the team), with
    /// nothing to ask Case: the rule cross-case search may apply from Notes' own (possibly stale) copy of the cases.
    /// </summary>
    public bool ReadsRestrictedByToken(Viewer viewer, string? teamId) =>
        ReadsAllRestricted(viewer) || (viewer.Is(Supervisor) && viewer.InTeam(teamId));

    /// <summary>
    /// May read every restricted note of this case. <paramref name="noteCase"/> must
    /// be Case's answer (its assigned worker), never Notes' copy: a reassigned worker must not keep reading.
    /// </summary>
    public bool ReadsRestrictedOf(Viewer viewer, NoteCase noteCase) =>
        ReadsRestrictedByToken(viewer, noteCase.TeamId)
        || (noteCase.AssignedWorkerId is { Length: > 0 } worker && worker == viewer.Id);

    public bool MayRead(Viewer viewer, CaseNote note, NoteCase noteCase) => !note.Restricted || ReadsRestrictedOf(viewer, noteCase);

    /// <summary>
    /// Someone who may read the note (an amendment shows it) and is its author, the case's assigned worker, a supervisor of the
    /// case's team, a manager or an admin (managers and admins lead every team).
    /// </summary>
    public bool MayAmend(Viewer viewer, CaseNote note, NoteCase noteCase) =>
        MayRead(viewer, note, noteCase)
        && (note.AuthorId == viewer.Id
            || (noteCase.AssignedWorkerId is { Length: > 0 } worker && worker == viewer.Id)
            || viewer.Is("manager") || viewer.Is("admin")
            || (viewer.Is(Supervisor) && viewer.InTeam(noteCase.TeamId ?? note.TeamId)));
}
