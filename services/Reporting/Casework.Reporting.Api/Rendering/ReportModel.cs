namespace Casework.Reporting.Rendering;

/// <summary>What a column holds; it decides how a cell is suppressed and formatted.</summary>
public enum ColumnKind
{
    /// <summary>A label such as a pathway or outcome name (admin-entered: untrusted text).</summary>
    Text,
    /// <summary>A number of cases or people: suppressed when 1..threshold-1.</summary>
    Count,
    /// <summary>A duration in days (median, 90th percentile): suppressed when based on fewer than threshold cases.</summary>
    Days,
    /// <summary>Hours of support: suppressed when delivered to fewer than threshold people.</summary>
    Hours,
    /// <summary>A percentage (0..100): suppressed when its whole is under threshold or its part is 1..threshold-1.</summary>
    Percent,
}

public enum ChartKind
{
    Bar,
    StackedBar,
    /// <summary>For trends: the rows are points in time, in order.</summary>
    Line,
}

/// <summary>
/// One column. <paramref name="IsTotal"/> marks the count column that is the sum of the row's other count
/// columns: secondary suppression uses it so a hidden cell cannot be recovered by subtraction.
/// </summary>
public sealed record Column(string Key, string Title, ColumnKind Kind, bool IsTotal = false)
{
    public bool IsNumeric => Kind != ColumnKind.Text;
}

/// <summary>How to chart a section: the category is the row's first text column, each series a column key.</summary>
public sealed record ChartHint(ChartKind Kind, IReadOnlyList<string> SeriesColumns);

/// <summary>The dates a report covers, both inclusive.</summary>
public sealed record ReportPeriod(DateOnly From, DateOnly To)
{
    public static ReportPeriod Of(DateOnly from, DateOnly to) =>
        to < from ? throw new ArgumentException("A period ends on or after its start.", nameof(to)) : new(from, to);
}

/// <summary>
/// A raw cell, before suppression. Only <see cref="Suppression.Publish(Report)"/> turns these into what
/// anyone sees, so no renderer can show a raw count by mistake.
/// </summary>
public abstract record Cell
{
    public static Cell Label(string text) => new TextCell(text);
    public static Cell Count(long count) => count < 0 ? throw new ArgumentOutOfRangeException(nameof(count)) : new CountCell(count);

    /// <summary>A figure derived from <paramref name="basedOn"/> cases or people (median days, hours...).</summary>
    public static Cell Figure(decimal value, long basedOn) =>
        basedOn < 0 ? throw new ArgumentOutOfRangeException(nameof(basedOn)) : new FigureCell(value, basedOn);

    /// <summary><paramref name="part"/> out of <paramref name="whole"/>, published as a percentage.</summary>
    public static Cell Percent(long part, long whole) =>
        part < 0 || whole < 0 || part > whole ? throw new ArgumentOutOfRangeException(nameof(part)) : new PercentCell(part, whole);

    /// <summary>Nothing to show (a median of no cases, a pathway a region does not run).</summary>
    public static readonly Cell None = new NoneCell();
}

public sealed record TextCell(string Text) : Cell;
public sealed record CountCell(long Value) : Cell;
public sealed record FigureCell(decimal Value, long BasedOn) : Cell;
public sealed record PercentCell(long Part, long Whole) : Cell;
public sealed record NoneCell : Cell;

/// <summary><paramref name="IsTotal"/> marks the row that sums the other rows' counts, column by column.</summary>
public sealed record Row(IReadOnlyList<Cell> Cells, bool IsTotal = false)
{
    public static Row Of(params Cell[] cells) => new(cells);
    public static Row Total(params Cell[] cells) => new(cells, IsTotal: true);
}

public sealed record ReportSection(string Title, IReadOnlyList<Column> Columns, IReadOnlyList<Row> Rows, ChartHint? Chart = null);

/// <summary>A report before suppression: never rendered or sent as it is.</summary>
public sealed record Report(string Title, ReportPeriod Period, DateTimeOffset AsOf, string Region, IReadOnlyList<ReportSection> Sections);
