using System.Globalization;

namespace Casework.Reporting.Rendering;

public enum CellState
{
    Text,
    Value,
    /// <summary>Hidden by small-number suppression: shown as "&lt;threshold", never as a number.</summary>
    Suppressed,
    /// <summary>A national sum with suppressed regional parts: only its bounds are known.</summary>
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
    public static PublishedCell OfRange(long low, long high) =>
        low == high ? OfValue(low) : low > high ? throw new ArgumentException("low > high") : new(CellState.Range, null, null, low, high);
    public static readonly PublishedCell Suppressed = new(CellState.Suppressed, null, null, null, null);
    public static readonly PublishedCell None = new(CellState.None, null, null, null, null);

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
        CellState.Range => string.Create(CultureInfo.InvariantCulture, $"{Low} to {High}"),
        _ => "",
    };
}

public sealed record PublishedRow(IReadOnlyList<PublishedCell> Cells, bool IsTotal = false)
{
    /// <summary>The row's name: its first text cell (the category in charts, the key when regions are combined).</summary>
    public string Label => Cells.FirstOrDefault(c => c.State == CellState.Text)?.Text ?? "";
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
