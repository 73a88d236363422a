using Casework.Notes.Domain;

namespace Casework.Notes.Apis;

/// <summary>
/// A new note. Either <see cref="Body"/>, or <see cref="TemplateId"/> with <see cref="Sections"/> (section id → text), from which
/// the body is composed. <see cref="OccurredAt"/> defaults to now.
/// </summary>
public sealed record AddNoteRequest(
    string? Type,
    DateTimeOffset? OccurredAt,
    int? DurationMinutes,
    IReadOnlyList<string?>? Present,
    string? Body,
    bool? Restricted,
    string? RestrictionReason,
    IReadOnlyList<string?>? GoalIds,
    Guid? TemplateId,
    Dictionary<string, string?>? Sections);

/// <summary>
/// A correction: the new body and why. <see cref="Restricted"/> true with a <see cref="RestrictionReason"/> also restricts an
/// unrestricted note (never the other way); nothing else of a note can be corrected.
/// </summary>
public sealed record AmendNoteRequest(string? Body, string? Reason, bool? Restricted = null, string? RestrictionReason = null);

/// <summary>One correction; <see cref="RestrictedFor"/> is set on the one that restricted the note.</summary>
public sealed record AmendmentView(int Number, string Body, string Reason, string AmendedBy, string AmendedByName, DateTimeOffset AmendedAt,
    string? RestrictedFor)
{
    public static AmendmentView From(NoteAmendment a) => new(a.Number, a.Body, a.Reason, a.AmendedBy, a.AmendedByName, a.AmendedAt, a.RestrictedFor);
}

/// <summary>
/// A note as the API returns it. <see cref="Body"/> is the current text, <see cref="Original"/> the text as first written and
/// <see cref="Amendments"/> every correction since. A restricted note the caller may not read comes back redacted: that it
/// exists, its type, times and author, and nothing of what it says, who was there or what it links to.
/// </summary>
public sealed record NoteView(
    Guid Id,
    Guid CaseId,
    string Type,
    DateTimeOffset OccurredAt,
    DateTimeOffset WrittenAt,
    string AuthorId,
    string AuthorName,
    bool Restricted,
    bool Redacted,
    string? RestrictionReason,
    int? DurationMinutes,
    IReadOnlyList<string>? Present,
    string? Body,
    string? Original,
    IReadOnlyList<AmendmentView>? Amendments,
    IReadOnlyList<string>? GoalIds,
    Guid? TemplateId,
    bool Legacy)
{
    public static NoteView From(CaseNote note, bool redact) => redact
        ? new(note.Id, note.CaseId, note.Type, note.OccurredAt, note.WrittenAt, note.AuthorId, note.AuthorName, note.Restricted, true,
            null, null, null, null, null, null, null, null, note.Type == NoteTypes.Interaction)
        : new(note.Id, note.CaseId, note.Type, note.OccurredAt, note.WrittenAt, note.AuthorId, note.AuthorName, note.Restricted, false,
            note.RestrictionReason, note.DurationMinutes, note.Present, note.Body, note.OriginalBody,
            note.Amendments.Select(AmendmentView.From).ToList(), note.GoalIds, note.TemplateId, note.Type == NoteTypes.Interaction);
}

public sealed record TemplateRequest(string? PathwayId, string? NoteType, string? Name, IReadOnlyList<TemplateSection?>? Sections);

public sealed record TemplateView(Guid Id, string PathwayId, string NoteType, string Name, IReadOnlyList<TemplateSection> Sections, string UpdatedBy,
    DateTimeOffset UpdatedAt, long Version)
{
    public static TemplateView From(NoteTemplate t, long version) => new(t.Id, t.PathwayId, t.NoteType, t.Name, t.Sections, t.UpdatedBy, t.UpdatedAt, version);
}

/// <summary>The filters of a note search (within a case, or across the caller's cases).</summary>
public sealed record NoteSearch(string? Text, string? Type, string? AuthorId, DateTimeOffset? From, DateTimeOffset? To, int? Offset, int? Limit);
