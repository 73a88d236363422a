using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Casework.ServiceDefaults;

/// <summary>
/// Collects every broken rule of a request, by the field name the caller used, so one 400 names them
/// all. Usage: <c>var errors = new ValidationErrors(); errors.Required("name", request.Name); if (errors.Any) return errors.ToProblem();</c>
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }
        messages.Add(message);
    }

    /// <summary>Adds an error unless <paramref name="valid"/>; returns <paramref name="valid"/>.</summary>
    public bool Check(bool valid, string field, string message)
    {
        if (!valid)
        {
            Add(field, message);
        }
        return valid;
    }

    /// <summary>
    /// A required text of at most <paramref name="maxLength"/> characters, without control characters: PostgreSQL cannot store
    /// NUL, and no one-line field has a use for the others. A <paramref name="multiline"/> field (a body, a reason, a summary) may
    /// hold line breaks and tabs.
    /// </summary>
    public bool Required(string field, string? value, int maxLength = 200, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "The field is required.");
            return false;
        }
        return Check(value.Length <= maxLength, field, $"The field must be at most {maxLength} characters.") && PlainText(field, value, multiline);
    }

    /// <summary>As <see cref="Required"/>, but null is fine.</summary>
    public bool Optional(string field, string? value, int maxLength = 200, bool multiline = false) =>
        value is null || (Check(value.Length <= maxLength, field, $"The field must be at most {maxLength} characters.") && PlainText(field, value, multiline));

    /// <summary>
    /// A list of at most <paramref name="maxCount"/> texts, each as <see cref="Required"/>; a broken entry is named by its index
    /// (<c>present[2]</c>). Null is fine.
    /// </summary>
    public bool Items(string field, IReadOnlyList<string?>? values, int maxCount, int maxLength = 200)
    {
        if (values is null)
        {
            return true;
        }
        if (!Check(values.Count <= maxCount, field, $"At most {maxCount} entries can be given."))
        {
            return false;
        }
        var valid = true;
        for (var i = 0; i < values.Count; i++)
        {
            valid &= Required($"{field}[{i}]", values[i], maxLength);
        }
        return valid;
    }

    /// <summary>No control characters (but line breaks and tabs when <paramref name="multiline"/>).</summary>
    public bool PlainText(string field, string? value, bool multiline = false) =>
        value is null || Check(!HasControlCharacters(value, multiline), field, multiline
            ? "The field must be plain text (no control characters other than line breaks and tabs)."
            : "The field must be one line of plain text (no control characters).");

    public static bool HasControlCharacters(string value, bool multiline = false) =>
        value.Any(c => char.IsControl(c) && !(multiline && (c is '\n' or '\r' or '\t')));

    public bool OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = true)
    {
        if (value is null)
        {
            return !required || Check(false, field, "The field is required.");
        }
        return Check(allowed.Contains(value, StringComparer.Ordinal), field, $"The field must be one of: {string.Join(", ", allowed)}.");
    }

    /// <summary>The paging parameters every list endpoint takes: offset ≥ 0, limit 1 to <paramref name="maxLimit"/>.</summary>
    public ValidationErrors Paging(int? offset, int? limit, int maxLimit = 200)
    {
        Check(offset is null or >= 0, "offset", "The field must be 0 or more.");
        Check(limit is null || (limit >= 1 && limit <= maxLimit), "limit", $"The field must be between 1 and {maxLimit}.");
        return this;
    }

    /// <summary>The fields named so far.</summary>
    public IEnumerable<string> Fields => _errors.Keys;

    /// <summary>"field: message; …", e.g. for a start-up error about bad configuration.</summary>
    public override string ToString() => string.Join("; ", _errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")));

    public ValidationProblem ToProblem(string title = "The request is not valid.") =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: title);
}
