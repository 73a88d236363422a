using System.Text;
using System.Text.RegularExpressions;
using Casework.ServiceDefaults;

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
    public NoteDraft Fill(NoteDraft draft, IReadOnlyDictionary<string, string?>? texts, ValidationErrors errors)
    {
        var body = Compose(texts, errors);
        errors.Check(draft.Type is null || draft.Type == NoteType, "type", $"The template is for {NoteType} notes.");
        return draft with { Type = NoteType, Body = body ?? "-" };
    }

    /// <summary>
    /// The body of a note from the section texts (by section id), in the template's order; optional sections left empty are
    /// left out. Errors name <c>sections.&lt;id&gt;</c>: a required section missing, an unknown one, or one too long.
    /// </summary>
    public string? Compose(IReadOnlyDictionary<string, string?>? texts, ValidationErrors errors)
    {
        texts ??= new Dictionary<string, string?>();
        if (!errors.Check(texts.Count <= Sections.Count, "sections", $"The template has {Sections.Count} sections."))
        {
            // More texts than sections: name the whole field rather than list every unknown key back.
            return null;
        }
        var valid = true;
        foreach (var unknown in texts.Keys.Where(key => Sections.All(s => s.Id != key)))
        {
            errors.Add($"sections.{unknown}", "The template has no such section.");
            valid = false;
        }
        var body = new StringBuilder();
        foreach (var section in Sections)
        {
            var text = texts.GetValueOrDefault(section.Id)?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                valid &= errors.Check(!section.Required, $"sections.{section.Id}", $"The section \"{section.Heading}\" is required.");
                continue;
            }
            if (!errors.Required($"sections.{section.Id}", text, MaxSectionLength, multiline: true))
            {
                valid = false;
                continue;
            }
            if (body.Length > 0)
            {
                body.Append("\n\n");
            }
            body.Append("# ").Append(section.Heading).Append('\n').Append(text);
        }
        if (valid && body.Length == 0)
        {
            errors.Add("sections", "Write at least one section.");
            return null;
        }
        return valid ? body.ToString() : null;
    }
}

/// <summary>A section of a template; <see cref="Id"/> is what notes send their text under.</summary>
public sealed record TemplateSection(string Id, string Heading, bool Required, string? Hint);

/// <summary>The rules of a template as an admin writes it.</summary>
public static partial class TemplateRules
{
    public const int MaxSections = 30;

    public static ValidationErrors Check(string? pathwayId, string? noteType, string? name, IReadOnlyList<TemplateSection?>? sections)
    {
        var errors = new ValidationErrors();
        errors.Required("pathwayId", pathwayId, 100);
        errors.OneOf("noteType", noteType, NoteTypes.Accepted);
        errors.Required("name", name, 200);
        if (!errors.Check(sections is { Count: > 0 and <= MaxSections }, "sections", $"The template needs 1 to {MaxSections} sections."))
        {
            return errors;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sections!.Count; i++)
        {
            var section = sections[i];
            if (section?.Id is not { } id || !SectionId().IsMatch(id))
            {
                errors.Add($"sections[{i}].id", "The field must be 1 to 40 lower-case letters, digits or dashes, starting with a letter.");
            }
            else
            {
                errors.Check(seen.Add(id), $"sections[{i}].id", "Section ids must be unique.");
            }
            errors.Required($"sections[{i}].heading", section?.Heading, 100); // one line: it becomes a "# heading" line
            errors.Optional($"sections[{i}].hint", section?.Hint, 500);
        }
        return errors;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,39}$")]
    private static partial Regex SectionId();
}
