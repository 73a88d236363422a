using System.Diagnostics;

namespace Casework.Bench;

/// <summary>Latency samples of one measurement, and the percentiles the report gives.</summary>
public sealed class Latencies
{
    private readonly List<long> _ticks = [];
    private long[]? _sorted;

    public int Count { get { lock (_ticks) { return _ticks.Count; } } }

    public void Add(long stopwatchTicks)
    {
        lock (_ticks)
        {
            _ticks.Add(stopwatchTicks);
            _sorted = null;
        }
    }

    public void AddMilliseconds(double milliseconds) => Add((long)(milliseconds * Stopwatch.Frequency / 1000));

    public void AddRange(Latencies other)
    {
        lock (other._ticks)
        lock (_ticks)
        {
            _ticks.AddRange(other._ticks);
            _sorted = null;
        }
    }

    /// <summary>The p-th percentile (0..100) in milliseconds, nearest-rank; NaN when there are no samples.</summary>
    public double Percentile(double p)
    {
        long[] sorted;
        lock (_ticks)
        {
            sorted = _sorted ??= [.. _ticks.Order()];
        }
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return ToMilliseconds(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)]);
    }

    public LatencySummary Summary() => new(Count, Percentile(50), Percentile(99), Percentile(99.9), Percentile(100));

    public static double ToMilliseconds(long stopwatchTicks) => stopwatchTicks * 1000.0 / Stopwatch.Frequency;
}

/// <summary>Percentiles in milliseconds.</summary>
public sealed record LatencySummary(int Samples, double P50, double P99, double P999, double Max);
