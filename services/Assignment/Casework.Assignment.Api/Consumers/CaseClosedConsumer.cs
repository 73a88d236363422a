using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// Releases a closed case's assignment and frees the hours it held. Once that has committed, the worker is offered
/// the oldest queued cases of their teams that fit (<see cref="CapacityConsumer{TMessage}"/>).
/// </summary>
public sealed class CaseClosedConsumer(IDocumentStore store, CapacityUnit capacity, TimeProvider clock, ILogger<CaseClosedConsumer> logger)
    : CapacityConsumer<CaseClosed>(store, capacity)
{
    protected override async Task ApplyAsync(CaseClosed message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(message.CaseId);
        var stored = await session.GetAsync<CaseAssignment>(id, cancellationToken);
        var step = CaseLifecycle.WhenClosed(stored?.Document, message.CaseId, message.OccurredAt, message.CaseVersion, clock.GetUtcNow());
        if (stored is null)
        {
            // Events can overtake each other: remember the closure so a late CaseOpened assigns nobody.
            logger.LogWarning("Case {CaseId} closed before it was opened here; recording it as released", message.CaseId);
        }
        if (step.Action == LifecycleAction.None)
        {
            return;
        }
        var loads = Capacity.Loads(session);
        if (step.Action == LifecycleAction.Release)
        {
            await loads.ReleaseHeldAsync(stored!.Document, cancellationToken);
        }
        session.SaveAt(id, step.Next!, stored?.Version);
        loads.Flush();
    }
}
