using System.Text;
using System.Text.RegularExpressions;

namespace Casework.Notes.Domain;

/// <summary>
/// A structured note for a pathway (e.g. a first appointment): named sections, some required, each with a hint. A note
/// written from it gets a body composed of "# heading" lines and the text of each section given.
/// </summary>
public sealed record NoteTemplate(
    Guid Id,
    string PathwayId,
    string NoteType,
    string Name,
    IReadOnlyList<TemplateSection> Sections,
    string UpdatedBy,
    DateTimeOffset UpdatedAt)
{
    public const int MaxSectionLength = 5000;

    /// <summary>
    /// The draft of a note written from this template: its type (the template's, unless another was asked: an error) and the
    /// body composed from the sections. When composing fails the draft keeps a placeholder body, so only the sections are named.
    /// </summary>
    public (NoteDraft Draft, IReadOnlyList<FieldError> Errors) Fill(NoteDraft draft, IReadOnlyDictionary<string, string?>? texts)
    {
        var (body, errors) = Compose(texts);
        var all = errors.ToList();
        if (draft.Type is not null && draft.Type != NoteType)
        {
            all.Add(new("type", $"The template is for {NoteType} notes."));
        }
        return (draft with { Type = NoteType, Body = body ?? "-" }, all);
    }

    /// <summary>
    /// The body of a note from the section texts (by section id), in the template's order; optional sections left empty are
    /// left out. Errors name <c>sections.&lt;id&gt;</c>: a required section missing, an unknown one, or one too long.
    /// </summary>
    public (string? Body, IReadOnlyList<FieldError> Errors) Compose(IReadOnlyDictionary<string, string?>? texts)
    {
        texts ??= new Dictionary<string, string?>();
        var errors = new List<FieldError>();
        if (texts.Count > Sections.Count)
        {
            // More texts than sections: name the whole field rather than list every unknown key back.
            return (null, [new FieldError("sections", $"The template has {Sections.Count} sections.")]);
        }
        foreach (var unknown in texts.Keys.Where(key => Sections.All(s => s.Id != key)))
        {
            errors.Add(new($"sections.{unknown}", "The template has no such section."));
        }
        var body = new StringBuilder();
        foreach (var section in Sections)
        {
            var text = texts.GetValueOrDefault(section.Id)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                if (section.Required)
                {
                    errors.Add(new($"sections.{section.Id}", $"The section \"{section.Heading}\" is required."));
                }
                continue;
            }
            if (text.Length > MaxSectionLength)
            {
                errors.Add(new($"sections.{section.Id}", $"The section must be at most {MaxSectionLength} characters."));
                continue;
            }
            if (body.Length > 0)
            {
                body.Append("\n\n");
            }
            body.Append("# ").Append(section.Heading).Append('\n').Append(text);
        }
        if (errors.Count == 0 && body.Length == 0)
        {
            errors.Add(new("sections", "Write at least one section."));
        }
        return errors.Count > 0 ? (null, errors) : (body.ToString(), errors);
    }
}

/// <summary>A section of a template; <see cref="Id"/> is what notes send their text under.</summary>
public sealed record TemplateSection(string Id, string Heading, bool Required, string? Hint);

/// <summary>The rules of a template as an admin writes it.</summary>
public static partial class TemplateRules
{
    public const int MaxSections = 30;

    public static IReadOnlyList<FieldError> Check(string? pathwayId, string? noteType, string? name, IReadOnlyList<TemplateSection?>? sections)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(pathwayId) || pathwayId.Length > 100)
        {
            errors.Add(new("pathwayId", "The field is required (at most 100 characters)."));
        }
        if (noteType is null || !NoteTypes.Accepted.Contains(noteType, StringComparer.Ordinal))
        {
            errors.Add(new("noteType", $"The field must be one of: {string.Join(", ", NoteTypes.Accepted)}."));
        }
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            errors.Add(new("name", "The field is required (at most 200 characters)."));
        }
        if (sections is null || sections.Count is 0 or > MaxSections)
        {
            errors.Add(new("sections", $"The template needs 1 to {MaxSections} sections."));
            return errors;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sections.Count; i++)
        {
            var section = sections[i];
            if (section?.Id is not { } id || !SectionId().IsMatch(id))
            {
                errors.Add(new($"sections[{i}].id", "The field must be 1 to 40 lower-case letters, digits or dashes, starting with a letter."));
            }
            else if (!seen.Add(id))
            {
                errors.Add(new($"sections[{i}].id", "Section ids must be unique."));
            }
            if (string.IsNullOrWhiteSpace(section?.Heading) || section.Heading.Length > 100 || section.Heading.Contains('\n'))
            {
                errors.Add(new($"sections[{i}].heading", "The field is required (one line, at most 100 characters)."));
            }
            if (section?.Hint is { Length: > 500 })
            {
                errors.Add(new($"sections[{i}].hint", "The field must be at most 500 characters."));
            }
        }
        return errors;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex SectionId();
}
