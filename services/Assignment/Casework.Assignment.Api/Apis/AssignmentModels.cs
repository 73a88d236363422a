using Casework.Assignment.Domain;

namespace Casework.Assignment.Apis;

/// <summary>Open cases by concern level.</summary>
public sealed record ConcernCounts(int Low, int Medium, int High, int Critical)
{
    public static ConcernCounts From(WorkerLoad l) => new(l.Low, l.Medium, l.High, l.Critical);
}

/// <summary>A worker and their caseload: capacity and load in hours a week, open cases (the cases themselves: GET /api/cases?assignedTo=).</summary>
public sealed record WorkerView(
    string Id,
    string Name,
    IReadOnlyList<string> TeamIds,
    string? Region,
    IReadOnlyList<string> PathwayIds,
    string Availability,
    DateOnly? ReturnsOn,
    decimal CapacityHours,
    decimal LoadHours,
    decimal FreeHours,
    int OpenCases,
    ConcernCounts ByConcern,
    bool OverCapacity)
{
    public static WorkerView From(Worker w) => new(w.Id, w.Name, w.TeamIds, w.Region, w.PathwayIds, w.Availability, w.ReturnsOn,
        w.CapacityHours, w.Load.Hours, w.FreeHours, w.Load.OpenCases, ConcernCounts.From(w.Load), w.OverCapacity);
}

public sealed record TeamView(string Id, string Name, IReadOnlyList<string> PathwayIds, ConcernHours HoursPerCase)
{
    public static TeamView From(Team t) => new(t.Id, t.Name, t.PathwayIds, t.HoursPerCase);
}

/// <summary>
/// A team's caseload: each worker's, and the team's totals. The team's capacity and free hours count only Available
/// workers (free hours never below zero per worker: one worker's overload is not another's room); its load counts everyone.
/// </summary>
public sealed record CaseloadView(
    string TeamId, string Name, ConcernHours HoursPerCase, decimal CapacityHours, decimal LoadHours, decimal FreeHours, int OpenCases,
    int UnassignedCases, IReadOnlyList<WorkerView> Workers);

/// <summary>Who is accountable for a case (or that nobody is: Unassigned, in the team's queue), and what it weighs.</summary>
public sealed record AssignmentView(
    Guid CaseId,
    string Status,
    string TeamId,
    string? PathwayId,
    string? WorkerId,
    string? WorkerName,
    string ConcernLevel,
    decimal Hours,
    DateOnly? NextReviewOn,
    long Sequence,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? AssignedAt)
{
    public static AssignmentView From(CaseAssignment a) => new(a.CaseId, a.Status, a.TeamId, a.PathwayId, a.WorkerId, a.WorkerName, a.Level, a.Hours,
        a.NextReviewOn, a.Sequence, a.OpenedAt, a.AssignedAt);
}

public sealed record OverdueCase(Guid CaseId, string TeamId, string ConcernLevel, DateOnly NextReviewOn, int DaysOverdue);

public sealed record OverdueByWorker(string WorkerId, string? WorkerName, IReadOnlyList<OverdueCase> Cases);

public sealed record OverdueReviewsView(DateOnly Today, int Total, bool Complete, IReadOnlyList<OverdueByWorker> Workers);

public sealed record TeamRequest(string? Id, string? Name, IReadOnlyList<string>? PathwayIds, HoursRequest? HoursPerCase);

/// <summary>Hours a week a case takes at each concern level; every level is required.</summary>
public sealed record HoursRequest(decimal? Low, decimal? Medium, decimal? High, decimal? Critical)
{
    public ConcernHours ToHours() => new(Low ?? 0, Medium ?? 0, High ?? 0, Critical ?? 0);
}

public sealed record WorkerRequest(
    string? Id, string? Name, IReadOnlyList<string>? TeamIds, string? Region, IReadOnlyList<string>? PathwayIds, decimal? CapacityHours,
    string? Availability, DateOnly? ReturnsOn);

public sealed record AvailabilityRequest(string? Availability, DateOnly? ReturnsOn);

public sealed record AssignRequest(string? WorkerId, string? Reason, bool? OverrideCapacity, string? HandoverNote);

public sealed record UnassignRequest(string? Reason);

/// <summary>
/// Cases of one worker to hand over: <see cref="CaseIds"/> (null: all their open cases) to <see cref="TargetWorkerIds"/>
/// by free capacity, or as <see cref="Targets"/> says per case; optionally marking the worker Away or Left.
/// </summary>
public sealed record HandoverRequest(
    IReadOnlyList<Guid>? CaseIds, IReadOnlyList<string>? TargetWorkerIds, IReadOnlyDictionary<Guid, string>? Targets, string? HandoverNote,
    string? Reason, string? MarkAs, DateOnly? ReturnsOn);

public sealed record HandoverMove(Guid CaseId, string ToWorkerId, string ToWorkerName, long Sequence);

public sealed record HandoverResult(string WorkerId, string Availability, IReadOnlyList<HandoverMove> Moved);
