using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;

namespace Casework.Assignment.Assigning;

/// <summary>Who changes an assignment and why (the system for automatic ones), as history and events record it.</summary>
public sealed record ChangeBy(string Id, string Name, string Reason, string? HandoverNote = null, bool OverrideCapacity = false)
{
    public const string SystemId = "system";

    public static ChangeBy System(string reason, bool overrideCapacity = false) => new(SystemId, "Automatic assignment", reason, OverrideCapacity: overrideCapacity);
}

/// <summary>
/// Changes who is accountable for a case, everything in one session: the old worker's load released and the new
/// one's taken (through <see cref="WorkerLoads"/>), the assignment written at the version read, the change kept in
/// the history, and CaseAssigned or CaseUnassigned published with the assignment's next sequence.
/// </summary>
public sealed class CaseMoves(TimeProvider clock)
{
    /// <summary>
    /// Makes <paramref name="to"/> accountable (null: back to the team's queue) for the case. <paramref name="held"/> is
    /// the case as stored (what it holds is released); <paramref name="weighed"/> the same case weighed by its team's
    /// table now (<see cref="AssignmentStoreSteps.WeighAsync"/>: what it takes). <paramref name="version"/> is the
    /// version read (null: a new assignment, inserted). Rules (team, availability, capacity) are the caller's to
    /// check first. Returns the assignment as written.
    /// </summary>
    public async Task<CaseAssignment> MoveAsync(
        IDocumentSession session, WorkerLoads loads, CaseAssignment held, CaseAssignment weighed, long? version, Worker? to, ChangeBy by,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Only an active case holds hours; a reopened one still names its worker in Case, so events say who it leaves.
        var previous = held.AccountableWorkerId;
        await loads.ReleaseHeldAsync(held, cancellationToken);
        CaseAssignment next;
        if (to is not null)
        {
            loads.Take(to.Id, weighed.Level, weighed.Hours);
            next = weighed.AssignTo(loads[to.Id], now);
            session.Publish(new CaseAssigned(held.CaseId, to.Id, to.Name, held.TeamId, now, previous, by.Reason, by.Id, next.Sequence));
        }
        else
        {
            next = weighed.ToQueue();
            if (previous is not null)
            {
                session.Publish(new CaseUnassigned(held.CaseId, previous, by.Reason, now, held.TeamId, by.Id, next.Sequence));
            }
        }
        session.SaveAt(CaseAssignment.DocumentId(held.CaseId), next, version);
        if (next.Sequence != held.Sequence)
        {
            var kind = to is null ? AssignmentChange.Unassigned : previous is null ? AssignmentChange.Assigned : AssignmentChange.Reassigned;
            var change = new AssignmentChange(held.CaseId, next.Sequence, kind, previous, previous is null ? null : held.WorkerName,
                to?.Id, to?.Name, by.Reason, by.HandoverNote, by.OverrideCapacity, by.Id, by.Name, now);
            session.Insert(AssignmentChange.DocumentId(held.CaseId, next.Sequence), change);
        }
        return next;
    }
}
