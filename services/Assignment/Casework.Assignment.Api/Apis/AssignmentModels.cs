using Casework.Assignment.Domain;

namespace Casework.Assignment.Apis;

/// <summary>A worker's caseload: capacity, open cases and what is left (the cases themselves: GET /api/cases?assignedTo=).</summary>
public sealed record WorkerView(string Id, string Name, string TeamId, int Capacity, int OpenCases, int FreeCapacity)
{
    public static WorkerView From(Worker w) => new(w.Id, w.Name, w.TeamId, w.Capacity, w.OpenCases, w.FreeCapacity);
}

/// <summary>Who is accountable for a case (or that nobody is yet).</summary>
public sealed record AssignmentView(
    Guid CaseId,
    string Status,
    string TeamId,
    string? WorkerId,
    string? WorkerName,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? AssignedAt)
{
    public static AssignmentView From(CaseAssignment a) => new(a.CaseId, a.Status, a.TeamId, a.WorkerId, a.WorkerName, a.OpenedAt, a.AssignedAt);
}
