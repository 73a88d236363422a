using Casework.Assignment.Domain;
using Casework.Domain;
using Casework.Persistence;

namespace Casework.Assignment.Assigning;

/// <summary>
/// Moves many of one worker's cases to others in one commit: every case moves, or (a target without room, not in the
/// case's team, away) nothing is written. Each worker is written once with all of its load changes added up.
/// </summary>
public sealed class Handover(IDocumentStore store, CaseMoves moves)
{
    /// <summary>
    /// Plans and queues the handover on <paramref name="session"/>. <paramref name="caseIds"/> null: all of the worker's
    /// open cases. Targets are given as a list (placed by free capacity) and/or per case. Throws
    /// <see cref="DomainInputException"/> (400, naming the field) for a request that cannot be right and
    /// <see cref="HandoverRefusedException"/> (409) when the targets cannot take the cases.
    /// </summary>
    public async Task<IReadOnlyList<(CaseAssignment Moved, Worker To)>> PlanAndMoveAsync(
        IDocumentSession session, WorkerLoads loads, Worker from, IReadOnlyList<Guid>? caseIds, IReadOnlyList<string> targetIds,
        IReadOnlyDictionary<Guid, string> perCase, Func<string, bool> mayAssignIn, Func<Worker, bool> maySee, ChangeBy by,
        CancellationToken cancellationToken)
    {
        var held = (await store.QueryAllAsync<CaseAssignment>(ActiveCasesOf(from.Id), cancellationToken)).ToDictionary(s => s.Document.CaseId);
        List<Stored<CaseAssignment>> cases;
        if (caseIds is null)
        {
            cases = held.Values.OrderBy(a => a.Document.OpenedAt).ToList();
        }
        else
        {
            cases = [];
            for (var i = 0; i < caseIds.Count; i++)
            {
                cases.Add(held.TryGetValue(caseIds[i], out var found)
                    ? found
                    : throw new DomainInputException($"caseIds[{i}]", $"Case {caseIds[i]} is not an open case of {from.Name}."));
            }
        }
        if (cases.Count > HandoverPlan.MaxCases)
        {
            throw new DomainInputException("caseIds", $"{from.Name} has {cases.Count} open cases; hand over at most {HandoverPlan.MaxCases} at once (list them in batches).");
        }
        if (cases.FirstOrDefault(c => !mayAssignIn(c.Document.TeamId)) is { } notYours)
        {
            throw new DomainInputException("caseIds", $"Case {notYours.Document.CaseId} is in team {notYours.Document.TeamId}, where you cannot reassign cases.");
        }
        foreach (var caseId in perCase.Keys.Where(id => cases.All(c => c.Document.CaseId != id)))
        {
            throw new DomainInputException($"targets.{caseId}", $"Case {caseId} is not one of the cases handed over.");
        }

        var targets = new List<Worker>();
        foreach (var (targetId, field) in targetIds.Select((t, i) => (t, $"targetWorkerIds[{i}]"))
                     .Concat(perCase.Select(p => (p.Value, $"targets.{p.Key}"))))
        {
            if (targetId == from.Id)
            {
                throw new DomainInputException(field, "The cases cannot be handed over to the worker they are taken from.");
            }
            // A worker the caller cannot see is no worker to them: nothing about them (team, availability, hours) is told.
            var target = await loads.GetAsync(targetId, cancellationToken) is { } found && maySee(found)
                ? found
                : throw new DomainInputException(field, $"No worker {targetId}.");
            if (targets.All(t => t.Id != target.Id))
            {
                targets.Add(target);
            }
        }

        // A reassignment: each case is weighed by its team's table as it is now.
        var weighed = new Dictionary<Guid, CaseAssignment>();
        foreach (var stored in cases)
        {
            weighed[stored.Document.CaseId] = await session.WeighAsync(stored.Document, cancellationToken);
        }
        var plan = HandoverPlan.Distribute(weighed.Values.Select(c => c.ToPlace()).ToList(), targets, perCase);
        var moved = new List<(CaseAssignment, Worker)>();
        foreach (var stored in cases)
        {
            var to = loads[plan[stored.Document.CaseId]];
            moved.Add((await moves.MoveAsync(session, loads, stored.Document, weighed[stored.Document.CaseId], stored.Version, to, by, cancellationToken), to));
        }
        return moved;
    }

    /// <summary>The open cases a worker is accountable for.</summary>
    public static DocumentFilter ActiveCasesOf(string workerId) =>
        new DocumentFilter().Equal("workerId", workerId).Equal("status", AssignmentStatus.Active);
}
