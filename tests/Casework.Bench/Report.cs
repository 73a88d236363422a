using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Casework.Bench;

/// <summary>Prints the figures as tables, checks them against the targets and writes bench/results/latest.json.</summary>
public static class Report
{
    public static IReadOnlyList<TargetCheck> Targets(BenchReport report)
    {
        var intakeOk = report.Intake.Where(s => s.Result.P99 < 50 && s.Result.Failed == 0).MaxBy(s => s.Result.RequestsPerSecond);
        var slowest = report.Startup.MaxBy(s => Math.Max(s.ReadyMs, s.RestartReadyMs))!;
        return
        [
            new("gateway throughput / direct", ">= 0.60", F(report.Gateway.Ratio, "F2"), report.Gateway.Ratio >= 0.6),
            new("intake referrals/s with p99 < 50 ms and no errors", ">= 1500",
                intakeOk is null ? "none within p99 and errors" : $"{F(intakeOk.Result.RequestsPerSecond)} (c={intakeOk.Concurrency}, p99 {F(intakeOk.Result.P99, "F1")} ms)",
                intakeOk?.Result.RequestsPerSecond >= 1500),
            new($"event propagation p99 at {F(report.Propagation[^1].TargetRate)} accepts/s (half the best intake)", "< 100 ms",
                $"{F(report.Propagation[^1].CaseAssigned.P99, "F1")} ms",
                report.Propagation[^1].CaseAssigned.P99 < 100 && report.Propagation[^1].Assigned == report.Propagation[^1].Accepted),
            new($"case reads p99 at {F(report.CaseReads.TargetRate)} req/s", "< 10 ms",
                $"{F(report.CaseReads.All.P99, "F1")} ms at {F(report.CaseReads.All.RequestsPerSecond)}/s",
                report.CaseReads.All.P99 < 10 && report.CaseReads.All.Failed == 0),
            new("slowest service ready (first start / restart)", "< 2000 ms",
                $"{slowest.Service} {F(slowest.ReadyMs)} / {F(slowest.RestartReadyMs)} ms", Math.Max(slowest.ReadyMs, slowest.RestartReadyMs) < 2000),
        ];
    }

    public static void Print(BenchReport r)
    {
        Console.WriteLine();
        Console.WriteLine($"Casework benchmark ({r.Mode}) on {r.Cores} cores, commit {r.Commit}, {r.Machine}");

        Table("1. Gateway overhead: " + r.Gateway.Request + $" (closed loop, {r.Gateway.Concurrency} callers, {r.Gateway.Rounds} alternating rounds of {r.Gateway.SecondsPerRound:F0} s)",
            ["path", "req/s", "p50 ms", "p99 ms", "errors"],
            [
                ["direct to case", F(r.Gateway.Direct.RequestsPerSecond), F(r.Gateway.Direct.P50, "F2"), F(r.Gateway.Direct.P99, "F2"), F(r.Gateway.Direct.Failed)],
                ["via gateway", F(r.Gateway.ViaGateway.RequestsPerSecond), F(r.Gateway.ViaGateway.P50, "F2"), F(r.Gateway.ViaGateway.P99, "F2"), F(r.Gateway.ViaGateway.Failed)],
                ["ratio gateway/direct", F(r.Gateway.Ratio, "F2"), "", "", ""],
            ]);

        Table("2. Intake write path: POST /api/intake/referrals as a partner via the gateway (closed loop)",
            ["callers", "referrals/s", "p50 ms", "p99 ms", "p99.9 ms", "errors"],
            r.Intake.Select(s => new[] { F(s.Concurrency), F(s.Result.RequestsPerSecond), F(s.Result.P50, "F1"), F(s.Result.P99, "F1"), F(s.Result.P999, "F1"), Errors(s.Result) }).ToList());

        Table("3. Event propagation: staff accept referrals (open loop); from the accept's write, by the stores' own transaction times",
            ["accepts/s", "seconds", "case opened p50/p99 ms", "assigned in Case p50/p99 ms", "max ms", "cases assigned", "accept p50/p99 ms", "accept errors"],
            r.Propagation.Select(p => new[]
            {
                F(p.TargetRate), F(p.Seconds), $"{F(p.CaseOpened.P50, "F1")} / {F(p.CaseOpened.P99, "F1")}",
                $"{F(p.CaseAssigned.P50, "F1")} / {F(p.CaseAssigned.P99, "F1")}", F(p.CaseAssigned.Max, "F1"), $"{p.Assigned}/{p.Accepted}",
                $"{F(p.AcceptRequests.P50, "F1")} / {F(p.AcceptRequests.P99, "F1")}", Errors(p.AcceptRequests),
            }).ToList());

        var c = r.CaseReads;
        Table($"4. Case reads via the gateway with {c.CasesInStore:N0} cases in the store: open loop at {F(c.TargetRate)} req/s for {c.Seconds:F0} s",
            ["requests", "req/s", "p50 ms", "p99 ms", "p99.9 ms", "errors"],
            [
                ["all", F(c.All.RequestsPerSecond), F(c.All.P50, "F2"), F(c.All.P99, "F2"), F(c.All.P999, "F2"), Errors(c.All)],
                ["get one case", F(c.GetOne.RequestsPerSecond), F(c.GetOne.P50, "F2"), F(c.GetOne.P99, "F2"), F(c.GetOne.P999, "F2"), ""],
                ["list with filters", F(c.List.RequestsPerSecond), F(c.List.P50, "F2"), F(c.List.P99, "F2"), F(c.List.P999, "F2"), ""],
            ]);

        Table("5. Start-up to ready (each process started alone) and resident memory",
            ["process", "first start ms", "restart ms", "idle RSS MiB", "peak RSS under load MiB"],
            r.Startup.Select(s => new[] { s.Service, F(s.ReadyMs), F(s.RestartReadyMs), F(s.IdleRssMiB), F(s.PeakRssMiB) }).ToList());

        var processes = r.Cpu.SelectMany(c => c.MsPerRequest.Keys).Distinct().ToList();
        Table("CPU milliseconds per request, by process (where the 2 cores go)",
            ["process", .. r.Cpu.Select(c => c.Measurement)],
            [
                .. processes.Select(p => new[] { p }.Concat(r.Cpu.Select(c => F(c.MsPerRequest.GetValueOrDefault(p, double.NaN), "F3"))).ToArray()),
                ["total", .. r.Cpu.Select(c => F(c.MsPerRequest.Values.Sum(), "F3"))],
            ]);

        Table("Targets (reported, not asserted)", ["figure", "target", "measured", "met"],
            r.Targets.Select(t => new[] { t.Figure, t.Target, t.Measured, t.Met ? "yes" : "NO" }).ToList());
    }

    public static async Task<string> WriteAsync(BenchReport report, string repoRoot)
    {
        var directory = Path.Combine(repoRoot, "bench", "results");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "latest.json");
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, options));
        return path;
    }

    private static string Errors(Throughput t) =>
        t.Failed == 0 ? "0" : $"{t.Failed} ({string.Join(", ", t.Failures.Select(f => $"{f.Key}: {f.Value}"))})";

    private static string F(double value, string format = "F0") =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string F(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Table(string title, string[] headers, IReadOnlyList<string[]> rows)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        Console.WriteLine();
        Console.WriteLine(title);
        Console.WriteLine("  " + string.Join("  ", headers.Select((h, i) => i == 0 ? h.PadRight(widths[i]) : h.PadLeft(widths[i]))));
        foreach (var row in rows)
        {
            Console.WriteLine("  " + string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))));
        }
    }
}
