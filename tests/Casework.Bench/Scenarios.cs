using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace Casework.Bench;

/// <summary>
/// The measured paths, each as a client would drive it through the gateway. They run in order and build
/// on each other: intake writes leave referrals, propagation accepts some of them into cases, the gateway
/// comparison reads one of those cases, and case reads run once the store holds the configured number of cases.
/// </summary>
public sealed class Scenarios(BenchPlatform platform, BenchMode mode, HttpClient http, AuthenticationHeaderValue partner,
    AuthenticationHeaderValue manager, AuthenticationHeaderValue caseworker)
{
    private readonly CpuMeter _cpu = new(platform);

    /// <summary>CPU milliseconds per request of each process, per measurement.</summary>
    public List<CpuProfile> CpuProfiles { get; } = [];

    private static readonly string[] Pathways = ["housing-support", "employment-programme"];

    // Each pathway's screening checklist answered (demo data), sent with the acceptance.
    private static readonly string[] ScreeningAnswers = ["""{"in-area":"yes","housing-need":"yes"}""", """{"right-to-work":"yes"}"""];

    // A region's mix of concern levels, spread over time as referrals arrive (the store fill uses the same mix):
    // lists filtered by concern level then select what they would in a real region.
    private static readonly string[] ConcernLevels = ["Low", "Medium", "Medium", "High", "Critical"];
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentQueue<string> _submitted = new();
    private long _referralNumber;
    private readonly List<string> _acceptedCases = [];

    /// <summary>Partner referrals through the gateway at rising concurrency; each is a person, a referral and two outbox rows.</summary>
    public async Task<IReadOnlyList<IntakeStep>> IntakeWritesAsync()
    {
        await Load.ClosedLoopAsync(mode.IntakeConcurrency[^1], mode.Warmup, SubmitReferralAsync);
        var steps = new List<IntakeStep>();
        foreach (var concurrency in mode.IntakeConcurrency)
        {
            // The last step's events (relays, Reporting) are handled before the next one starts.
            await BenchPlatform.SettleAsync(TimeSpan.FromMinutes(2));
            var result = await MeasureCpuAsync($"intake c={concurrency}", () => Load.ClosedLoopAsync(concurrency, mode.IntakeStepLength, SubmitReferralAsync));
            steps.Add(new IntakeStep(concurrency, result.Seconds, Throughput.From(result)));
            Console.WriteLine($"  intake c={concurrency}: {result.RequestsPerSecond:F0}/s, p99 {result.Latencies.Percentile(99):F1} ms, {result.Failed} failed");
        }
        return steps;
    }

    /// <summary>
    /// Staff accept referrals at half the best intake rate (open loop); then, from the stores' own commit
    /// times, how long each accepted referral took to become a case in Case and to show its assigned worker there.
    /// </summary>
    /// <param name="warmUp">Only to run the path once before measuring (first calls compile code): records no CPU profile.</param>
    public async Task<PropagationFigures> PropagationAsync(double rate, TimeSpan length, bool warmUp = false)
    {
        var wanted = (long)(rate * length.TotalSeconds);
        while (_submitted.Count < wanted)
        {
            // Intake left too few referrals for this rate and length: submit the rest, not measured.
            await Load.ClosedLoopAsync(16, TimeSpan.FromSeconds(1), SubmitReferralAsync);
        }
        var referrals = Enumerable.Range(0, (int)wanted).Select(_ => _submitted.TryDequeue(out var id) ? id : throw new InvalidOperationException("no referral left")).ToArray();
        var accepted = new ConcurrentBag<string>();
        var cpuBefore = _cpu.Snapshot();
        var result = await Load.OpenLoopAsync(rate, length, async (sequence, cancellationToken) =>
        {
            var id = referrals[sequence];
            using var request = Json(HttpMethod.Post, platform.Gateway, $"api/intake/referrals/{id}/accept", manager,
                $$$"""{"pathwayId":"{{{Pathways[sequence % Pathways.Length]}}}","concernLevel":"{{{ConcernLevels[sequence / 7 % ConcernLevels.Length]}}}","screening":{"answers":{{{ScreeningAnswers[sequence % Pathways.Length]}}}}}""");
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return await FailureAsync(response);
            }
            accepted.Add(id);
            return null;
        });

        var ids = accepted.ToArray();
        Console.WriteLine($"  accepted {ids.Length} at {rate}/s (accept p99 {result.Latencies.Percentile(99):F1} ms, {result.Failed} failed); waiting for their cases");
        // Every case must arrive for an honest p99: an overloaded run takes minutes to work off its backlog.
        var assigned = await WaitForAssignedCasesAsync(ids, TimeSpan.FromMinutes(10));
        // CPU per accepted referral, including the events it set off, up to the case showing its worker.
        if (!warmUp)
        {
            CpuProfiles.Add(new CpuProfile($"accept->assigned {rate}/s", ids.Length, CpuMeter.PerRequest(cpuBefore, _cpu.Snapshot(), ids.Length)));
        }
        Console.WriteLine($"  {assigned} of {ids.Length} cases opened and assigned");
        // The accept's own transaction time: its ReferralAccepted event was written to the outbox in it.
        var acceptedAt = await CommitTimesAsync("intake",
            "SELECT payload->>'referralId', created_at FROM outbox WHERE type = 'ReferralAccepted' AND payload->>'referralId' = ANY($1)", ids);
        var opened = new Latencies();
        var assignedLatency = new Latencies();
        await using (var cases = new NpgsqlConnection(BenchPlatform.ConnectionString("case")))
        {
            await cases.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT data->>'referralId', created_at, updated_at, id FROM doc_cases WHERE data->>'referralId' = ANY($1) AND data->>'assignedWorkerId' IS NOT NULL", cases);
            command.Parameters.Add(new NpgsqlParameter { Value = ids });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var at = acceptedAt[reader.GetString(0)];
                opened.AddMilliseconds((reader.GetDateTime(1) - at).TotalMilliseconds);
                assignedLatency.AddMilliseconds((reader.GetDateTime(2) - at).TotalMilliseconds);
                _acceptedCases.Add(reader.GetString(3));
            }
        }
        return new PropagationFigures(rate, result.Seconds, ids.Length, assigned, Throughput.From(result), opened.Summary(), assignedLatency.Summary());
    }

    /// <summary>The same case read straight from the Case service and through the gateway, alternating rounds.</summary>
    public async Task<GatewayFigures> GatewayOverheadAsync()
    {
        var caseId = _acceptedCases.FirstOrDefault() ?? throw new InvalidOperationException("No case to read: propagation opened none.");
        var path = $"api/cases/{caseId}";
        Load.Request Read(Uri target) => async (_, cancellationToken) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target, path)) { Headers = { Authorization = manager } };
            using var response = await http.SendAsync(request, cancellationToken);
            return response.StatusCode == HttpStatusCode.OK ? null : await FailureAsync(response);
        };
        var direct = Read(platform.Direct("case"));
        var gateway = Read(platform.Gateway);
        await Load.ClosedLoopAsync(mode.GatewayConcurrency, mode.Warmup / 2, direct);
        await Load.ClosedLoopAsync(mode.GatewayConcurrency, mode.Warmup / 2, gateway);

        var results = new Dictionary<string, List<LoadResult>> { ["direct"] = [], ["gateway"] = [] };
        for (var round = 0; round < mode.GatewayRounds; round++)
        {
            // Alternate which goes first, so drift in the machine's speed affects both alike.
            var order = round % 2 == 0 ? new[] { "direct", "gateway" } : ["gateway", "direct"];
            foreach (var target in order)
            {
                results[target].Add(await MeasureCpuAsync($"read {target} r{round}", () =>
                    Load.ClosedLoopAsync(mode.GatewayConcurrency, mode.GatewayRoundLength, target == "direct" ? direct : gateway), record: round == 0));
            }
        }
        return new GatewayFigures($"GET /{path.Replace(caseId, "{id}")}", mode.GatewayConcurrency, mode.GatewayRounds,
            mode.GatewayRoundLength.TotalSeconds, Combine(results["direct"]), Combine(results["gateway"]));
    }

    /// <summary>Fills the case store to the configured size (straight in its database; see <see cref="CaseStore"/>).</summary>
    public Task<long> FillCaseStoreAsync() => CaseStore.FillAsync(mode.CasesInStore);

    /// <summary>Reads at a fixed rate: half get-one, half filtered lists, as a caseworker and a manager.</summary>
    public async Task<CaseReadFigures> CaseReadsAsync(long inStore)
    {
        var (anyCase, housingCase) = await CaseStore.SampleIdsAsync(20_000);
        var lists = new (AuthenticationHeaderValue Who, string Query)[]
        {
            (caseworker, "api/cases?status=Open&limit=20"),
            (caseworker, "api/cases?assignedTo=me&limit=20"),
            (manager, "api/cases?pathwayId=employment-programme&status=Open&limit=50"),
            (manager, "api/cases?concernLevel=High&limit=20"),
            (manager, "api/cases?limit=50"),
            // Worklists: my reviews due this week, soonest first; the region's overdue reviews, most urgent first.
            (caseworker, "api/cases?assignedTo=me&review=due&sort=review&limit=20"),
            (manager, "api/cases?review=overdue&sort=concern&limit=20"),
        };
        static string KindOf(long sequence) => sequence % 2 == 0 ? "get" : "list";
        Load.Request read = async (sequence, cancellationToken) =>
        {
            var (who, path) = KindOf(sequence) == "get"
                ? sequence % 4 == 0
                    ? (caseworker, $"api/cases/{housingCase[(int)(sequence / 4 % housingCase.Length)]}")
                    : (manager, $"api/cases/{anyCase[(int)(sequence / 2 % anyCase.Length)]}")
                : lists[sequence / 2 % lists.Length];
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(platform.Gateway, path)) { Headers = { Authorization = who } };
            using var response = await http.SendAsync(request, cancellationToken);
            return response.StatusCode == HttpStatusCode.OK ? null : await FailureAsync(response);
        };
        await Load.OpenLoopAsync(mode.CaseReadRate / 2, mode.Warmup, read);
        var result = await MeasureCpuAsync("case reads", () => Load.OpenLoopAsync(mode.CaseReadRate, mode.CaseReadLength, read, kindOf: KindOf));
        // Per kind: the answered requests' latencies (the failures are counted for all kinds together).
        Throughput Kind(string kind) => Throughput.From(result.ByKind[kind], result.ByKind[kind].Count, 0, result.Seconds, new Dictionary<string, long>());
        return new CaseReadFigures(inStore, mode.CaseReadRate, result.Seconds, Throughput.From(result), Kind("get"), Kind("list"));
    }

    private async Task<string?> SubmitReferralAsync(long _, CancellationToken cancellationToken)
    {
        // Numbered across every load step: a repeated Idempotency-Key would be a replay, not a new referral.
        var sequence = Interlocked.Increment(ref _referralNumber);
        using var request = Json(HttpMethod.Post, platform.Gateway, "api/intake/referrals", partner, $$"""
            {"person":{"givenName":"Ada","familyName":"Bench {{sequence}}","dateOfBirth":"1990-04-01","email":"ada.{{sequence}}@example.org","postcode":"ab1 2cd"},
             "reason":"Eviction notice served; needs housing advice and support.","requestedPathwayId":"housing-support","concernLevel":"{{ConcernLevels[sequence / 7 % ConcernLevels.Length]}}",
             "consent":{"given":true,"scope":"Share my details with the housing team"},"referringOrganisation":"Bench Shelter","externalReference":"B-{{_run}}-{{sequence}}"}
            """);
        request.Headers.Add("Idempotency-Key", $"bench-{_run}-{sequence}");
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return await FailureAsync(response);
        }
        _submitted.Enqueue(response.Headers.Location!.OriginalString.Split('/')[^1]);
        return null;
    }

    private async Task<LoadResult> MeasureCpuAsync(string measurement, Func<Task<LoadResult>> run, bool record = true)
    {
        var before = _cpu.Snapshot();
        var result = await run();
        if (record)
        {
            CpuProfiles.Add(new CpuProfile(measurement, result.Succeeded, CpuMeter.PerRequest(before, _cpu.Snapshot(), result.Succeeded)));
        }
        return result;
    }

    /// <summary>"HTTP 409 The record was changed by someone else.": the status and the problem's title.</summary>
    private static async Task<string> FailureAsync(HttpResponseMessage response)
    {
        var title = "";
        try
        {
            using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            title = problem.RootElement.TryGetProperty("title", out var value) ? " " + value.GetString() : "";
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return $"HTTP {(int)response.StatusCode}{title}";
    }

    private static HttpRequestMessage Json(HttpMethod method, Uri baseAddress, string path, AuthenticationHeaderValue who, string body) =>
        new(method, new Uri(baseAddress, path))
        {
            Headers = { Authorization = who },
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };

    private static Throughput Combine(List<LoadResult> rounds)
    {
        var latencies = new Latencies();
        var failures = new Dictionary<string, long>();
        foreach (var round in rounds)
        {
            latencies.AddRange(round.Latencies);
            foreach (var (kind, count) in round.FailureKinds)
            {
                failures[kind] = failures.GetValueOrDefault(kind) + count;
            }
        }
        return Throughput.From(latencies, rounds.Sum(r => r.Succeeded), rounds.Sum(r => r.Failed), rounds.Sum(r => r.Seconds), failures);
    }

    private static async Task<long> WaitForAssignedCasesAsync(string[] referralIds, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(BenchPlatform.ConnectionString("case"));
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM doc_cases WHERE data->>'referralId' = ANY($1) AND data->>'assignedWorkerId' IS NOT NULL", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = referralIds });
            var assigned = (long)(await command.ExecuteScalarAsync())!;
            if (assigned == referralIds.Length || DateTime.UtcNow > deadline)
            {
                return assigned;
            }
            await Task.Delay(200);
        }
    }

    private static async Task<Dictionary<string, DateTime>> CommitTimesAsync(string service, string sql, string[] ids)
    {
        await using var connection = new NpgsqlConnection(BenchPlatform.ConnectionString(service));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        var times = new Dictionary<string, DateTime>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            times[reader.GetString(0)] = reader.GetDateTime(1);
        }
        return times;
    }
}
