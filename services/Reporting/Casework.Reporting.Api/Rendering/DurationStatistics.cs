namespace Casework.Reporting.Rendering;

/// <summary>
/// Median and 90th percentile of durations by the nearest-rank method: sort the n values and take the one at
/// rank ceil(p/100 × n) (1-based). The result is always an observed duration, needs no interpolation, and is
/// the same however the values were collected; for an even n the median is the lower of the two middle values.
/// </summary>
public static class DurationStatistics
{
    public static DurationSummary Summarise(IEnumerable<TimeSpan> durations)
    {
        var sorted = durations.Order().ToArray();
        return new DurationSummary(sorted.Length, NearestRank(sorted, 50), NearestRank(sorted, 90));
    }

    /// <summary>The <paramref name="percentile"/>th percentile (1..100) of already sorted values, or null when there are none.</summary>
    public static TimeSpan? NearestRank(IReadOnlyList<TimeSpan> sorted, int percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (sorted.Count == 0) return null;
        var rank = (int)Math.Ceiling(percentile / 100m * sorted.Count);
        return sorted[rank - 1];
    }
}

/// <summary>
/// How many durations there were and their median and 90th percentile. The cells carry the count, so
/// <see cref="Suppression"/> hides the figures when fewer than the threshold cases are behind them.
/// </summary>
public sealed record DurationSummary(int Count, TimeSpan? Median, TimeSpan? Percentile90)
{
    public Cell Cases => Cell.Count(Count);
    public Cell MedianDays => Days(Median);
    public Cell Percentile90Days => Days(Percentile90);

    private Cell Days(TimeSpan? duration) => duration is { } d ? Cell.Figure((decimal)d.TotalDays, Count) : Cell.None;
}
