using Casework.Reporting.Rendering;
using Xunit;

namespace Casework.Reporting.Tests.Rendering;

public sealed class SuppressionTests
{
    private static readonly Suppression Default = new();

    private static PublishedSection Publish(IReadOnlyList<Column> columns, params Row[] rows) =>
        Default.Publish(new ReportSection("t", columns, rows));

    private static readonly Column[] TwoPartsAndTotal =
    [
        new("name", "Name", ColumnKind.Text),
        new("a", "A", ColumnKind.Count),
        new("b", "B", ColumnKind.Count),
        new("c", "C", ColumnKind.Count),
        new("total", "Total", ColumnKind.Count, IsTotal: true),
    ];

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    [InlineData(6, false)]
    public void Counts_from_one_to_threshold_minus_one_are_hidden_and_zero_is_shown(long count, bool hidden)
    {
        var section = Publish([new("n", "N", ColumnKind.Count)], Row.Of(Cell.Count(count)));
        var cell = section.Rows[0].Cells[0];
        Assert.Equal(hidden ? CellState.Suppressed : CellState.Value, cell.State);
        Assert.Equal(hidden ? "<5" : count.ToString(), cell.Display(ColumnKind.Count, 5));
    }

    [Fact]
    public void The_marker_names_a_configured_threshold()
    {
        var section = new Suppression(10).Publish(new ReportSection("t", [new("n", "N", ColumnKind.Count)], [Row.Of(Cell.Count(9))]));
        Assert.Equal("<10", section.Rows[0].Cells[0].Display(ColumnKind.Count, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Suppression(1));
    }

    [Fact]
    public void Figures_from_fewer_than_threshold_cases_are_hidden_and_others_rounded_to_one_place()
    {
        var columns = new Column[] { new("d", "Days", ColumnKind.Days), new("h", "Hours", ColumnKind.Hours), new("p", "%", ColumnKind.Percent) };
        var section = Publish(columns,
            Row.Of(Cell.Figure(12.345m, 4), Cell.Figure(100m, 4), Cell.Percent(4, 4)),
            Row.Of(Cell.Figure(12.35m, 5), Cell.Figure(7.25m, 5), Cell.Percent(5, 6)),
            Row.Of(Cell.Figure(9m, 0), Cell.None, Cell.Percent(0, 0)),
            Row.Of(Cell.Figure(1m, 50), Cell.Figure(1m, 50), Cell.Percent(3, 50)),
            Row.Of(Cell.Figure(1m, 50), Cell.Figure(1m, 50), Cell.Percent(0, 50)));

        // "*", not "<5": a median of 100 days is not "less than 5".
        Assert.All(section.Rows[0].Cells, c => Assert.Equal(CellState.Withheld, c.State));
        Assert.Equal("*", section.Rows[0].Cells[0].Display(ColumnKind.Days, 5));
        Assert.Equal([12.4m, 7.3m, 83.3m], section.Rows[1].Cells.Select(c => c.Value!.Value));
        Assert.All(section.Rows[2].Cells, c => Assert.Equal(CellState.None, c.State));
        // 3 of 50 is 6 %: from the percentage and the whole anyone gets the 3 back.
        Assert.Equal(CellState.Withheld, section.Rows[3].Cells[2].State);
        Assert.Equal(0m, section.Rows[4].Cells[2].Value);
    }

    [Fact]
    public void One_hidden_part_of_a_row_total_hides_the_next_smallest_non_zero_part()
    {
        var section = Publish(TwoPartsAndTotal, Row.Of(Cell.Label("x"), Cell.Count(3), Cell.Count(20), Cell.Count(0), Cell.Count(23)));
        var cells = section.Rows[0].Cells;
        Assert.Equal(CellState.Suppressed, cells[1].State);
        Assert.Equal(CellState.Withheld, cells[2].State);    // 20 = 23 - 0 - 3 otherwise gives the 3 back
        Assert.Equal("*", cells[2].Display(ColumnKind.Count, 5));
        Assert.Equal(0m, cells[3].Value);                    // zeros are never the complement: hiding them protects nothing
        Assert.Equal(23m, cells[4].Value);
    }

    [Fact]
    public void Two_hidden_parts_need_no_complement()
    {
        var section = Publish(TwoPartsAndTotal, Row.Of(Cell.Label("x"), Cell.Count(3), Cell.Count(2), Cell.Count(40), Cell.Count(45)));
        Assert.Equal([CellState.Suppressed, CellState.Suppressed, CellState.Value, CellState.Value], section.Rows[0].Cells.Skip(1).Select(c => c.State));
    }

    [Fact]
    public void Small_hidden_parts_whose_known_sum_pins_them_hide_one_more()
    {
        // 4 + 4 + 40 = 48: the two "<5" must add up to 8, so both are 4; the 40 is withheld to leave them open.
        var full = Publish(TwoPartsAndTotal, Row.Of(Cell.Label("x"), Cell.Count(4), Cell.Count(4), Cell.Count(40), Cell.Count(48)));
        Assert.Equal([CellState.Suppressed, CellState.Suppressed, CellState.Withheld, CellState.Value], full.Rows[0].Cells.Skip(1).Select(c => c.State));
        // 1 + 1 + 40 = 42: both must be 1.
        var ones = Publish(TwoPartsAndTotal, Row.Of(Cell.Label("y"), Cell.Count(1), Cell.Count(1), Cell.Count(40), Cell.Count(42)));
        Assert.Equal(CellState.Withheld, ones.Rows[0].Cells[3].State);
    }

    [Fact]
    public void A_hidden_cell_in_a_column_with_a_total_row_hides_another_in_that_column_and_rows_are_rechecked()
    {
        var section = Publish(TwoPartsAndTotal,
            Row.Of(Cell.Label("p"), Cell.Count(2), Cell.Count(10), Cell.Count(11), Cell.Count(23)),
            Row.Of(Cell.Label("q"), Cell.Count(30), Cell.Count(9), Cell.Count(8), Cell.Count(47)),
            Row.Of(Cell.Label("r"), Cell.Count(20), Cell.Count(12), Cell.Count(6), Cell.Count(38)),
            Row.Total(Cell.Label("all"), Cell.Count(52), Cell.Count(31), Cell.Count(25), Cell.Count(108)));

        bool Hidden(int r, int c) => section.Rows[r].Cells[c].IsHidden;
        // Row p: 2 hidden, so its smallest other part (10) too.
        Assert.True(Hidden(0, 1));
        Assert.True(Hidden(0, 2));
        // Column a: only p's 2 hidden, so the smallest other (r's 20) too; column b: q's 9 for p's 10.
        Assert.True(Hidden(2, 1));
        Assert.True(Hidden(1, 2));
        // Then rows r and q each have one hidden part again: r hides 6 (its next smallest), q hides 8.
        Assert.True(Hidden(2, 3));
        Assert.True(Hidden(1, 3));
        AssertNoSumHasExactlyOneHiddenCell(section);
    }

    [Fact]
    public void When_no_part_can_hide_a_lone_hidden_part_the_total_is_hidden()
    {
        Column[] columns = [new("name", "Name", ColumnKind.Text), new("a", "A", ColumnKind.Count), new("b", "B", ColumnKind.Count), new("total", "Total", ColumnKind.Count, IsTotal: true)];
        var section = Publish(columns,
            Row.Of(Cell.Label("p"), Cell.Count(3), Cell.Count(20), Cell.Count(23)),
            Row.Of(Cell.Label("q"), Cell.Count(10), Cell.Count(0), Cell.Count(10)),
            Row.Total(Cell.Label("all"), Cell.Count(13), Cell.Count(20), Cell.Count(33)));

        // Column a hides q's 10 as the complement of p's 3; q's other part is 0, so only its total can protect the 10.
        Assert.Equal(CellState.Withheld, section.Rows[1].Cells[1].State);
        Assert.Equal(CellState.Withheld, section.Rows[1].Cells[3].State);
        Assert.Equal(0m, section.Rows[1].Cells[2].Value);
        AssertNoSumHasExactlyOneHiddenCell(section);
    }

    [Fact]
    public void A_percentage_in_a_row_with_a_complement_hidden_is_hidden_too()
    {
        var section = SampleReports.PublishedImpact().Sections[0];
        var hostile = section.Rows[1];
        Assert.Equal(CellState.Suppressed, hostile.Cells[1].State);
        Assert.Equal(CellState.Withheld, hostile.Cells[2].State);
        Assert.Equal(CellState.Withheld, hostile.Cells[4].State);
        Assert.Equal(CellState.Withheld, hostile.Cells[5].State);
    }

    [Fact]
    public void Cells_that_do_not_fit_their_column_are_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => Publish([new("n", "N", ColumnKind.Count)], Row.Of(Cell.Label("x"))));
        Assert.Throws<ArgumentException>(() => Publish([new("n", "N", ColumnKind.Count)], Row.Of(Cell.Count(1), Cell.Count(2))));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cell.Count(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cell.Percent(3, 2));
    }

    private static readonly Column[] TypesWithHours =
    [
        new("type", "Type", ColumnKind.Text),
        new("hours", "Hours", ColumnKind.Hours),
        new("median", "Median days", ColumnKind.Days),
    ];

    [Fact]
    public void Hours_withheld_for_too_few_cases_are_protected_from_the_total_row_like_counts()
    {
        var section = Publish(TypesWithHours,
            Row.Of(Cell.Label("a"), Cell.Figure(3.0m, 2), Cell.Figure(1m, 2)),
            Row.Of(Cell.Label("b"), Cell.Figure(10.0m, 6), Cell.Figure(2m, 6)),
            Row.Of(Cell.Label("c"), Cell.Figure(12.0m, 7), Cell.Figure(3m, 7)),
            Row.Total(Cell.Label("all"), Cell.Figure(25.0m, 15), Cell.Figure(2m, 15)));

        Assert.Equal("*", section.Rows[0].Cells[1].Display(ColumnKind.Hours, 5));
        // 25.0 - 12.0 - 10.0 would give the 3.0 back: the next smallest part goes too.
        Assert.Equal("*", section.Rows[1].Cells[1].Display(ColumnKind.Hours, 5));
        Assert.Equal("12.0", section.Rows[2].Cells[1].Display(ColumnKind.Hours, 5));
        Assert.Equal("25.0", section.Rows[3].Cells[1].Display(ColumnKind.Hours, 5));
        // Medians do not add up: only the one based on too few is withheld.
        Assert.Equal(["*", "2.0", "3.0", "2.0"], section.Rows.Select(r => r.Cells[2].Display(ColumnKind.Days, 5)));
    }

    [Fact]
    public void A_count_column_figure_is_a_whole_number_shown_only_when_based_on_enough_cases_and_protected_in_its_sum()
    {
        Column[] columns = [new("type", "Type", ColumnKind.Text), new("cases", "Cases", ColumnKind.Count), new("notes", "Notes", ColumnKind.Count)];
        var section = Publish(columns,
            Row.Of(Cell.Label("a"), Cell.Count(1), Cell.Figure(11, 1)),
            Row.Of(Cell.Label("b"), Cell.Count(6), Cell.Figure(20, 6)),
            Row.Of(Cell.Label("c"), Cell.Count(8), Cell.Figure(30, 8)),
            Row.Total(Cell.Label("all"), Cell.Count(15), Cell.Figure(61, 15)));

        Assert.Equal(["<5", "*"], section.Rows[0].Cells.Skip(1).Select(c => c.Display(ColumnKind.Count, 5)));
        Assert.Equal("*", section.Rows[1].Cells[2].Display(ColumnKind.Count, 5)); // 61 - 30 - 20 would give the 11 back
        Assert.Equal("30", section.Rows[2].Cells[2].Display(ColumnKind.Count, 5));
        Assert.Equal("61", section.Rows[3].Cells[2].Display(ColumnKind.Count, 5));
    }

    /// <summary>Every row and column that declares a total has zero or at least two hidden cells.</summary>
    private static void AssertNoSumHasExactlyOneHiddenCell(PublishedSection section)
    {
        var countColumns = Enumerable.Range(0, section.Columns.Count).Where(c => section.Columns[c].Kind == ColumnKind.Count).ToList();
        foreach (var row in section.Rows)
            Assert.NotEqual(1, countColumns.Count(c => row.Cells[c].IsHidden));
        if (section.Rows.Any(r => r.IsTotal))
            foreach (var c in countColumns)
                Assert.NotEqual(1, section.Rows.Count(r => r.Cells[c].IsHidden));
    }
}
