namespace Casework.Bench;

/// <summary>Samples each process's resident memory twice a second while load runs, keeping the peak.</summary>
public sealed class MemorySampler(BenchPlatform platform) : IAsyncDisposable
{
    private readonly Dictionary<string, double> _peaks = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _sampling;

    public void Start() => _sampling = Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            Sample();
            try
            {
                await Task.Delay(500, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    });

    public IReadOnlyDictionary<string, double> Peaks
    {
        get
        {
            Sample();
            lock (_peaks)
            {
                return new Dictionary<string, double>(_peaks);
            }
        }
    }

    private void Sample()
    {
        var now = platform.ResidentMiB();
        lock (_peaks)
        {
            foreach (var (service, mib) in now)
            {
                _peaks[service] = Math.Max(_peaks.GetValueOrDefault(service), mib);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_sampling is not null)
        {
            await _sampling;
        }
        _stop.Dispose();
    }
}
