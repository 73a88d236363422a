namespace Casework.Persistence;

/// <summary>
/// Conditions on top-level document fields (by their JSON name; <c>id</c> is the document's id). Every engine
/// (PostgreSQL, MongoDB) translates the same conditions; values are given as text and compare as the field's JSON text
/// on PostgreSQL, so store dates in UTC ISO-8601 to sort them. MongoDB compares a field the document type declares as a
/// boolean or a number as that type: equality (Equal, In, Includes) matches alike on both engines for "true", "false"
/// and whole numbers, but a range over a number does not (PostgreSQL's text order puts "10" before "9"), so the
/// services use ranges only on text fields (dates, ids, positions).
/// </summary>
public sealed class DocumentFilter
{
    private readonly List<FieldCondition> _conditions = [];

    public IReadOnlyList<FieldCondition> Conditions => _conditions;

    /// <summary>A new filter with the same conditions: filters are built up in place, so a shared base needs one per query.</summary>
    public DocumentFilter Clone()
    {
        var copy = new DocumentFilter();
        copy._conditions.AddRange(_conditions);
        return copy;
    }

    public DocumentFilter Equal(string field, string? value)
    {
        if (value is not null)
        {
            _conditions.Add(new FieldCondition(field, ConditionKind.Equal, [value]));
        }
        return this;
    }

    public DocumentFilter In(string field, IEnumerable<string> values)
    {
        _conditions.Add(new FieldCondition(field, ConditionKind.In, values.ToArray()));
        return this;
    }

    /// <summary>The document has no such field, or it is null (e.g. documents stored before the field existed).</summary>
    public DocumentFilter Missing(string field)
    {
        _conditions.Add(new FieldCondition(field, ConditionKind.Missing, []));
        return this;
    }

    /// <summary>The field is below <paramref name="value"/> (as text; a document without the field never matches).</summary>
    public DocumentFilter LessThan(string field, string? value) => Range(field, ConditionKind.LessThan, value);

    /// <summary>The field is at or below <paramref name="value"/> (as text; a document without the field never matches).</summary>
    public DocumentFilter AtMost(string field, string? value) => Range(field, ConditionKind.AtMost, value);

    /// <summary>The field is at or above <paramref name="value"/> (as text; a document without the field never matches).</summary>
    public DocumentFilter AtLeast(string field, string? value) => Range(field, ConditionKind.AtLeast, value);

    /// <summary>
    /// The field's text contains <paramref name="text"/>, ignoring case; the text is literal (no wildcards).
    /// Not served by an index: use it only next to a condition that narrows the rows (a case, a team).
    /// </summary>
    public DocumentFilter Contains(string field, string? text) => Range(field, ConditionKind.Contains, string.IsNullOrEmpty(text) ? null : text);

    /// <summary>The field is a list of strings that includes <paramref name="value"/> (e.g. a worker's teams).</summary>
    public DocumentFilter Includes(string field, string? value) => Range(field, ConditionKind.Includes, value);

    private DocumentFilter Range(string field, ConditionKind kind, string? value)
    {
        if (value is not null)
        {
            _conditions.Add(new FieldCondition(field, kind, [value]));
        }
        return this;
    }
}

public enum ConditionKind
{
    Equal,
    In,
    LessThan,
    AtMost,
    AtLeast,
    Contains,
    Includes,
    Missing,
}

public sealed record FieldCondition(string Field, ConditionKind Kind, IReadOnlyList<string> Values);

public sealed class DocumentQuery
{
    public DocumentFilter Filter { get; init; } = new();
    /// <summary>
    /// The field to order by (ties by id in the same direction; null: by id). Documents without the field come last
    /// ascending and first descending, on every engine (PostgreSQL's default order).
    /// </summary>
    public string? OrderBy { get; init; }
    public bool Descending { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; } = 50;

    /// <summary>
    /// Matches are counted up to this many, or up to the end of the requested page if that is further
    /// (null: all). An exact count over a large collection reads every match (hundreds of milliseconds at
    /// 100k cases, make bench); a list needs "200 or more" to page, and Reporting gives the real counts.
    /// 0: no count at all (the page's Total is then offset + items, exact only on a short page).
    /// </summary>
    public int? CountLimit { get; init; } = DefaultCountLimit;

    public const int DefaultCountLimit = 200;
}
