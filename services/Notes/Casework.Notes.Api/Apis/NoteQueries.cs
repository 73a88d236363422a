using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes.Apis;

/// <summary>The filters and order every note list shares (a case's notes, the cross-case search).</summary>
public static class NoteQueries
{
    public const int MaxTextLength = 200;

    public static ValidationErrors Validate(NoteSearch search)
    {
        var errors = new ValidationErrors().Paging(search.Offset, search.Limit);
        if (search.Text is not null && errors.Check(search.Text.Trim().Length is > 0 and <= MaxTextLength, "text",
            $"The field must be 1 to {MaxTextLength} characters."))
        {
            errors.PlainText("text", search.Text);
        }
        errors.Optional("authorId", search.AuthorId);
        errors.OneOf("type", search.Type, [.. NoteTypes.Readable, NoteTypes.LegacySafeguarding], required: false);
        errors.Check(search.From is null || search.To is null || search.From <= search.To, "to", "The field must not be before from.");
        return errors;
    }

    /// <summary>The caller's filters; the caller adds the scope (a case, teams) before querying.</summary>
    public static DocumentFilter Filter(NoteSearch search) => new DocumentFilter()
        .Equal("type", search.Type is null ? null : NoteTypes.Current(search.Type))
        .Equal("authorId", search.AuthorId)
        .AtLeast("occurredAt", search.From is { } from ? SortableUtc.Format(from) : null)
        .AtMost("occurredAt", search.To is { } to ? SortableUtc.Format(to) : null)
        .Contains("body", search.Text?.Trim());

    /// <summary>The empty page of a search whose scope holds nothing.</summary>
    public static Page<NoteView> Empty(NoteSearch search) => new([], 0, search.Offset ?? 0, search.Limit ?? 50);

    /// <summary>Newest first by when it happened.</summary>
    public static DocumentQuery Query(DocumentFilter filter, NoteSearch search) => new()
    {
        Filter = filter,
        OrderBy = "occurredAt",
        Descending = true,
        Offset = search.Offset ?? 0,
        Limit = search.Limit ?? 50,
    };
}
