using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// A reopened case goes back to the worker it had (Case still shows them as accountable) and counts its hours, weighed
/// by today's table, against their load again, even above capacity: capacity limits new assignments, not returning
/// people; a return over capacity is kept in the history (overrideCapacity, by the system). When that worker has left
/// the team, is Away or has Left, the case is assigned anew like an opened one (or queued), so it never stays without one.
/// </summary>
public sealed class CaseReopenedConsumer(IDocumentStore store, CaseAssigner assigner, CapacityUnit capacity, TimeProvider clock,
    ILogger<CaseReopenedConsumer> logger) : CapacityConsumer<CaseReopened>(store, capacity)
{
    protected override async Task ApplyAsync(CaseReopened message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(message.CaseId);
        var stored = await session.GetAsync<CaseAssignment>(id, cancellationToken);
        var step = CaseLifecycle.WhenReopened(stored?.Document, message.CaseId, message.CaseVersion);
        if (step.Action == LifecycleAction.None)
        {
            return;
        }
        if (step.Action == LifecycleAction.Save)
        {
            session.SaveAt(id, step.Next!, stored?.Version);
            return;
        }
        var reopened = step.Next!;
        var loads = Capacity.Loads(session);
        if (reopened.WorkerId is { } workerId && await loads.GetAsync(workerId, cancellationToken) is { IsAvailable: true } worker && worker.InTeam(reopened.TeamId))
        {
            var weighed = await session.WeighAsync(reopened, cancellationToken);
            if (!worker.HasRoomFor(weighed.Hours))
            {
                RecordReturnOverCapacity(session, weighed, worker, message.CaseVersion);
            }
            loads.Take(workerId, weighed.Level, weighed.Hours);
            session.Update(id, weighed.Reactivate(), stored!.Version);
            loads.Flush();
            return;
        }
        await assigner.AssignAsync(reopened, stored!.Version, session, cancellationToken);
    }

    private void RecordReturnOverCapacity(IDocumentSession session, CaseAssignment weighed, Worker worker, long caseVersion)
    {
        var reason = $"Reopened: back to {worker.Name}, who had it, over capacity ({worker.FreeHours:0.##} free hours a week; the case needs {weighed.Hours:0.##}).";
        logger.LogInformation("Case {CaseId} reopened back to {WorkerId} over capacity", weighed.CaseId, worker.Id);
        session.Insert(AssignmentChange.ReturnDocumentId(weighed.CaseId, caseVersion), new AssignmentChange(
            weighed.CaseId, weighed.Sequence, AssignmentChange.Returned, worker.Id, worker.Name, worker.Id, worker.Name, reason, null,
            OverrideCapacity: true, ChangeBy.SystemId, "Automatic assignment", clock.GetUtcNow()));
    }
}
