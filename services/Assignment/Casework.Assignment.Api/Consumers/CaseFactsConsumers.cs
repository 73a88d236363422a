using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Assignment.Consumers;

/// <summary>
/// A case's concern level changed: its hours are weighed again by its team's table and its worker's load moves by the
/// difference, in one commit. Only a change newer (by case version) than the last one applied counts, so a late or
/// repeated change cannot undo a newer one; a change that arrives before CaseOpened is kept for it.
/// </summary>
public sealed class ConcernLevelChangedConsumer(IDocumentStore store, CapacityUnit capacity) : CapacityConsumer<ConcernLevelChanged>(store, capacity)
{
    protected override async Task ApplyAsync(ConcernLevelChanged message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(message.CaseId);
        var stored = await session.GetAsync<CaseAssignment>(id, cancellationToken);
        var assignment = stored?.Document ?? CaseAssignment.Placeholder(message.CaseId);
        if (assignment.HasConcernFrom(message.CaseVersion))
        {
            return; // a newer change was applied already
        }
        var changed = assignment.WithConcern(message.ToLevel, message.CaseVersion);
        if (assignment.OpenedHere)
        {
            changed = await session.WeighAsync(changed, cancellationToken);
        }
        var loads = Capacity.Loads(session);
        if (await loads.ReleaseHeldAsync(assignment, cancellationToken) is { } worker)
        {
            loads.Take(worker.Id, changed.Level, changed.Hours);
        }
        session.SaveAt(id, changed, stored?.Version);
        loads.Flush();
    }
}

/// <summary>Keeps the case's next review date (the newest by case version) for the overdue-reviews view.</summary>
public sealed class ReviewScheduledConsumer(IDocumentStore store) : InboxConsumer<ReviewScheduled>(store)
{
    protected override async Task ApplyAsync(ReviewScheduled message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(message.CaseId);
        var stored = await session.GetAsync<CaseAssignment>(id, cancellationToken);
        if (stored is null && message.CaseVersion == CaseAssignment.OpeningCaseVersion)
        {
            // The opening's review date: CaseOpened carries it too. Creating the record here as well made this consumer and
            // CaseOpened's race to insert it, and the loser's retry delayed assignment (make bench: p50 13 ms became 62 ms).
            return;
        }
        var assignment = stored?.Document ?? CaseAssignment.Placeholder(message.CaseId);
        var changed = assignment.ReviewDue(message.DueOn, message.CaseVersion);
        if (!ReferenceEquals(changed, assignment))
        {
            session.SaveAt(id, changed, stored?.Version);
        }
    }
}
