using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Assigning;

/// <summary>Who changes an assignment and why (the system for automatic ones), as history and events record it.</summary>
public sealed record ChangeBy(string Id, string Name, string Reason, string? HandoverNote = null, bool OverrideCapacity = false)
{
    public const string SystemId = "system";

    public static ChangeBy System(string reason) => new(SystemId, "Automatic assignment", reason);
}

/// <summary>
/// Changes who is accountable for a case, everything in one session: the old worker's load released and the new
/// one's taken (through <see cref="WorkerLoads"/>), the assignment written at the version read, the change kept in
/// the history, and CaseAssigned or CaseUnassigned published with the assignment's next sequence.
/// </summary>
public sealed class CaseMoves(TimeProvider clock, ILogger<CaseMoves> logger)
{
    /// <summary>
    /// Makes <paramref name="to"/> accountable (null: back to the team's queue) for the case, weighing it at
    /// <paramref name="hours"/>. <paramref name="version"/> is the version read (null: a new assignment, inserted).
    /// Rules (team, availability, capacity) are the caller's to check first. Returns the assignment as written.
    /// </summary>
    public async Task<CaseAssignment> MoveAsync(
        IDocumentSession session, WorkerLoads loads, CaseAssignment current, long? version, Worker? to, decimal hours, ChangeBy by,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Only an active case holds hours; a reopened one still names its worker in Case, so events say who it leaves.
        var previous = current.AccountableWorkerId;
        if (current.Status == AssignmentStatus.Active && previous is not null)
        {
            if (await loads.GetAsync(previous, cancellationToken) is null)
            {
                logger.LogWarning("Case {CaseId} was held by {WorkerId}, who no longer exists; nothing to release", current.CaseId, previous);
            }
            else
            {
                loads.Release(previous, current.Level, current.Hours);
            }
        }
        CaseAssignment next;
        if (to is not null)
        {
            loads.Take(to.Id, current.Level, hours);
            next = current.AssignTo(loads[to.Id], hours, now);
            session.Publish(new CaseAssigned(current.CaseId, to.Id, to.Name, current.TeamId, now, previous, by.Reason, by.Id, next.Sequence));
        }
        else
        {
            next = current.ToQueue(hours);
            if (previous is not null)
            {
                session.Publish(new CaseUnassigned(current.CaseId, previous, by.Reason, now, current.TeamId, by.Id, next.Sequence));
            }
        }
        if (version is { } expected)
        {
            session.Update(CaseAssignment.DocumentId(current.CaseId), next, expected);
        }
        else
        {
            session.Insert(CaseAssignment.DocumentId(current.CaseId), next);
        }
        if (next.Sequence != current.Sequence)
        {
            var kind = to is null ? AssignmentChange.Unassigned : previous is null ? AssignmentChange.Assigned : AssignmentChange.Reassigned;
            var change = new AssignmentChange(current.CaseId, next.Sequence, kind, previous, previous is null ? null : current.WorkerName,
                to?.Id, to?.Name, by.Reason, by.HandoverNote, by.OverrideCapacity, by.Id, by.Name, now);
            session.Insert(AssignmentChange.DocumentId(current.CaseId, next.Sequence), change);
        }
        return next;
    }
}
