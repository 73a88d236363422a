namespace Casework.Bench;

// What `make bench` reports, as printed and as written to bench/results/latest.json. Times are milliseconds.

public sealed record Throughput(double RequestsPerSecond, double P50, double P99, double P999, double Max, long Succeeded, long Failed,
    IReadOnlyDictionary<string, long> Failures)
{
    public static Throughput From(LoadResult result) => From(result.Latencies, result.Succeeded, result.Failed, result.Seconds, result.FailureKinds);

    public static Throughput From(Latencies latencies, long succeeded, long failed, double seconds, IReadOnlyDictionary<string, long> failures)
    {
        var summary = latencies.Summary();
        return new(succeeded / seconds, summary.P50, summary.P99, summary.P999, summary.Max, succeeded, failed, failures);
    }
}

/// <param name="ReadyMs">First start, on empty databases (creates the schema, seeds the demo data).</param>
/// <param name="RestartReadyMs">Start again on those databases, as after a deploy or a pod restart.</param>
public sealed record StartupFigure(string Service, double ReadyMs, double RestartReadyMs, double IdleRssMiB, double PeakRssMiB);

public sealed record GatewayFigures(string Request, int Concurrency, int Rounds, double SecondsPerRound, Throughput Direct, Throughput ViaGateway)
{
    public double Ratio => ViaGateway.RequestsPerSecond / Direct.RequestsPerSecond;
}

public sealed record IntakeStep(int Concurrency, double Seconds, Throughput Result);

public sealed record PropagationFigures(double TargetRate, double Seconds, long Accepted, long Assigned, Throughput AcceptRequests,
    LatencySummary CaseOpened, LatencySummary CaseAssigned);

public sealed record CaseReadFigures(long CasesInStore, double TargetRate, double Seconds, Throughput All, Throughput GetOne, Throughput List);

/// <summary>CPU milliseconds per successful request of each process during one measurement.</summary>
public sealed record CpuProfile(string Measurement, long Requests, IReadOnlyDictionary<string, double> MsPerRequest);

public sealed record TargetCheck(string Figure, string Target, string Measured, bool Met);

public sealed record BenchReport(
    string Mode,
    string Commit,
    int Cores,
    string Machine,
    DateTimeOffset StartedAt,
    double Seconds,
    IReadOnlyList<StartupFigure> Startup,
    GatewayFigures Gateway,
    IReadOnlyList<IntakeStep> Intake,
    IReadOnlyList<PropagationFigures> Propagation,
    CaseReadFigures CaseReads,
    IReadOnlyList<CpuProfile> Cpu,
    IReadOnlyList<TargetCheck> Targets);
