using Casework.Reporting.Federation;
using Casework.Reporting.Rendering;
using Casework.Reporting.Tests.Rendering;
using Xunit;

namespace Casework.Reporting.Tests.Federation;

public sealed class NationalRollupTests
{
    private static readonly DateTimeOffset GeneratedAt = new(2026, 4, 2, 7, 0, 0, TimeSpan.Zero);

    private static readonly Column[] Columns =
    [
        new("pathway", "Pathway", ColumnKind.Text),
        new("opened", "Opened", ColumnKind.Count),
        new("median", "Median days", ColumnKind.Days),
    ];

    private static RegionalRollup Region(string id, DateTimeOffset asOf, params Row[] rows) =>
        RegionalRollup.From(new Suppression().Publish(new Report("Impact", SampleReports.Period, asOf, id,
            [new ReportSection("Cases", Columns, rows, new ChartHint(ChartKind.Bar, ["opened"]))])), GeneratedAt);

    private static readonly RegionalRollup NorthWest = Region("north-west", SampleReports.AsOf,
        Row.Of(Cell.Label("Employment"), Cell.Count(12), Cell.Figure(30m, 12)),
        Row.Of(Cell.Label("Housing"), Cell.Count(3), Cell.Figure(8m, 3)),
        Row.Of(Cell.Label("Debt advice"), Cell.Count(9), Cell.Figure(11m, 9)),
        Row.Total(Cell.Label("All"), Cell.Count(24), Cell.Figure(20m, 24)));

    private static readonly RegionalRollup Wales = Region("wales", SampleReports.AsOf.AddHours(-5),
        Row.Of(Cell.Label("Employment"), Cell.Count(2), Cell.Figure(10m, 2)),
        Row.Of(Cell.Label("Debt advice"), Cell.Count(40), Cell.Figure(14m, 40)),
        Row.Total(Cell.Label("All"), Cell.Count(42), Cell.Figure(14m, 42)));

    private static PublishedReport National => NationalRollup.Combine([Wales, NorthWest], "National impact");

    private static PublishedRow RowOf(PublishedSection section, string label) => section.Rows.Single(r => r.Label == label);

    [Fact]
    public void Counts_are_summed_and_a_sum_with_hidden_parts_is_a_range()
    {
        var cases = National.Sections.Single(s => s.Title == "Cases");
        Assert.Equal(["pathway", "opened"], cases.Columns.Select(c => c.Key));
        // 12 + "<5" (1..4) = 13 to 16.
        Assert.Equal("13 to 16", RowOf(cases, "Employment").Cells[1].Display(ColumnKind.Count, 5));
        // "<5" + nothing (0) = 1 to 4.
        Assert.Equal("1 to 4", RowOf(cases, "Housing").Cells[1].Display(ColumnKind.Count, 5));
        // Both regions withheld their Debt advice count as the complement of a "<5": each is at least 5, with no upper bound.
        Assert.Equal("at least 10", RowOf(cases, "Debt advice").Cells[1].Display(ColumnKind.Count, 5));
        Assert.Equal(66m, RowOf(cases, "All").Cells[1].Value);
        Assert.True(cases.Rows[^1].IsTotal);
        Assert.NotNull(cases.Chart);
    }

    [Fact]
    public void Rows_named_by_several_text_cells_are_matched_by_all_of_them()
    {
        // The impact report's outcomes: the pathway repeats on each of its outcomes' rows.
        Column[] columns = [new("pathway", "Pathway", ColumnKind.Text), new("outcome", "Outcome", ColumnKind.Text), new("cases", "Cases", ColumnKind.Count)];
        RegionalRollup Outcomes(string region, long found, long kept) => RegionalRollup.From(new Suppression().Publish(new Report("Impact",
            SampleReports.Period, SampleReports.AsOf, region, [new ReportSection("Outcomes", columns,
            [
                Row.Of(Cell.Label("Housing"), Cell.Label("Found a home"), Cell.Count(found)),
                Row.Of(Cell.Label("Housing"), Cell.Label("Kept a home"), Cell.Count(kept)),
            ])])), GeneratedAt);

        var outcomes = NationalRollup.Combine([Outcomes("wales", 6, 9), Outcomes("north-west", 10, 20)], "National").Sections.Single(s => s.Title == "Outcomes");

        Assert.Equal(["pathway", "outcome", "cases"], outcomes.Columns.Select(c => c.Key));
        Assert.Equal([["Housing", "Found a home"], ["Housing", "Kept a home"]], outcomes.Rows.Select(r => r.Labels));
        Assert.Equal([16m, 29m], outcomes.Rows.Select(r => r.Cells[2].Value));
    }

    [Fact]
    public void A_forged_count_too_large_to_sum_is_refused()
    {
        var forged = new PublishedReport("Impact", SampleReports.Period, SampleReports.AsOf, "wales", 5,
            [new PublishedSection("Cases", Columns, [new PublishedRow([PublishedCell.OfText("Employment"), PublishedCell.OfValue(decimal.MaxValue), PublishedCell.None])])]);
        Assert.Contains("implausibly large", RegionalRollup.UnsuppressedCount(forged));
    }

    [Fact]
    public void Medians_are_shown_region_by_region_as_published()
    {
        var byRegion = National.Sections.Single(s => s.Title == "Cases by region");
        Assert.Equal(["region", "pathway", "median"], byRegion.Columns.Select(c => c.Key));
        var walesEmployment = byRegion.Rows.Single(r => r.Cells[0].Text == "wales" && r.Cells[1].Text == "Employment");
        Assert.Equal(CellState.Withheld, walesEmployment.Cells[2].State);
        var northWestEmployment = byRegion.Rows.Single(r => r.Cells[0].Text == "north-west" && r.Cells[1].Text == "Employment");
        Assert.Equal(30m, northWestEmployment.Cells[2].Value);
    }

    [Fact]
    public void The_national_report_lists_its_regions_and_is_as_fresh_as_the_oldest()
    {
        var national = National;
        Assert.Equal("national", national.Region);
        Assert.Equal(Wales.Report.AsOf, national.AsOf);
        Assert.Equal(["north-west", "wales"], national.Sections[0].Rows.Select(r => r.Label));
        // It renders like any published report.
        Assert.Contains("13 to 16", HtmlReport.Render(national));
    }

    [Fact]
    public void Rollups_that_do_not_belong_together_are_refused()
    {
        var otherPeriod = RegionalRollup.From(Wales.Report with { Period = ReportPeriod.Of(new DateOnly(2024, 4, 1), new DateOnly(2025, 3, 31)) }, GeneratedAt);
        Assert.Throws<ArgumentException>(() => NationalRollup.Combine([NorthWest, otherPeriod], "x"));
        var otherThreshold = RegionalRollup.From(Wales.Report with { SuppressionThreshold = 10 }, GeneratedAt);
        Assert.Throws<ArgumentException>(() => NationalRollup.Combine([NorthWest, otherThreshold], "x"));
        Assert.Throws<ArgumentException>(() => NationalRollup.Combine([NorthWest, NorthWest], "x"));
        var repeatedRow = Region("scotland", SampleReports.AsOf, Row.Of(Cell.Label("Employment"), Cell.Count(10), Cell.None), Row.Of(Cell.Label("Employment"), Cell.Count(20), Cell.None));
        Assert.Throws<ArgumentException>(() => NationalRollup.Combine([NorthWest, repeatedRow], "x"));
    }
}
