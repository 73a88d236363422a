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
    /// The worker who should take the next case of a team: the most free capacity, then the fewest open
    /// cases, then the lowest id (ordinal), so the choice is deterministic. Full workers are still
    /// candidates (every open case needs an accountable worker); null only when there is nobody.
    /// </summary>
    public static Worker? Choose(IEnumerable<Worker> teamWorkers) =>
        teamWorkers
            .OrderByDescending(w => w.FreeCapacity)
            .ThenBy(w => w.OpenCases)
            .ThenBy(w => w.Id, StringComparer.Ordinal)
            .FirstOrDefault();
}
