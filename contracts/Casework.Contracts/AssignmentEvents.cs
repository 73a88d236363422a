namespace Casework.Contracts.Events;

/// <summary>A case now has this accountable worker.</summary>
public sealed record CaseAssigned(Guid CaseId, string WorkerId, string WorkerName, string TeamId, DateTimeOffset OccurredAt);

public sealed record CaseUnassigned(Guid CaseId, string WorkerId, string Reason, DateTimeOffset OccurredAt);

public sealed record WorkerCapacityChanged(string WorkerId, string TeamId, int Capacity, int OpenCases, DateTimeOffset OccurredAt);
