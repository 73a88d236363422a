using System.Text.Json.Serialization;
using Casework.Contracts;
using Casework.Domain;

namespace Casework.Assignment.Domain;

public static class WorkerAvailability
{
    public const string Available = "Available";
    /// <summary>Off for a while (leave, sickness): keeps their cases, takes no new ones.</summary>
    public const string Away = "Away";
    /// <summary>No longer works here: takes no cases; their cases should be handed over.</summary>
    public const string Left = "Left";

    public static readonly IReadOnlyList<string> All = [Available, Away, Left];
}

/// <summary>
/// What a worker carries: open cases, the hours they take a week and how many there are of each concern level.
/// Kept on the worker (reading every assignment to weigh a worker was the cost make bench showed) and changed in the
/// same commit as the assignment documents that cause the change. The invariant: it equals the sum of the stored
/// hours and levels of the worker's Active assignments (<see cref="Of"/>); start-up and the recount endpoint
/// restore it should anything have let it drift.
/// </summary>
public sealed record WorkerLoad(int OpenCases, decimal Hours, int Low, int Medium, int High, int Critical)
{
    public static readonly WorkerLoad None = new(0, 0m, 0, 0, 0, 0);

    /// <summary>The load of these (Active) assignments, by their stored level and hours.</summary>
    public static WorkerLoad Of(IEnumerable<CaseAssignment> active) => active.Aggregate(None, (load, a) => load.Add(a.Level, a.Hours));

    public WorkerLoad Add(string level, decimal hours) => Change(level, hours, +1);

    /// <summary>
    /// Removes one case. Never below none (a stray release must not make room that is not there); whoever releases
    /// checks <see cref="CanRemove"/> first and reports a release that does not match the load.
    /// </summary>
    public WorkerLoad Remove(string level, decimal hours) => Change(level, hours, -1);

    /// <summary>Whether the load holds a case of <paramref name="level"/> and <paramref name="hours"/> to remove.</summary>
    public bool CanRemove(string level, decimal hours) => OpenCases > 0 && CountOf(level) > 0 && Hours >= hours;

    public int CountOf(string level) => level switch
    {
        ConcernLevels.Low => Low,
        ConcernLevels.High => High,
        ConcernLevels.Critical => Critical,
        _ => Medium,
    };

    private WorkerLoad Change(string level, decimal hours, int sign) => (level switch
    {
        ConcernLevels.Low => this with { Low = Math.Max(0, Low + sign) },
        ConcernLevels.High => this with { High = Math.Max(0, High + sign) },
        ConcernLevels.Critical => this with { Critical = Math.Max(0, Critical + sign) },
        _ => this with { Medium = Math.Max(0, Medium + sign) },
    }) with
    {
        OpenCases = Math.Max(0, OpenCases + sign),
        Hours = Math.Max(0m, Hours + sign * hours),
    };
}

/// <summary>
/// A member of staff who can be accountable for cases. The id is the staff user's id (the token's sub), so a worker
/// and the person signing in are the same record. Which cases they hold is in the case assignments (by worker id);
/// here is only their weight (<see cref="Load"/>).
/// </summary>
public sealed record Worker
{
    public required string Id { get; init; }
    public required string Name { get; init; }

    /// <summary>The teams whose cases they take. Every current document has this field (the upgrade's marker).</summary>
    public IReadOnlyList<string> TeamIds { get; init; } = [];

    public string? Region { get; init; }

    /// <summary>The pathways they work on; empty: every pathway of their teams.</summary>
    public IReadOnlyList<string> PathwayIds { get; init; } = [];

    /// <summary>Hours a week they have for cases.</summary>
    public decimal CapacityHours { get; init; }

    public string Availability { get; init; } = WorkerAvailability.Available;

    /// <summary>When an Away worker is expected back (informational: they become Available when someone says so).</summary>
    public DateOnly? ReturnsOn { get; init; }

    public WorkerLoad Load { get; init; } = WorkerLoad.None;

    /// <summary>Capacity minus load hours; negative when over capacity.</summary>
    [JsonIgnore]
    public decimal FreeHours => CapacityHours - Load.Hours;

    /// <summary>Stored so the over-capacity list is a query, not a scan in memory.</summary>
    public bool OverCapacity => Load.Hours > CapacityHours;

    [JsonIgnore]
    public bool IsAvailable => Availability == WorkerAvailability.Available;

    public bool InTeam(string teamId) => TeamIds.Contains(teamId, StringComparer.Ordinal);

    public bool WorksOn(string? pathwayId) => PathwayIds.Count == 0 || pathwayId is null || PathwayIds.Contains(pathwayId, StringComparer.Ordinal);

    public bool HasRoomFor(decimal hours) => FreeHours >= hours;

    public Worker Take(string level, decimal hours) => this with { Load = Load.Add(level, hours) };

    public Worker Release(string level, decimal hours) => this with { Load = Load.Remove(level, hours) };

    /// <summary>
    /// Whether queued cases could now go to this worker where they could not before <paramref name="before"/>: they are
    /// Available and have more free hours, or became Available, or work for more teams or pathways.
    /// </summary>
    public bool HasMoreRoomThan(Worker? before) =>
        IsAvailable && (before is null || !before.IsAvailable || FreeHours > before.FreeHours
            || !TeamIds.SequenceEqual(before.TeamIds) || !PathwayIds.SequenceEqual(before.PathwayIds));

    /// <summary>
    /// Why this worker cannot be made accountable for a case of <paramref name="teamId"/> on <paramref name="pathwayId"/>
    /// taking <paramref name="hours"/> a week, or null when they can. Capacity is checked only when not overridden.
    /// </summary>
    public string? WhyNot(string teamId, string? pathwayId, decimal hours, bool overrideCapacity = false) =>
        !InTeam(teamId) ? $"{Name} is not in team {teamId}."
        : !IsAvailable ? $"{Name} is {Availability}, not available for cases."
        : !WorksOn(pathwayId) ? $"{Name} does not work on pathway {pathwayId}."
        : !overrideCapacity && !HasRoomFor(hours) ? $"{Name} has {FreeHours:0.##} free hours a week; the case needs {hours:0.##}."
        : null;

    /// <summary>
    /// Why <paramref name="changed"/> (this worker edited) would leave cases they hold without an accountable worker who
    /// can work on them: marked Left, or taken out of a team, while they still hold open cases of it. Null when it would
    /// not; the cases are to be handed over first.
    /// </summary>
    public string? WhyNotChange(Worker changed, IEnumerable<string> teamsOfHeldCases)
    {
        var teams = teamsOfHeldCases.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (teams.Count == 0)
        {
            return null;
        }
        if (changed.Availability == WorkerAvailability.Left && Availability != WorkerAvailability.Left)
        {
            return $"{Name} still holds open cases; hand them over before marking them Left.";
        }
        var removed = teams.Where(t => !changed.InTeam(t)).ToList();
        return removed.Count == 0 ? null : $"{Name} still holds open cases of team {string.Join(", ", removed)}; hand them over before taking them out of it.";
    }

    /// <summary>Refuses (409) unless the worker can take the case; see <see cref="WhyNot"/>.</summary>
    public void EnsureCanTake(string teamId, string? pathwayId, decimal hours, bool overrideCapacity)
    {
        if (WhyNot(teamId, pathwayId, hours, overrideCapacity) is { } reason)
        {
            throw new DomainRuleException(reason);
        }
    }

    // The shape stored before hours (a case count and one team): read only by WorkerShapeUpgrade, never written again.
    [JsonPropertyName("teamId"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LegacyTeamId { get; init; }

    [JsonPropertyName("capacity"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LegacyCaseCapacity { get; init; }

    [JsonPropertyName("openCases"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? LegacyOpenCases { get; init; }
}
