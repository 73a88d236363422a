namespace Casework.Bench;

/// <summary>
/// CPU time used by each platform process, by PostgreSQL and RabbitMQ, and by this load tool, from
/// /proc: what one request costs where, which is what decides throughput when everything shares 2 cores.
/// </summary>
public sealed class CpuMeter(BenchPlatform platform)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public IReadOnlyDictionary<string, double> Snapshot()
    {
        var seconds = new Dictionary<string, double>();
        foreach (var (service, pid) in platform.Pids())
        {
            seconds[service] = CpuSeconds(pid);
        }
        seconds["postgres"] = 0;
        seconds["rabbitmq"] = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            var name = ProcessName(pid);
            if (name == "postgres")
            {
                seconds["postgres"] += CpuSeconds(pid);
            }
            else if (name == "beam.smp")
            {
                seconds["rabbitmq"] += CpuSeconds(pid);
            }
        }
        seconds["load tool"] = CpuSeconds(Environment.ProcessId);
        return seconds;
    }

    /// <summary>Milliseconds of CPU per request of each process between two snapshots.</summary>
    public static IReadOnlyDictionary<string, double> PerRequest(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, long requests) =>
        after.ToDictionary(p => p.Key, p => requests == 0 ? double.NaN : (p.Value - before.GetValueOrDefault(p.Key)) * 1000 / requests);

    private static string? ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return null; // gone meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double CpuSeconds(int pid)
    {
        try
        {
            // Fields after the command name (which may hold spaces) start at state; utime and stime are the 14th and 15th fields.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
