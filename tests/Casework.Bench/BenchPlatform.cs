using System.Text.Json;
using System.Text.Json.Nodes;
using Casework.Testing;

namespace Casework.Bench;

/// <summary>
/// The platform under measurement: the real processes started by scripts/platform.sh on loopback, one
/// after another so each one's start-up time is its own, with databases (bench_*) and a vhost (bench)
/// that are reset first, so every run starts from the same empty state.
/// </summary>
public sealed class BenchPlatform : IAsyncDisposable
{
    public const int PortOffset = 3000;
    public const string DbPrefix = "bench_";
    public const string Vhost = "bench";

    /// <summary>Workers per team in the benchmark's staff directory: a region's worth, so assignment spreads.</summary>
    public const int WorkersPerTeam = 25;

    private readonly string _runDir = Path.Combine(TestEnvironment.RepoRoot, ".run", "bench");
    private bool _started;

    public static readonly string[] Services = ["identity", "intake", "case", "notes", "assignment", "reporting", "gateway"];

    public Uri Gateway { get; } = new($"http://127.0.0.1:{5000 + PortOffset}/");

    public Uri Direct(string service) => new($"http://127.0.0.1:{ServicePort(service)}/");

    /// <summary>A service's benchmark database, on the server the tests use (TestEnvironment, overridable by environment).</summary>
    public static string ConnectionString(string service) =>
        new Npgsql.NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = DbPrefix + service }.ConnectionString;

    public async Task StartAsync()
    {
        await RunAsync("bash", [Path.Combine(TestEnvironment.RepoRoot, "scripts", "infra.sh"), "reset-bench"]);
        Directory.CreateDirectory(_runDir);
        var seedData = Path.Combine(_runDir, "bench-data.json");
        await File.WriteAllTextAsync(seedData, BenchSeedData());
        _started = true;
        await PlatformScript.RunAsync("up", Environment(seedData), TimeSpan.FromMinutes(3));
    }

    /// <summary>Stops every process and starts them again on the stores and broker as they are (a restart, as after a deploy).</summary>
    public async Task RestartAsync()
    {
        await PlatformScript.RunAsync("down", Environment(null), TimeSpan.FromMinutes(1));
        await PlatformScript.RunAsync("up", Environment(Path.Combine(_runDir, "bench-data.json")), TimeSpan.FromMinutes(3));
    }

    /// <summary>Milliseconds from each process's start to its first ready answer (platform.sh's ready.tsv).</summary>
    public IReadOnlyDictionary<string, double> ReadyMilliseconds() =>
        File.ReadAllLines(Path.Combine(_runDir, "ready.tsv"))
            .Select(line => line.Split('\t'))
            .ToDictionary(parts => parts[0], parts => double.Parse(parts[1]));

    /// <summary>
    /// Waits until every event of the last measurement is handled: each service's outbox is sent, every
    /// queue of the vhost is empty, twice in a row (a relay publishes in batches, so one empty look can fall
    /// between two), and no autovacuum runs; then checkpoints. Otherwise one measurement's backlog would load
    /// the next. Returns what is left at the timeout.
    /// </summary>
    public static async Task<long> SettleAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var emptyInARow = 0;
        while (true)
        {
            var left = await UnsentEventsAsync();
            var output = await RunAsync("rabbitmqctl", ["-q", "list_queues", "-p", Vhost, "messages", "--no-table-headers"]);
            left += output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(line => long.Parse(line.Trim()));
            emptyInARow = left == 0 ? emptyInARow + 1 : 0;
            if (emptyInARow == 2 || DateTime.UtcNow > deadline)
            {
                // Write the burst's dirty pages now: otherwise PostgreSQL's checkpoint spreads that work over
                // the next minutes, into the next measurement (it doubled the store's CPU per case read).
                await RunAsync("runuser", ["-u", "postgres", "--", "psql", "-X", "-q", "-d", "postgres", "-c", "CHECKPOINT"]);
                return left;
            }
            await Task.Delay(500);
        }
    }

    /// <summary>Unsent outbox events of every service, plus one for each autovacuum run in the benchmark's databases.</summary>
    private static async Task<long> UnsentEventsAsync()
    {
        long unsent = 0;
        await using (var admin = new Npgsql.NpgsqlConnection(ConnectionString("intake")))
        {
            // Clearing up after a burst of writes is part of a busy store's day, but not of the next measurement.
            await admin.OpenAsync();
            await using var vacuums = new Npgsql.NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname LIKE 'bench\\_%'", admin);
            unsent += (long)(await vacuums.ExecuteScalarAsync())!;
        }
        foreach (var service in new[] { "intake", "case", "notes", "assignment", "reporting" })
        {
            await using var connection = new Npgsql.NpgsqlConnection(ConnectionString(service));
            await connection.OpenAsync();
            await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM outbox WHERE sent_at IS NULL", connection);
            unsent += (long)(await count.ExecuteScalarAsync())!;
        }
        return unsent;
    }

    /// <summary>The process id of each platform process (platform.sh's pid files).</summary>
    public IReadOnlyDictionary<string, int> Pids() =>
        Services.ToDictionary(s => s, s => int.Parse(File.ReadAllText(Path.Combine(_runDir, s + ".pid")).Split(' ')[0]));

    /// <summary>Resident memory (VmRSS) of each process now, in MiB.</summary>
    public IReadOnlyDictionary<string, double> ResidentMiB()
    {
        var result = new Dictionary<string, double>();
        foreach (var (service, pid) in Pids())
        {
            var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            result[service] = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_started)
        {
            await PlatformScript.RunAsync("down", Environment(null), TimeSpan.FromMinutes(1));
        }
    }

    private Dictionary<string, string> Environment(string? seedData)
    {
        var environment = new Dictionary<string, string>
        {
            ["CASEWORK_RUN_DIR"] = _runDir,
            ["CASEWORK_PORT_OFFSET"] = PortOffset.ToString(),
            ["CASEWORK_DB_PREFIX"] = DbPrefix,
            ["CASEWORK_VHOST"] = Vhost,
            ["CASEWORK_START"] = "sequential",
            // The benchmark measures the platform's capacity, not the per-partner limit that protects it.
            ["RateLimiting__Partner__TokensPerPeriod"] = "1000000",
            ["RateLimiting__Partner__TokenLimit"] = "1000000",
        };
        if (seedData is not null)
        {
            environment["CASEWORK_SEED_DATA"] = seedData;
        }
        return environment;
    }

    /// <summary>The demo data with a region's worth of workers per team instead of three demo workers.</summary>
    private static string BenchSeedData()
    {
        var data = JsonNode.Parse(File.ReadAllText(TestEnvironment.DemoDataPath))!.AsObject();
        var workers = data["workers"]!.AsArray();
        // Hours without limit: the benchmark measures assignment, not a queue of cases nobody has room for.
        var teams = workers.Select(w => (string)w!["teamIds"]![0]!).Distinct().ToList();
        foreach (var worker in workers)
        {
            worker!["capacityHours"] = 100_000;
        }
        foreach (var team in teams)
        {
            for (var i = workers.Count(w => (string)w!["teamIds"]![0]! == team); i < WorkersPerTeam; i++)
            {
                workers.Add(new JsonObject
                {
                    ["id"] = $"bench-{team}-{i:00}", ["name"] = $"Bench worker {team} {i}", ["teamIds"] = new JsonArray(team), ["capacityHours"] = 100_000,
                });
            }
        }
        return data.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static int ServicePort(string service) => PortOffset + service switch
    {
        "gateway" => 5000,
        "identity" => 5001,
        "intake" => 5101,
        "case" => 5102,
        "notes" => 5103,
        "assignment" => 5104,
        "reporting" => 5105,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "unknown service"),
    };

    private static Task<string> RunAsync(string file, string[] arguments) => ProcessRunner.RunAsync(file, arguments);
}
