using System.Globalization;

namespace Casework.Reporting.Rendering;

public enum CellState
{
    Text,
    Value,
    /// <summary>A count from 1 to threshold-1, hidden: shown as "&lt;threshold", never as a number.</summary>
    Suppressed,
    /// <summary>
    /// Not shown, but not small: a count withheld as the complement of a suppressed one (so it is at least the
    /// threshold), or a median, percentile, percentage or hours figure based on too few people. Shown as "*":
    /// "&lt;5" would be untrue for it, and a reader who knows it is not small learns nothing about the small cell.
    /// </summary>
    Withheld,
    /// <summary>A national sum with hidden regional parts: only its bounds are known (no upper bound when a part was withheld).</summary>
    Range,
    /// <summary>Nothing to show.</summary>
    None,
}

/// <summary>
/// A cell as published: a text, a value, a suppressed marker, a range or nothing. A suppressed cell carries
/// no number at all, so the value cannot leak through any renderer or a rollup.
/// </summary>
public sealed record PublishedCell
{
    private PublishedCell(CellState state, string? text, decimal? value, long? low, long? high) =>
        (State, Text, Value, Low, High) = (state, text, value, low, high);

    public CellState State { get; }
    public string? Text { get; }
    public decimal? Value { get; }
    public long? Low { get; }
    public long? High { get; }

    public static PublishedCell OfText(string text) => new(CellState.Text, text, null, null, null);
    public static PublishedCell OfValue(decimal value) => new(CellState.Value, null, value, null, null);
    /// <summary>A count known to lie between <paramref name="low"/> and <paramref name="high"/> (null: no upper bound).</summary>
    public static PublishedCell OfRange(long low, long? high) =>
        low == high ? OfValue(low) : low > high ? throw new ArgumentException("low > high") : new(CellState.Range, null, null, low, high);
    public static readonly PublishedCell Suppressed = new(CellState.Suppressed, null, null, null, null);
    public static readonly PublishedCell Withheld = new(CellState.Withheld, null, null, null, null);
    public static readonly PublishedCell None = new(CellState.None, null, null, null, null);

    /// <summary>Whether the cell stands for a number that is not shown exactly (drawn as a hatched marker in charts).</summary>
    public bool IsHidden => State is CellState.Suppressed or CellState.Withheld or CellState.Range;

    /// <summary>
    /// The one text every renderer shows. Numbers use the invariant culture (a CSV opened anywhere reads the
    /// same); a range reads "13 to 16" rather than "13-16", which Excel would turn into a date.
    /// </summary>
    public string Display(ColumnKind kind, int threshold) => State switch
    {
        CellState.Text => Text!,
        CellState.Value => kind == ColumnKind.Count
            ? Value!.Value.ToString("0", CultureInfo.InvariantCulture)
            : Value!.Value.ToString("0.0", CultureInfo.InvariantCulture),
        CellState.Suppressed => Suppression.MarkerFor(threshold),
        CellState.Withheld => Suppression.WithheldMarker,
        CellState.Range => High is null
            ? string.Create(CultureInfo.InvariantCulture, $"at least {Low}")
            : string.Create(CultureInfo.InvariantCulture, $"{Low} to {High}"),
        _ => "",
    };
}

public sealed record PublishedRow(IReadOnlyList<PublishedCell> Cells, bool IsTotal = false)
{
    /// <summary>The row's name: its first text cell (the category in charts).</summary>
    public string Label => Cells.FirstOrDefault(c => c.State == CellState.Text)?.Text ?? "";

    /// <summary>Every text cell in order: what identifies the row (a pathway and an outcome), the key when regions are combined.</summary>
    public IReadOnlyList<string> Labels => Cells.Where(c => c.State == CellState.Text).Select(c => c.Text ?? "").ToList();

    /// <summary><see cref="Labels"/> as one comparable key.</summary>
    public string Key => string.Join('\u001f', Labels);
}

public sealed record PublishedSection(string Title, IReadOnlyList<Column> Columns, IReadOnlyList<PublishedRow> Rows, ChartHint? Chart = null)
{
    public int ColumnIndex(string key)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (Columns[i].Key == key) return i;
        return -1;
    }
}

/// <summary>
/// A report after suppression: the only form that is rendered (CSV, HTML) or sent (rollup).
/// <paramref name="SuppressionThreshold"/> is kept so every renderer prints the same marker.
/// </summary>
public sealed record PublishedReport(
    string Title,
    ReportPeriod Period,
    DateTimeOffset AsOf,
    string Region,
    int SuppressionThreshold,
    IReadOnlyList<PublishedSection> Sections)
{
    public string SuppressionMarker => Suppression.MarkerFor(SuppressionThreshold);
}
