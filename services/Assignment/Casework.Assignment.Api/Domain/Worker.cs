namespace Casework.Assignment.Domain;

/// <summary>
/// A member of staff who can be accountable for cases. The id is the staff user's id (the token's sub),
/// so a worker and the person signing in are the same record. The caseload is a count: which cases they
/// are is in the case assignments (by worker id). A list of case ids here grew with every case and made
/// each assignment read and rewrite every team member's whole list (make bench: the cost of assigning
/// rose with the region's caseload). Each case's assignment document guards the count: it changes only
/// together with an assignment's move into or out of Active, in one commit.
/// </summary>
public sealed record Worker(string Id, string Name, string TeamId, int Capacity, int OpenCases)
{
    /// <summary>Capacity minus open cases; negative when the worker is over capacity.</summary>
    public int FreeCapacity => Capacity - OpenCases;

    public bool IsFull => FreeCapacity <= 0;

    /// <summary>Counts a newly assigned case against the worker.</summary>
    public Worker Take() => this with { OpenCases = OpenCases + 1 };

    /// <summary>Frees the capacity a released case held (never below none).</summary>
    public Worker Release() => this with { OpenCases = Math.Max(0, OpenCases - 1) };

    /// <summary>Details from the staff directory (seed), keeping the caseload.</summary>
    public Worker WithProfile(string name, string teamId, int capacity) => this with { Name = name, TeamId = teamId, Capacity = capacity };

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
