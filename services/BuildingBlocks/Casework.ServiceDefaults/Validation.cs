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

    public bool Required(string field, string? value, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "The field is required.");
            return false;
        }
        return Check(value.Length <= maxLength, field, $"The field must be at most {maxLength} characters.");
    }

    public bool Optional(string field, string? value, int maxLength = 200) =>
        value is null || Check(value.Length <= maxLength, field, $"The field must be at most {maxLength} characters.");

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

    public ValidationProblem ToProblem(string title = "The request is not valid.") =>
        TypedResults.ValidationProblem(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: title);
}
