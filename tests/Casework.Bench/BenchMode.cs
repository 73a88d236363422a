namespace Casework.Bench;

/// <summary>
/// How long and how hard each measurement runs: quick (under 3 minutes) or full. Each path is warmed up
/// first: .NET recompiles hot code with profile data during the first seconds of load, and a measurement
/// that includes that (and the first use of every connection) shows up to three times the CPU per request.
/// </summary>
public sealed record BenchMode(
    string Name,
    TimeSpan Warmup,
    int GatewayRounds,
    TimeSpan GatewayRoundLength,
    int GatewayConcurrency,
    int[] IntakeConcurrency,
    TimeSpan IntakeStepLength,
    TimeSpan PropagationLength,
    int CasesInStore,
    double CaseReadRate,
    TimeSpan CaseReadLength)
{
    public static readonly BenchMode Quick = new("quick", TimeSpan.FromSeconds(5), 3, TimeSpan.FromSeconds(2), 16,
        [4, 16, 64], TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(6), 100_000, 1000, TimeSpan.FromSeconds(10));

    public static readonly BenchMode Full = new("full", TimeSpan.FromSeconds(10), 6, TimeSpan.FromSeconds(5), 16,
        [1, 4, 16, 32, 64, 128], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), 100_000, 1000, TimeSpan.FromSeconds(30));

    /// <summary>Accepts per second for the unhurried propagation figure: well within what 2 cores sustain.</summary>
    public const double LightPropagationRate = 25;

    public static BenchMode Parse(string? name) => name switch
    {
        "quick" => Quick,
        "full" or null => Full,
        _ => throw new ArgumentException($"Unknown mode '{name}': use quick or full."),
    };
}
