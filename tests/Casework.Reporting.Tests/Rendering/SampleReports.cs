using System.Globalization;
using Casework.Reporting.Rendering;

namespace Casework.Reporting.Tests.Rendering;

/// <summary>Reports the rendering and federation tests share: an impact report with totals, durations and a hostile name.</summary>
internal static class SampleReports
{
    public const string HostileName = "<script>alert('x')</script> & \"Housing\" =HYPERLINK(\"http://evil.example\")";

    /// <summary>Hidden by complementary suppression: this number must appear in no rendered output.</summary>
    public const long HiddenComplement = 98765;

    /// <summary>A median from three cases: suppressed, so "123.4" must appear nowhere.</summary>
    public const decimal HiddenMedian = 123.4m;

    public static readonly ReportPeriod Period = ReportPeriod.Of(new DateOnly(2025, 4, 1), new DateOnly(2026, 3, 31));
    public static readonly DateTimeOffset AsOf = new(2026, 4, 2, 6, 30, 0, TimeSpan.Zero);

    public static readonly Column[] CaseColumns =
    [
        new("pathway", "Pathway", ColumnKind.Text),
        new("closed", "Closed", ColumnKind.Count),
        new("open", "Still open", ColumnKind.Count),
        new("opened", "Opened", ColumnKind.Count, IsTotal: true),
        new("achieved", "Outcome achieved (%)", ColumnKind.Percent),
        new("medianDays", "Median days to close", ColumnKind.Days),
    ];

    public static Report Impact(string region = "north-west") => new(
        "Impact report",
        Period,
        AsOf,
        region,
        [
            new ReportSection("Cases by pathway", CaseColumns,
            [
                Row.Of(Cell.Label("Employment"), Cell.Count(40), Cell.Count(12), Cell.Count(52), Cell.Percent(30, 40), Cell.Figure(41.25m, 40)),
                Row.Of(Cell.Label(HostileName), Cell.Count(3), Cell.Count(HiddenComplement), Cell.Count(HiddenComplement + 3), Cell.Percent(2, 3), Cell.Figure(HiddenMedian, 3)),
                Row.Of(Cell.Label("Debt advice"), Cell.Count(0), Cell.Count(7), Cell.Count(7), Cell.None, Cell.None),
                Row.Total(Cell.Label("All pathways"), Cell.Count(43), Cell.Count(HiddenComplement + 19), Cell.Count(HiddenComplement + 62), Cell.Percent(32, 43), Cell.Figure(40m, 43)),
            ], new ChartHint(ChartKind.StackedBar, ["closed", "open"])),
            new ReportSection("Support delivered", [new("type", "Note type", ColumnKind.Text), new("notes", "Notes", ColumnKind.Count), new("hours", "Hours", ColumnKind.Hours)],
            [
                Row.Of(Cell.Label("Phone call"), Cell.Count(120), Cell.Figure(-1.5m, 30)),
                Row.Of(Cell.Label("Home visit"), Cell.Count(2), Cell.Figure(6.5m, 2)),
            ], new ChartHint(ChartKind.Bar, ["notes"])),
            new ReportSection("Cases opened by month", [new("month", "Month", ColumnKind.Text), new("opened", "Opened", ColumnKind.Count)],
                Enumerable.Range(0, 6).Select(m => Row.Of(
                    Cell.Label(new DateOnly(2025, 4 + m, 1).ToString("MMM yyyy", CultureInfo.InvariantCulture)),
                    Cell.Count(m == 2 ? 2 : 10 + m))).ToList(),
                new ChartHint(ChartKind.Line, ["opened"])),
        ]);

    public static PublishedReport PublishedImpact(string region = "north-west") => new Suppression().Publish(Impact(region));
}
