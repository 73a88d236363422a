namespace Casework.Contracts.Events;

/// <summary>
/// A note was added to a case. <paramref name="OccurredAt"/>, as on every event, is when the event occurred: when the note was
/// written (the note's writtenAt). <paramref name="HappenedAt"/> is when what it records happened (the note's occurredAt) and
/// <paramref name="DurationMinutes"/> how long it took (support hours by type; both null on events sent before).
/// </summary>
public sealed record NoteAdded(
    Guid NoteId, Guid CaseId, string AuthorId, string Type, bool Restricted, DateTimeOffset OccurredAt,
    DateTimeOffset? HappenedAt = null, int? DurationMinutes = null);

/// <summary>
/// A note was amended (its original is kept). <paramref name="AuthorId"/> is who amended it; <paramref name="Reason"/> why (null
/// when the note is restricted: the reason can say as much as the note), <paramref name="AmendmentNumber"/> which amendment this is
/// (1 for the first), <paramref name="Restricted"/> whether the note is restricted after it (an amendment may restrict a note;
/// null on events sent before).
/// </summary>
public sealed record NoteAmended(
    Guid NoteId, Guid CaseId, string AuthorId, DateTimeOffset OccurredAt, string? Reason = null, int? AmendmentNumber = null, bool? Restricted = null);

/// <summary>A note template of a pathway was created or edited (its new <paramref name="Version"/>).</summary>
public sealed record NoteTemplateSaved(
    Guid TemplateId, string PathwayId, string NoteType, string Name, long Version, string SavedBy, DateTimeOffset OccurredAt);
