using Casework.Assignment.Assigning;
using Casework.Assignment.Consumers;
using Casework.Assignment.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using static Casework.Assignment.Apis.AssignmentAccess;

namespace Casework.Assignment.Apis;

/// <summary>Who is accountable for a case: look it up, assign, reassign, unassign, its history; the queue and overdue reviews.</summary>
public static class AssignmentApi
{
    public const int MaxReason = 500;
    public const int MaxHandoverNote = 4000;

    public static IEndpointRouteBuilder MapAssignmentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assignment")
            .WithTags("Assignment")
            .RequireScope(AssignmentService.Scope)
            .RequireStaff();

        api.MapGet("/cases/{caseId:guid}", GetCaseAsync)
            .WithName("GetCaseWorker")
            .WithSummary("Who is accountable for an open case")
            .WithDescription("The case's worker (status Active) or that it waits in its team's queue (Unassigned), with its concern level and hours. " +
                "The ETag is what assign and unassign need in If-Match. 404 when the case is unknown, closed, or of a team the caller cannot see.")
            .Produces<AssignmentView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost("/cases/{caseId:guid}/assign", AssignAsync)
            .WithName("AssignCase")
            .WithSummary("Assign or reassign a case to a worker")
            .WithDescription("Supervisors of the case's team, managers and admins (others 403; another team's case 404). The worker must be in the case's team, " +
                "Available, work on its pathway and have free hours for it, unless overrideCapacity is true (supervisors and managers only; recorded). " +
                "If-Match (the ETag of GET /cases/{caseId}) is required. Publishes CaseAssigned.")
            .ProducesVersionedChange<AssignmentView>();

        api.MapPost("/cases/{caseId:guid}/unassign", UnassignAsync)
            .WithName("UnassignCase")
            .WithSummary("Take a case from its worker: another worker of the team takes it, or it waits in the team's unassigned queue")
            .WithDescription("As assign. The case goes to the team's other Available worker with the most free hours who has room (the automatic rule; " +
                "CaseAssigned naming the previous worker), or, when nobody has, to the team's queue (CaseUnassigned). The freed worker then takes the " +
                "oldest queued cases of their teams that fit (not this one).")
            .ProducesVersionedChange<AssignmentView>();

        api.MapGet("/cases/{caseId:guid}/history", HistoryAsync)
            .WithName("GetAssignmentHistory")
            .WithSummary("Every change of a case's accountable worker")
            .WithDescription("Oldest first: who changed it, when, from whom to whom, why, the handover note and whether capacity was overridden.")
            .Produces<IReadOnlyList<AssignmentChange>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/unassigned", ListUnassignedAsync)
            .WithName("ListUnassignedCases")
            .WithSummary("The unassigned queue: open cases nobody is accountable for")
            .WithDescription("Oldest first. Supervisors see their teams' queues, managers, admins and auditors every team's (filter by teamId); caseworkers 403.")
            .Produces<Page<AssignmentView>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/reviews/overdue", OverdueReviewsAsync)
            .WithName("ListOverdueReviews")
            .WithSummary("Open cases whose next review is before today (the region's date), by worker")
            .WithDescription("Supervisors see their teams, managers, admins and auditors every team (filter by teamId); caseworkers 403. At most 500 cases (complete: false beyond).")
            .Produces<OverdueReviewsView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<IResult> GetCaseAsync(Guid caseId, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var assignment = await store.GetAsync<CaseAssignment>(CaseAssignment.DocumentId(caseId), cancellationToken);
        if (assignment is null || !assignment.Document.IsOpen || !CanSeeTeam(http.User, assignment.Document.TeamId))
        {
            return NotFound("The case has no assignment you can see.");
        }
        ETags.Set(http.Response, assignment.Version);
        return TypedResults.Ok(AssignmentView.From(assignment.Document));
    }

    private static async Task<IResult> AssignAsync(
        Guid caseId, AssignRequest body, HttpContext http, IDocumentStore store, CaseMoves moves, CapacityUnit capacity, CancellationToken cancellationToken)
    {
        if (!http.User.IsInAnyRole(Assigners))
        {
            return Forbidden("Only supervisors, managers and admins assign cases.");
        }
        var errors = new ValidationErrors();
        errors.Required("workerId", body.WorkerId, 100);
        errors.Required("reason", body.Reason, MaxReason, multiline: true);
        errors.Optional("handoverNote", body.HandoverNote, MaxHandoverNote, multiline: true);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var overrideCapacity = body.OverrideCapacity == true;
        if (overrideCapacity && !CanOverrideCapacity(http.User))
        {
            return Forbidden("Only supervisors and managers may assign over a worker's capacity.");
        }
        await using var session = store.OpenSession();
        var (current, refusal) = await session.ReadForChangeAsync<CaseAssignment>(CaseAssignment.DocumentId(caseId), http.Request,
            () => NotFound("No open case you can assign."), cancellationToken, a => a.IsOpen && CanAssignIn(http.User, a.TeamId), required: true);
        if (refusal is not null)
        {
            return refusal;
        }
        var loads = capacity.Loads(session);
        // Before any other rule: a worker the caller cannot see is no worker to them.
        if (await loads.GetAsync(body.WorkerId!, cancellationToken) is not { } worker || !CanSeeWorker(http.User, worker))
        {
            errors.Add("workerId", "No such worker.");
            return errors.ToProblem();
        }
        var held = current!.Document;
        if (held.Status == AssignmentStatus.Active && held.WorkerId == worker.Id)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"{worker.Name} is already accountable for the case.");
        }
        var weighed = await session.WeighAsync(held, cancellationToken);
        worker.EnsureCanTake(weighed.TeamId, weighed.PathwayId, weighed.Hours, overrideCapacity);
        var by = new ChangeBy(http.ActorId(), http.User.DisplayName(), body.Reason!.Trim(), body.HandoverNote?.Trim(), overrideCapacity);
        var next = await moves.MoveAsync(session, loads, held, weighed, current.Version, worker, by, cancellationToken);
        loads.Flush();
        await session.CommitAsync(cancellationToken);
        await capacity.FillFreedAsync(cancellationToken);
        ETags.Set(http.Response, current.Version + 1);
        return TypedResults.Ok(AssignmentView.From(next));
    }

    /// <summary>
    /// Takes the case from its worker (a supervisor's decision, with a reason): it is offered to the team's other
    /// workers by the automatic rule and waits in the queue only when none of them has room. The freed worker is then
    /// offered other queued cases, never this one.
    /// </summary>
    private static async Task<IResult> UnassignAsync(
        Guid caseId, UnassignRequest body, HttpContext http, IDocumentStore store, CaseAssigner assigner, CapacityUnit capacity,
        CancellationToken cancellationToken)
    {
        if (!http.User.IsInAnyRole(Assigners))
        {
            return Forbidden("Only supervisors, managers and admins unassign cases.");
        }
        var errors = new ValidationErrors();
        errors.Required("reason", body.Reason, MaxReason, multiline: true);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        await using var session = store.OpenSession();
        var (current, refusal) = await session.ReadForChangeAsync<CaseAssignment>(CaseAssignment.DocumentId(caseId), http.Request,
            () => NotFound("No open case you can unassign."), cancellationToken, a => a.IsOpen && CanAssignIn(http.User, a.TeamId), required: true);
        if (refusal is not null)
        {
            return refusal;
        }
        if (current!.Document is not { Status: AssignmentStatus.Active, WorkerId: { } previous })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The case is already unassigned.");
        }
        var by = new ChangeBy(http.ActorId(), http.User.DisplayName(), body.Reason!.Trim());
        var next = await assigner.AssignAsync(current.Document, current.Version, session, cancellationToken, except: previous, by: by);
        await session.CommitAsync(cancellationToken);
        capacity.LeaveAlone(caseId);
        await capacity.FillFreedAsync(cancellationToken);
        ETags.Set(http.Response, current.Version + 1);
        return TypedResults.Ok(AssignmentView.From(next));
    }

    private static async Task<IResult> HistoryAsync(Guid caseId, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var assignment = await store.GetAsync<CaseAssignment>(CaseAssignment.DocumentId(caseId), cancellationToken);
        if (assignment is null || !assignment.Document.OpenedHere || !CanSeeTeam(http.User, assignment.Document.TeamId))
        {
            return NotFound("No case you can see.");
        }
        var changes = await store.QueryAllAsync<AssignmentChange>(new DocumentFilter().Equal("caseId", caseId.ToString()), cancellationToken);
        return TypedResults.Ok(changes.Select(c => c.Document).OrderBy(c => c.Sequence).ThenBy(c => c.At).ToList());
    }

    private static async Task<IResult> ListUnassignedAsync(
        HttpContext http, IDocumentStore store, string? teamId, int? offset, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Paging(offset, limit);
        errors.Optional("teamId", teamId, 100);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (OverseenTeams(http, teamId) is not { } filter)
        {
            return ForbiddenTeam();
        }
        var page = await store.QueryAsync<CaseAssignment>(new DocumentQuery
        {
            Filter = filter.Equal("status", AssignmentStatus.Unassigned),
            OrderBy = "openedAt",
            Offset = offset ?? 0,
            Limit = limit ?? 50,
        }, cancellationToken);
        return TypedResults.Ok(page.With(page.Items.Select(a => AssignmentView.From(a.Document)).ToList()));
    }

    private const int MaxOverdue = 500;

    private static async Task<IResult> OverdueReviewsAsync(
        HttpContext http, IDocumentStore store, RegionCalendar calendar, TimeProvider clock, string? teamId, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Optional("teamId", teamId, 100);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (OverseenTeams(http, teamId) is not { } filter)
        {
            return ForbiddenTeam();
        }
        var today = calendar.Today(clock.GetUtcNow());
        var page = await store.QueryAsync<CaseAssignment>(new DocumentQuery
        {
            Filter = filter.Equal("status", AssignmentStatus.Active).LessThan("nextReviewOn", today.ToString("yyyy-MM-dd")),
            OrderBy = "nextReviewOn",
            Limit = MaxOverdue,
        }, cancellationToken);
        var byWorker = page.Items.Select(a => a.Document)
            .GroupBy(a => (a.WorkerId ?? "", a.WorkerName))
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Item1, StringComparer.Ordinal)
            .Select(g => new OverdueByWorker(g.Key.Item1, g.Key.WorkerName, g
                .Select(a => new OverdueCase(a.CaseId, a.TeamId, a.Level, a.NextReviewOn!.Value, today.DayNumber - a.NextReviewOn.Value.DayNumber))
                .ToList()))
            .ToList();
        return TypedResults.Ok(new OverdueReviewsView(today, page.Items.Count, page.TotalIsExact && page.Total <= MaxOverdue, byWorker));
    }

    /// <summary>
    /// The team condition of a supervisor view for the caller: the asked team if they oversee it, else all they
    /// oversee; null when they may not (a caseworker, or a team that is not theirs).
    /// </summary>
    private static DocumentFilter? OverseenTeams(HttpContext http, string? teamId)
    {
        var user = http.User;
        if (!user.IsInAnyRole(Overseers))
        {
            return null;
        }
        if (teamId is not null)
        {
            return CanOversee(user, teamId) ? new DocumentFilter().Equal("teamId", teamId) : null;
        }
        return user.SeesAllTeams() ? new DocumentFilter() : new DocumentFilter().In("teamId", user.Teams());
    }
}
