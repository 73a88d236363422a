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
/// A worker's capacity, load or availability changed (a case assigned, released, reweighed by a concern change, the
/// worker edited, or their load recounted from their assignments). Hours are per week.
/// </summary>
/// <param name="WorkerId">The worker (the staff user's id, their token's sub).</param>
/// <param name="TeamId">The first of <paramref name="TeamIds"/> (kept from when a worker had one team).</param>
/// <param name="CapacityHours">
/// Hours a week the worker has for cases. Before capacity was in hours this third field was <c>Capacity</c>, a count of
/// cases; nothing consumed it, so it was renamed rather than kept.
/// </param>
/// <param name="OpenCases">How many open cases they are accountable for.</param>
/// <param name="OccurredAt">When the change was committed.</param>
/// <param name="TeamIds">Every team whose cases they take.</param>
/// <param name="LoadHours">The hours a week their open cases take (each weighed by its team's table by concern level).</param>
/// <param name="FreeHours"><paramref name="CapacityHours"/> minus <paramref name="LoadHours"/>; negative when over capacity.</param>
/// <param name="Availability">Available, Away or Left.</param>
/// <param name="LowCases">Open cases of concern level Low.</param>
/// <param name="MediumCases">Open cases of concern level Medium.</param>
/// <param name="HighCases">Open cases of concern level High.</param>
/// <param name="CriticalCases">Open cases of concern level Critical.</param>
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
