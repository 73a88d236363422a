using Casework.Assignment.Domain;
using Casework.Persistence;

namespace Casework.Assignment.Assigning;

/// <summary>
/// When a worker's capacity frees (a closure, an unassignment, back from Away, more hours), they take the oldest
/// queued cases of their teams that now fit, in the same commit as the change that freed it. A case that fits
/// nobody stays queued for a supervisor.
/// </summary>
public sealed class QueueFiller(IDocumentStore store, CaseMoves moves)
{
    /// <summary>How many queued cases one freeing gives one worker at most (and how far down the queue it looks: five times that).</summary>
    public const int MaxPerWorker = 10;

    public async Task FillAsync(
        IDocumentSession session, WorkerLoads loads, IEnumerable<string> workerIds, ISet<Guid> leaveAlone, CancellationToken cancellationToken)
    {
        foreach (var workerId in workerIds.Distinct().ToList())
        {
            var worker = loads[workerId];
            if (!worker.IsAvailable || worker.FreeHours <= 0 || worker.TeamIds.Count == 0)
            {
                continue;
            }
            var queued = new List<Stored<CaseAssignment>>();
            foreach (var stored in (await store.QueryAsync<CaseAssignment>(new DocumentQuery
                     {
                         Filter = new DocumentFilter().Equal("status", AssignmentStatus.Unassigned).In("teamId", worker.TeamIds),
                         OrderBy = "openedAt",
                         Limit = MaxPerWorker * 5,
                         CountLimit = 0,
                     }, cancellationToken)).Items.Where(q => !leaveAlone.Contains(q.Document.CaseId)))
            {
                queued.Add(stored with { Document = await session.WeighedAsync(stored.Document, cancellationToken) });
            }
            var picks = WorkerSelection.FromQueue(worker, queued.Select(q => q.Document.ToPlace(q.Document.Hours)), MaxPerWorker);
            foreach (var pick in picks)
            {
                var stored = queued.First(q => q.Document.CaseId == pick.CaseId);
                await moves.MoveAsync(session, loads, stored.Document, stored.Version, loads[workerId], pick.Hours,
                    ChangeBy.System("Capacity freed: the oldest queued case that fits"), cancellationToken);
                leaveAlone.Add(pick.CaseId);
            }
        }
    }
}

public static class TeamSettings
{
    /// <summary>The hours a case of <paramref name="teamId"/> takes by concern level (the default table for a team without settings).</summary>
    public static async Task<ConcernHours> HoursOfTeamAsync(this IDocumentSession session, string teamId, CancellationToken cancellationToken) =>
        Team.HoursOf(teamId == "" ? null : (await session.GetAsync<Team>(teamId, cancellationToken))?.Document);

    /// <summary>
    /// The assignment as current code weighs it: one stored before hours (no concern level; the background upgrade
    /// has not reached it yet) counts as a Medium case of its team, as the upgraded worker's load counted it.
    /// </summary>
    public static async Task<CaseAssignment> WeighedAsync(this IDocumentSession session, CaseAssignment assignment, CancellationToken cancellationToken) =>
        assignment.ConcernLevel is not null || !assignment.OpenedHere
            ? assignment
            : new Hosting.AssignmentShapeUpgrade().Upgraded(assignment, await session.HoursOfTeamAsync(assignment.TeamId, cancellationToken));
}
