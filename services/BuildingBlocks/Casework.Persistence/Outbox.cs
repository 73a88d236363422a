namespace Casework.Persistence;

/// <summary>An event committed with a state change, waiting to be published. Sequence orders events, even of one commit.</summary>
public sealed record OutboxMessage(Guid Id, string Type, string Payload, DateTimeOffset CreatedAt, long Sequence);

/// <summary>The relay's view of the outbox. Claims are leases, so several replicas can relay at once.</summary>
public interface IOutboxStore
{
    /// <summary>Takes up to <paramref name="max"/> unsent events, in commit order, hidden from other relays for <paramref name="lease"/>.</summary>
    Task<IReadOnlyList<OutboxMessage>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken);

    Task MarkSentAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken);

    Task<long> CountPendingAsync(CancellationToken cancellationToken);

    /// <summary>Deletes events sent before <paramref name="sentBefore"/>.</summary>
    Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken);
}

/// <summary>
/// Wakes the outbox relay when a commit wrote events, so they leave in milliseconds rather than
/// after a poll interval. Polling stays as the fallback for events of other replicas or crashes.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up covers every commit before it.
        }
    }

    /// <summary>Waits for a signal or the timeout, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);
}

/// <summary>Creates the tables, collections and indexes a service declared (idempotent).</summary>
public interface IStoreSchema
{
    Task EnsureAsync(CancellationToken cancellationToken);
}
