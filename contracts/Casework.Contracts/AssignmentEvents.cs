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

public sealed record WorkerCapacityChanged(string WorkerId, string TeamId, int Capacity, int OpenCases, DateTimeOffset OccurredAt);
