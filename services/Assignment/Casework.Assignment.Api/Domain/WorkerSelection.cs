namespace Casework.Assignment.Domain;

/// <summary>What a case weighs and where it belongs, for choosing a worker.</summary>
public sealed record CaseToPlace(Guid CaseId, string TeamId, string? PathwayId, string ConcernLevel, decimal Hours);

public static class WorkerSelection
{
    /// <summary>
    /// The worker who should take a new case: among the team's Available workers on the case's pathway who have room
    /// for its hours, the one with the most free hours, then the fewest open cases. Null when nobody can take it
    /// without going over capacity: the case then waits in the team's queue (never assigned over capacity).
    /// Ties are spread by the case id (the same case always picks the same worker, so a retried message decides the
    /// same way), rather than by "least recently assigned": cases opened together then go to different workers
    /// instead of all contending for one caseload record, which made every concurrent assignment but one retry
    /// (make bench). Over many cases each tied worker gets an equal share.
    /// </summary>
    public static Worker? Choose(IEnumerable<Worker> workers, CaseToPlace placed)
    {
        var best = workers
            .Where(w => w.WhyNot(placed.TeamId, placed.PathwayId, placed.Hours) is null)
            .GroupBy(w => (w.FreeHours, w.Load.OpenCases))
            .OrderByDescending(g => g.Key.FreeHours)
            .ThenBy(g => g.Key.OpenCases)
            .FirstOrDefault()?
            .OrderBy(w => w.Id, StringComparer.Ordinal)
            .ToList();
        if (best is null)
        {
            return null;
        }
        // The last bytes of a case id (v7 or v4) are random.
        var spread = BitConverter.ToUInt32(placed.CaseId.ToByteArray(), 12);
        return best[(int)(spread % (uint)best.Count)];
    }

    /// <summary>
    /// Which queued cases a worker with freed capacity takes now: oldest first (the order given), each one they may
    /// take that fits in what is still free, at most <paramref name="max"/>. A case too heavy for them is skipped,
    /// not waited for, so one heavy case does not block lighter ones behind it.
    /// </summary>
    public static IReadOnlyList<CaseToPlace> FromQueue(Worker worker, IEnumerable<CaseToPlace> queuedOldestFirst, int max)
    {
        var taken = new List<CaseToPlace>();
        var current = worker;
        foreach (var queued in queuedOldestFirst)
        {
            if (taken.Count >= max)
            {
                break;
            }
            if (current.WhyNot(queued.TeamId, queued.PathwayId, queued.Hours) is null)
            {
                taken.Add(queued);
                current = current.Take(queued.ConcernLevel, queued.Hours);
            }
        }
        return taken;
    }
}
