using Casework.Reporting.Rendering;
using Xunit;

namespace Casework.Reporting.Tests.Rendering;

public sealed class DurationStatisticsTests
{
    private static TimeSpan[] Days(params double[] days) => days.Select(TimeSpan.FromDays).ToArray();

    [Fact]
    public void Nearest_rank_on_one_to_ten_days()
    {
        var summary = DurationStatistics.Summarise(Days(10, 3, 7, 1, 9, 2, 8, 4, 6, 5));
        Assert.Equal(10, summary.Count);
        Assert.Equal(TimeSpan.FromDays(5), summary.Median);       // rank ceil(0.5 × 10) = 5: the lower middle value
        Assert.Equal(TimeSpan.FromDays(9), summary.Percentile90); // rank ceil(0.9 × 10) = 9
    }

    [Theory]
    [InlineData(new double[] { 4 }, 4, 4)]
    [InlineData(new double[] { 1, 2, 3, 4, 100 }, 3, 100)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 6, 10)]
    [InlineData(new double[] { 0.5, 0.5, 1.5, 20, 20, 20, 21 }, 20, 21)]
    public void Known_inputs(double[] days, double median, double p90)
    {
        var summary = DurationStatistics.Summarise(Days(days));
        Assert.Equal(TimeSpan.FromDays(median), summary.Median);
        Assert.Equal(TimeSpan.FromDays(p90), summary.Percentile90);
    }

    [Fact]
    public void No_durations_give_no_figures()
    {
        var summary = DurationStatistics.Summarise([]);
        Assert.Null(summary.Median);
        Assert.IsType<NoneCell>(summary.MedianDays);
        Assert.Throws<ArgumentOutOfRangeException>(() => DurationStatistics.NearestRank([TimeSpan.Zero], 0));
    }

    [Fact]
    public void Figures_from_fewer_than_threshold_cases_are_suppressed_when_published()
    {
        var few = DurationStatistics.Summarise(Days(1, 2, 3, 4));
        var enough = DurationStatistics.Summarise(Days(1, 2, 3, 4, 5.25));
        var columns = new Column[] { new("n", "Cases", ColumnKind.Count), new("m", "Median", ColumnKind.Days), new("p", "P90", ColumnKind.Days) };
        var section = new Suppression().Publish(new ReportSection("t", columns,
        [
            Row.Of(few.Cases, few.MedianDays, few.Percentile90Days),
            Row.Of(enough.Cases, enough.MedianDays, enough.Percentile90Days),
        ]));
        Assert.Equal([CellState.Suppressed, CellState.Withheld, CellState.Withheld], section.Rows[0].Cells.Select(c => c.State));
        Assert.Equal([5m, 3m, 5.3m], section.Rows[1].Cells.Select(c => c.Value!.Value));
    }
}
