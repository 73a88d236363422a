using System.Diagnostics;
using System.Net.Http.Headers;
using Casework.Bench;
using Casework.Testing;

// make bench (full) / make bench-quick: starts the platform, measures, prints tables, writes bench/results/latest.json.
var mode = BenchMode.Parse(args.SkipWhile(a => a != "--mode").Skip(1).FirstOrDefault());
var startedAt = DateTimeOffset.UtcNow;
var clock = Stopwatch.StartNew();

await using var platform = new BenchPlatform();
Console.WriteLine($"Starting the platform ({BenchPlatform.Services.Length} processes, one after another)...");
await platform.StartAsync();
var ready = platform.ReadyMilliseconds();
Console.WriteLine("Restarting it (start-up with existing databases)...");
await platform.RestartAsync();
var readyAgain = platform.ReadyMilliseconds();
await Task.Delay(TimeSpan.FromSeconds(2));
var idle = platform.ResidentMiB();

using var http = new HttpClient(new SocketsHttpHandler
{
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    MaxConnectionsPerServer = int.MaxValue,
    UseCookies = false,
    AllowAutoRedirect = false,
});
// Tokens are fetched once and reused, as clients must (the token endpoint is not a hot path).
var partner = new AuthenticationHeaderValue("Bearer", await GatewaySignIn.PartnerAsync(platform.Gateway, "partner-shelter", "partner-shelter-demo-secret"));
var manager = new AuthenticationHeaderValue("Bearer", await GatewaySignIn.StaffAsync(platform.Gateway, "maria"));
var caseworker = new AuthenticationHeaderValue("Bearer", await GatewaySignIn.StaffAsync(platform.Gateway, "hamid"));

var scenarios = new Scenarios(platform, mode, http, partner, manager, caseworker);
await using var memory = new MemorySampler(platform);
memory.Start();

Console.WriteLine("2. Intake write path...");
var intake = await scenarios.IntakeWritesAsync();
await Settle();
Console.WriteLine("3. Event propagation...");
// First unhurried (what one referral's journey takes), then at half the best intake rate (the target's load).
await scenarios.PropagationAsync(BenchMode.LightPropagationRate, mode.Warmup, warmUp: true);
await Settle();
var propagationLight = await scenarios.PropagationAsync(BenchMode.LightPropagationRate, mode.PropagationLength);
await Settle();
var propagation = await scenarios.PropagationAsync(Math.Max(10, Math.Round(intake.Max(s => s.Result.RequestsPerSecond) / 2)), mode.PropagationLength);
await Settle();
Console.WriteLine("1. Gateway overhead...");
var gateway = await scenarios.GatewayOverheadAsync();
Console.WriteLine($"4. Case reads (filling the store to {mode.CasesInStore:N0} cases first)...");
var casesInStore = await scenarios.FillCaseStoreAsync();
await Settle();
var caseReads = await scenarios.CaseReadsAsync(casesInStore);

var peaks = memory.Peaks;

static async Task Settle()
{
    var left = await BenchPlatform.SettleAsync(TimeSpan.FromMinutes(5));
    Console.WriteLine(left == 0 ? "  (events all handled)" : $"  ({left} events still unsent or queued after 5 minutes; the next figures include their load)");
}
var startup = BenchPlatform.Services
    .Select(s => new StartupFigure(s, ready.GetValueOrDefault(s, double.NaN), readyAgain.GetValueOrDefault(s, double.NaN), idle[s],
        peaks.GetValueOrDefault(s, double.NaN)))
    .ToList();
var report = new BenchReport(mode.Name, await Git.DescribeAsync(TestEnvironment.RepoRoot), Environment.ProcessorCount, Git.Machine(),
    startedAt, clock.Elapsed.TotalSeconds, startup, gateway, intake, [propagationLight, propagation], caseReads, scenarios.CpuProfiles, []);
report = report with { Targets = Report.Targets(report) };
Report.Print(report);
Console.WriteLine();
Console.WriteLine($"Written to {await Report.WriteAsync(report, TestEnvironment.RepoRoot)} ({clock.Elapsed.TotalSeconds:F0} s in all).");
