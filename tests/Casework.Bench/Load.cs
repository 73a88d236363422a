using System.Diagnostics;

namespace Casework.Bench;

/// <summary>What one load step achieved: successful requests per second, their latencies, and the failures (by kind).</summary>
public sealed record LoadResult(double Seconds, long Succeeded, long Failed, Latencies Latencies)
{
    public double RequestsPerSecond => Succeeded / Seconds;
    public IReadOnlyDictionary<string, long> FailureKinds { get; init; } = new Dictionary<string, long>();

    /// <summary>Latencies per kind of request, when the run classified them.</summary>
    public IReadOnlyDictionary<string, Latencies> ByKind { get; init; } = new Dictionary<string, Latencies>();
}

/// <summary>
/// Drives a request function as a closed loop (N callers, each sends its next request when the last one
/// answered: throughput at a concurrency) or an open loop (requests start on a fixed schedule whatever the
/// answers: latency at a rate). Open-loop latency counts from when a request was due, so a stall shows
/// in the figures instead of silently sending less (no coordinated omission).
/// The request function returns null for success, or a short name of what went wrong.
/// </summary>
public static class Load
{
    public delegate Task<string?> Request(long sequence, CancellationToken cancellationToken);

    public static async Task<LoadResult> ClosedLoopAsync(int concurrency, TimeSpan duration, Request request)
    {
        var latencies = new Latencies();
        var failures = new FailureCounter();
        long sequence = -1, succeeded = 0;
        var clock = Stopwatch.StartNew();
        var end = duration.TotalSeconds;
        var callers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed.TotalSeconds < end)
            {
                var started = Stopwatch.GetTimestamp();
                var failure = await SafelyAsync(request, Interlocked.Increment(ref sequence));
                if (failure is null)
                {
                    // Only answered requests: a fast refusal (429, 503) must not make the latency look better.
                    latencies.Add(Stopwatch.GetTimestamp() - started);
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    failures.Add(failure);
                }
            }
        }));
        await Task.WhenAll(callers);
        return new LoadResult(clock.Elapsed.TotalSeconds, succeeded, failures.Total, latencies) { FailureKinds = failures.Kinds };
    }

    /// <param name="maxInFlight">Requests beyond this many unanswered ones are not sent and count as failures ("overloaded").</param>
    /// <param name="kindOf">Names the kind of the request with a sequence number, to report latencies per kind too.</param>
    public static async Task<LoadResult> OpenLoopAsync(
        double rate, TimeSpan duration, Request request, int maxInFlight = 4096, Func<long, string>? kindOf = null)
    {
        var latencies = new Latencies();
        var byKind = new Dictionary<string, Latencies>();
        var failures = new FailureCounter();
        long succeeded = 0, inFlight = 0, issued = 0;
        var total = (long)(rate * duration.TotalSeconds);
        var running = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var ticksPerRequest = Stopwatch.Frequency / rate;
        while (issued < total)
        {
            var due = Math.Min(total, (long)((Stopwatch.GetTimestamp() - start) / ticksPerRequest) + 1);
            for (; issued < due; issued++)
            {
                var scheduled = start + (long)(issued * ticksPerRequest);
                if (Interlocked.Read(ref inFlight) >= maxInFlight)
                {
                    failures.Add("overloaded (not sent)");
                    continue;
                }
                Interlocked.Increment(ref inFlight);
                var sequence = issued;
                running.Add(Task.Run(async () =>
                {
                    var failure = await SafelyAsync(request, sequence);
                    var latency = Stopwatch.GetTimestamp() - scheduled;
                    if (failure is null)
                    {
                        latencies.Add(latency);
                    }
                    if (failure is null && kindOf is not null)
                    {
                        var kind = kindOf(sequence);
                        Latencies? ofKind;
                        lock (byKind)
                        {
                            if (!byKind.TryGetValue(kind, out ofKind))
                            {
                                byKind[kind] = ofKind = new Latencies();
                            }
                        }
                        ofKind.Add(latency);
                    }
                    Interlocked.Decrement(ref inFlight);
                    if (failure is null)
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                    else
                    {
                        failures.Add(failure);
                    }
                }));
            }
            running.RemoveAll(t => t.IsCompleted);
            await Task.Delay(1);
        }
        await Task.WhenAll(running);
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new LoadResult(seconds, succeeded, failures.Total, latencies) { FailureKinds = failures.Kinds, ByKind = byKind };
    }

    private static async Task<string?> SafelyAsync(Request request, long sequence)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            return await request(sequence, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return "timeout (30 s)";
        }
        catch (HttpRequestException exception)
        {
            return $"connection: {exception.HttpRequestError}";
        }
    }

    private sealed class FailureCounter
    {
        private readonly Dictionary<string, long> _kinds = [];
        private long _total;

        public long Total => Interlocked.Read(ref _total);

        public IReadOnlyDictionary<string, long> Kinds { get { lock (_kinds) { return new Dictionary<string, long>(_kinds); } } }

        public void Add(string kind)
        {
            Interlocked.Increment(ref _total);
            lock (_kinds)
            {
                _kinds[kind] = _kinds.GetValueOrDefault(kind) + 1;
            }
        }
    }
}
