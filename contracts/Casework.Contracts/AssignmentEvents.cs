namespace Casework.Contracts.Events;

/// <summary>
/// A case now has this accountable worker (a first assignment, a reassignment or a return after reopening).
/// <paramref name="Sequence"/> counts the case's assignment changes in Assignment: a consumer keeps the highest it has
/// seen, so a reassignment that overtakes an earlier one is not undone by it (0: sent before sequences, always applied).
/// </summary>
public sealed record CaseAssigned(
    Guid CaseId,
    string WorkerId,
    string WorkerName,
    string TeamId,
    DateTimeOffset OccurredAt,
    string? PreviousWorkerId = null,
    string? Reason = null,
    string? AssignedBy = null,
    long Sequence = 0);

/// <summary>
/// A case lost its accountable worker and waits in its team's unassigned queue (supervisors see it there);
/// <paramref name="Sequence"/> as for <see cref="CaseAssigned"/>.
/// </summary>
public sealed record CaseUnassigned(
    Guid CaseId,
    string WorkerId,
    string Reason,
    DateTimeOffset OccurredAt,
    string TeamId = "",
    string? UnassignedBy = null,
    long Sequence = 0);

/// <summary>
/// A worker's capacity, load or availability changed (a case assigned, released, reweighed by a concern change, or
/// the worker edited). Hours are per week: <paramref name="CapacityHours"/> minus <paramref name="LoadHours"/> is
/// <paramref name="FreeHours"/> (negative when over capacity); the counts are the open cases by concern level.
/// <paramref name="TeamId"/> is the first of <paramref name="TeamIds"/>.
/// </summary>
public sealed record WorkerCapacityChanged(
    string WorkerId,
    string TeamId,
    decimal CapacityHours,
    int OpenCases,
    DateTimeOffset OccurredAt,
    IReadOnlyList<string>? TeamIds = null,
    decimal LoadHours = 0,
    decimal FreeHours = 0,
    string Availability = "Available",
    int LowCases = 0,
    int MediumCases = 0,
    int HighCases = 0,
    int CriticalCases = 0);

/// <summary>A team's assignment settings were created or changed: the pathways it serves and the hours a case takes a week by concern level.</summary>
public sealed record TeamSettingsChanged(
    string TeamId,
    string Name,
    IReadOnlyList<string> PathwayIds,
    decimal LowHours,
    decimal MediumHours,
    decimal HighHours,
    decimal CriticalHours,
    string ChangedBy,
    DateTimeOffset OccurredAt);
