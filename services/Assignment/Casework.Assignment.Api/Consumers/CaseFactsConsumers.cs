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
public sealed class ConcernLevelChangedConsumer(IDocumentStore store, TimeProvider clock) : InboxConsumer<ConcernLevelChanged>(store)
{
    protected override async Task ApplyAsync(ConcernLevelChanged message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var id = CaseAssignment.DocumentId(message.CaseId);
        var stored = await session.GetAsync<CaseAssignment>(id, cancellationToken);
        var assignment = stored is null ? CaseAssignment.Placeholder(message.CaseId) : await session.WeighedAsync(stored.Document, cancellationToken);
        if (message.CaseVersion > 0 && message.CaseVersion <= assignment.ConcernVersion)
        {
            return; // a newer change was applied already
        }
        var changed = assignment with { ConcernLevel = message.ToLevel, ConcernVersion = Math.Max(assignment.ConcernVersion, message.CaseVersion) };
        if (assignment.OpenedHere)
        {
            changed = changed with { Hours = (await session.HoursOfTeamAsync(assignment.TeamId, cancellationToken)).For(message.ToLevel) };
        }
        var loads = new WorkerLoads(session, clock);
        if (assignment is { Status: AssignmentStatus.Active, WorkerId: { } workerId } && await loads.GetAsync(workerId, cancellationToken) is not null)
        {
            loads.Release(workerId, assignment.Level, assignment.Hours);
            loads.Take(workerId, changed.Level, changed.Hours);
        }
        if (stored is null)
        {
            session.Insert(id, changed);
        }
        else
        {
            session.Update(id, changed, stored.Version);
        }
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
        var assignment = stored?.Document ?? CaseAssignment.Placeholder(message.CaseId);
        if (message.CaseVersion > 0 && message.CaseVersion <= assignment.ReviewVersion)
        {
            return;
        }
        var changed = assignment with { NextReviewOn = message.DueOn, ReviewVersion = Math.Max(assignment.ReviewVersion, message.CaseVersion) };
        if (stored is null)
        {
            session.Insert(id, changed);
        }
        else
        {
            session.Update(id, changed, stored.Version);
        }
    }
}
