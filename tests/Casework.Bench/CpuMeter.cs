namespace Casework.Bench;

/// <summary>
/// CPU time used by each platform process, by PostgreSQL and RabbitMQ, and by this load tool, from
/// /proc: what one request costs where, which is what decides throughput when everything shares 2 cores.
/// </summary>
public sealed class CpuMeter(BenchPlatform platform)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>CPU seconds so far of every process that counts, by process id, with the name it is reported under.</summary>
    public IReadOnlyDictionary<int, (string Name, double Seconds)> Snapshot()
    {
        var seconds = new Dictionary<int, (string, double)>();
        foreach (var (service, pid) in platform.Pids())
        {
            seconds[pid] = (service, CpuSeconds(pid));
        }
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && ProcessName(pid) is { } name
                && Groups.TryGetValue(name, out var group))
            {
                seconds[pid] = (group, CpuSeconds(pid));
            }
        }
        seconds[Environment.ProcessId] = ("load tool", CpuSeconds(Environment.ProcessId));
        return seconds;
    }

    /// <summary>
    /// Milliseconds of CPU per request of each process between two snapshots. Processes that started in
    /// between count from zero; those that ended in between (a pooled database connection closing) are left
    /// out, so a figure can be a little low but never negative.
    /// </summary>
    public static IReadOnlyDictionary<string, double> PerRequest(
        IReadOnlyDictionary<int, (string Name, double Seconds)> before, IReadOnlyDictionary<int, (string Name, double Seconds)> after, long requests)
    {
        var used = new Dictionary<string, double>();
        foreach (var (pid, (name, seconds)) in after)
        {
            var earlier = before.TryGetValue(pid, out var b) && b.Name == name ? b.Seconds : 0;
            used[name] = used.GetValueOrDefault(name) + Math.Max(0, seconds - earlier);
        }
        return used.ToDictionary(p => p.Key, p => requests == 0 ? double.NaN : p.Value * 1000 / requests);
    }

    private static readonly Dictionary<string, string> Groups = new() { ["postgres"] = "postgres", ["beam.smp"] = "rabbitmq" };

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
