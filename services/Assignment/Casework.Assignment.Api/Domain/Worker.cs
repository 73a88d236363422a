namespace Casework.Assignment.Domain;

/// <summary>
/// A member of staff who can be accountable for cases. The id is the staff user's id (the token's sub),
/// so a worker and the person signing in are the same record.
/// </summary>
public sealed record Worker(string Id, string Name, string TeamId, int Capacity, IReadOnlyList<Guid> OpenCaseIds)
{
    public int OpenCases => OpenCaseIds.Count;

    /// <summary>Capacity minus open cases; negative when the worker is over capacity.</summary>
    public int FreeCapacity => Capacity - OpenCases;

    public bool IsFull => FreeCapacity <= 0;

    /// <summary>Counts a case against the worker; taking the same case twice counts it once.</summary>
    public Worker Take(Guid caseId) => OpenCaseIds.Contains(caseId) ? this : this with { OpenCaseIds = [.. OpenCaseIds, caseId] };

    /// <summary>Frees the capacity a case held; releasing a case the worker does not hold changes nothing.</summary>
    public Worker Release(Guid caseId) => OpenCaseIds.Contains(caseId) ? this with { OpenCaseIds = [.. OpenCaseIds.Where(id => id != caseId)] } : this;

    /// <summary>Details from the staff directory (seed), keeping the caseload.</summary>
    public Worker WithProfile(string name, string teamId, int capacity) => this with { Name = name, TeamId = teamId, Capacity = capacity };

    /// <summary>Whether name, team and capacity already are these (record equality would compare the list by reference).</summary>
    public bool HasProfile(string name, string teamId, int capacity) => Name == name && TeamId == teamId && Capacity == capacity;
}

public static class WorkerSelection
{
    /// <summary>
    /// The worker who should take a new case of a team: the most free capacity, then the fewest open cases.
    /// Among workers still tied, the case id picks one (the same case always the same worker), so cases
    /// opened together go to different workers instead of all contending for one caseload record (which made
    /// every concurrent assignment but one retry, seen in make bench). Full workers are still candidates
    /// (every open case needs an accountable worker); null only when there is nobody.
    /// </summary>
    public static Worker? Choose(IEnumerable<Worker> teamWorkers, Guid caseId)
    {
        var best = teamWorkers
            .GroupBy(w => (w.FreeCapacity, w.OpenCases))
            .OrderByDescending(g => g.Key.FreeCapacity)
            .ThenBy(g => g.Key.OpenCases)
            .FirstOrDefault()?
            .OrderBy(w => w.Id, StringComparer.Ordinal)
            .ToList();
        if (best is null)
        {
            return null;
        }
        // The last bytes of a case id (v7 or v4) are random.
        var spread = BitConverter.ToUInt32(caseId.ToByteArray(), 12);
        return best[(int)(spread % (uint)best.Count)];
    }
}
