namespace Casework.Contracts.Events;

public sealed record NoteAdded(Guid NoteId, Guid CaseId, string AuthorId, string Type, bool Restricted, DateTimeOffset OccurredAt);

public sealed record NoteAmended(Guid NoteId, Guid CaseId, string AuthorId, DateTimeOffset OccurredAt);
