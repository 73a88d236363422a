using Casework.Assignment.Domain;
using Casework.Persistence;

namespace Casework.Assignment.Assigning;

/// <summary>
/// Sets a worker's load to what their Active assignments hold (<see cref="WorkerLoad.Of"/>): at start-up for every
/// worker, and on demand (POST /workers/{id}/recount) as a repair tool. Publishes WorkerCapacityChanged only when it
/// changes something. Any assignment change writes its worker too, so a change made meanwhile makes this commit stale
/// and the count is simply taken again.
/// </summary>
public sealed class LoadRecount(IDocumentStore store, CapacityUnit capacity)
{
    private const int Attempts = 5;

    /// <summary>The worker as recounted (null: no such worker).</summary>
    public async Task<Worker?> RecountAsync(string workerId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.OpenSession();
            var loads = capacity.Loads(session);
            if (await loads.GetAsync(workerId, cancellationToken) is not { } worker)
            {
                return null;
            }
            var held = await store.QueryAllAsync<CaseAssignment>(Handover.ActiveCasesOf(workerId), cancellationToken);
            var load = WorkerLoad.Of(held.Select(a => a.Document));
            if (load == worker.Load)
            {
                return worker;
            }
            loads.Set(worker with { Load = load });
            loads.Flush();
            try
            {
                await session.CommitAsync(cancellationToken);
                return loads[workerId];
            }
            catch (StaleVersionException) when (attempt < Attempts)
            {
                // An assignment changed meanwhile (its worker was written too): count again.
            }
        }
    }
}
