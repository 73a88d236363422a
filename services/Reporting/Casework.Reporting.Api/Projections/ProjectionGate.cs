namespace Casework.Reporting.Projections;

/// <summary>
/// Lets consumers apply events side by side, and a rebuild hold them all: a hold waits for the events being applied to
/// commit, and consumers arriving meanwhile wait (their messages stay unacknowledged in RabbitMQ, so none is lost even
/// if the process stops) until the rebuild releases them. One process's consumers only: see the README.
/// </summary>
public sealed class ProjectionGate
{
    private readonly Lock _lock = new();
    private int _active;
    private TaskCompletionSource? _released;
    private TaskCompletionSource? _drained;

    public bool IsHeld
    {
        get { lock (_lock) { return _released is not null; } }
    }

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task released;
            lock (_lock)
            {
                if (_released is null)
                {
                    _active++;
                    return new Pass(this);
                }
                released = _released.Task;
            }
            await released.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Holds the consumers once those applying an event finished; null if a hold is already on.</summary>
    public async Task<IDisposable?> TryHoldAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_lock)
        {
            if (_released is not null)
            {
                return null;
            }
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_active == 0)
            {
                _drained.TrySetResult();
            }
            drained = _drained.Task;
        }
        var hold = new Hold(this);
        try
        {
            await drained.WaitAsync(cancellationToken);
            return hold;
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    private void Leave()
    {
        lock (_lock)
        {
            _active--;
            if (_active == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    private void Release()
    {
        TaskCompletionSource? released;
        lock (_lock)
        {
            released = _released;
            _released = null;
            _drained = null;
        }
        released?.TrySetResult();
    }

    private sealed class Pass(ProjectionGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Leave();
            }
        }
    }

    private sealed class Hold(ProjectionGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
