using System.Security.Claims;
using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using static Casework.Assignment.Apis.AssignmentAccess;

namespace Casework.Assignment.Apis;

/// <summary>Workers as data (teams, pathways, capacity in hours, availability), their caseloads, and handing their cases over.</summary>
public static class WorkersApi
{
    public const decimal MaxCapacityHours = 80m;

    public static IEndpointRouteBuilder MapWorkersApi(this IEndpointRouteBuilder app)
    {
        var workers = app.MapGroup("/api/assignment/workers")
            .WithTags("Workers")
            .RequireScope(AssignmentService.Scope)
            .RequireStaff();

        workers.MapGet("", ListAsync)
            .WithName("ListWorkers")
            .WithSummary("Workers and their caseloads")
            .WithDescription(
                "Capacity, load and free hours a week, open cases by concern level, availability. Caseworkers and supervisors see the workers of their own teams; " +
                "managers, admins and auditors every team. Filter by teamId (a team you cannot see answers 403), availability, overCapacity=true; " +
                "page with offset and limit (max 200).")
            .Produces<Page<WorkerView>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        workers.MapGet("/{workerId}", GetAsync).WithName("GetWorker").WithSummary("A worker, with the ETag edits need")
            .Produces<WorkerView>().ProducesProblem(StatusCodes.Status404NotFound);
        workers.MapPost("", CreateAsync).WithName("CreateWorker").WithSummary("Add a worker (managers and admins)")
            .WithDescription("id: the staff user's id (their token's sub). teamIds must exist; pathwayIds (empty: all of their teams' pathways) must be their teams'.")
            .Produces<WorkerView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        workers.MapPut("/{workerId}", EditAsync).WithName("EditWorker").WithSummary("Change a worker's profile, capacity or availability (managers and admins; If-Match required)")
            .WithDescription("Their load is kept. With more free hours (or back to Available) they take the oldest queued cases of their teams that fit.")
            .Produces<WorkerView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        workers.MapPut("/{workerId}/availability", SetAvailabilityAsync).WithName("SetWorkerAvailability")
            .WithSummary("Mark a worker Available, Away (optionally returnsOn) or Left")
            .WithDescription("Supervisors of one of the worker's teams, managers and admins; If-Match required. Away and Left workers take no new cases; their cases stay theirs until handed over.")
            .Produces<WorkerView>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        workers.MapPost("/{workerId}/handover", HandoverAsync).WithName("HandOverCases")
            .WithSummary("Move a worker's open cases (all, or caseIds) to other workers in one go")
            .WithDescription(
                $"targetWorkerIds: placed by most free hours; targets: caseId → workerId for some or all. handoverNote and reason are required; markAs (Away or Left, " +
                $"with returnsOn for Away) changes the worker in the same commit. All or nothing: a target without room (or not in the case's team, not Available, " +
                $"not on its pathway) gives 409 naming the case and the target, and nothing changes. At most {HandoverPlan.MaxCases} cases at once. " +
                "If-Match (the worker's ETag) is optional. Publishes CaseAssigned per case.")
            .Produces<HandoverResult>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return app;
    }

    private static async Task<IResult> ListAsync(
        HttpContext http, IDocumentStore store, string? teamId, string? availability, bool? overCapacity, int? offset, int? limit,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Paging(offset, limit);
        errors.Optional("teamId", teamId, 100);
        errors.OneOf("availability", availability, WorkerAvailability.All, required: false);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (teamId is not null && !CanSeeTeam(http.User, teamId))
        {
            return ForbiddenTeam();
        }
        var filter = new DocumentFilter().Equal("availability", availability);
        if (overCapacity is { } over)
        {
            filter.Equal("overCapacity", over ? "true" : "false");
        }
        var (skip, take) = (offset ?? 0, limit ?? 50);
        if (teamId is not null || http.User.SeesAllTeams())
        {
            var page = await store.QueryAsync<Worker>(new DocumentQuery
            {
                Filter = filter.Includes("teamIds", teamId), OrderBy = "name", Offset = skip, Limit = take,
            }, cancellationToken);
            return TypedResults.Ok(page.With(page.Items.Select(w => WorkerView.From(w.Document)).ToList()));
        }
        // Several teams of the caller: a team's workers are few, so each team is read whole and the union paged here.
        var mine = new Dictionary<string, Worker>(StringComparer.Ordinal);
        foreach (var team in http.User.Teams())
        {
            var members = await store.QueryAllAsync<Worker>(CopyOf(filter).Includes("teamIds", team), cancellationToken);
            members.ForEach(w => mine.TryAdd(w.Id, w.Document));
        }
        var ordered = mine.Values.OrderBy(w => w.Name, StringComparer.Ordinal).ThenBy(w => w.Id, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new Page<WorkerView>(ordered.Skip(skip).Take(take).Select(WorkerView.From).ToList(), ordered.Count, skip, take));
    }

    private static DocumentFilter CopyOf(DocumentFilter filter)
    {
        var copy = new DocumentFilter();
        foreach (var condition in filter.Conditions)
        {
            copy.Equal(condition.Field, condition.Values[0]);
        }
        return copy;
    }

    /// <summary>The worker themself, anyone sharing a team with them, and those who see every team.</summary>
    private static bool CanSee(ClaimsPrincipal user, Worker worker) =>
        user.SeesAllTeams() || worker.Id == user.SubjectId() || worker.TeamIds.Any(t => CanSeeTeam(user, t));

    /// <summary>Setting availability and handing over: administrators, or a supervisor of one of the worker's teams.</summary>
    private static bool CanManageCasesOf(ClaimsPrincipal user, Worker worker) => worker.TeamIds.Any(t => CanAssignIn(user, t)) || IsAdministrator(user);

    private static async Task<IResult> GetAsync(string workerId, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var worker = await store.GetAsync<Worker>(workerId, cancellationToken);
        if (worker is null || !CanSee(http.User, worker.Document))
        {
            return NotFound("No such worker.");
        }
        ETags.Set(http.Response, worker.Version);
        return TypedResults.Ok(WorkerView.From(worker.Document));
    }

    private static async Task<IResult> CreateAsync(
        WorkerRequest body, HttpContext http, IDocumentStore store, QueueFiller queue, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!IsAdministrator(http.User))
        {
            return Forbidden("Only managers and admins add workers.");
        }
        await using var session = store.OpenSession();
        var errors = await ValidateAsync(body, session, cancellationToken);
        errors.Required("id", body.Id, 100);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var worker = Apply(new Worker { Id = body.Id!.Trim(), Name = body.Name!.Trim() }, body);
        var loads = new WorkerLoads(session, clock);
        loads.Add(worker);
        await queue.FillAsync(session, loads, [worker.Id], new HashSet<Guid>(), cancellationToken);
        loads.Flush();
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, 1);
        return TypedResults.Created($"/api/assignment/workers/{worker.Id}", WorkerView.From(loads[worker.Id]));
    }

    private static async Task<IResult> EditAsync(
        string workerId, WorkerRequest body, HttpContext http, IDocumentStore store, QueueFiller queue, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!IsAdministrator(http.User))
        {
            return Forbidden("Only managers and admins change workers.");
        }
        await using var session = store.OpenSession();
        var errors = await ValidateAsync(body, session, cancellationToken);
        errors.Check(body.Id is null || body.Id == workerId, "id", "A worker's id cannot change.");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return await ChangeAsync(workerId, http, session, queue, clock, w => Apply(w, body), _ => true, cancellationToken);
    }

    private static async Task<IResult> SetAvailabilityAsync(
        string workerId, AvailabilityRequest body, HttpContext http, IDocumentStore store, QueueFiller queue, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!http.User.IsInAnyRole(Assigners))
        {
            return Forbidden("Only supervisors, managers and admins set availability.");
        }
        var errors = new ValidationErrors();
        errors.OneOf("availability", body.Availability, WorkerAvailability.All);
        errors.Check(body.ReturnsOn is null || body.Availability == WorkerAvailability.Away, "returnsOn", "Only an Away worker has a return date.");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        await using var session = store.OpenSession();
        return await ChangeAsync(workerId, http, session, queue, clock, w => w with { Availability = body.Availability!, ReturnsOn = body.ReturnsOn },
            w => CanManageCasesOf(http.User, w), cancellationToken);
    }

    /// <summary>Changes a worker read with If-Match (required), then lets them take queued cases if they now have room.</summary>
    private static async Task<IResult> ChangeAsync(
        string workerId, HttpContext http, IDocumentSession session, QueueFiller queue, TimeProvider clock, Func<Worker, Worker> change,
        Func<Worker, bool> allowed, CancellationToken cancellationToken)
    {
        var (current, refusal) = await session.ReadForChangeAsync<Worker>(workerId, http.Request, () => NotFound("No such worker."), cancellationToken,
            w => CanSee(http.User, w) && allowed(w), required: true);
        if (refusal is not null)
        {
            return refusal;
        }
        var loads = new WorkerLoads(session, clock);
        loads.Know([current!]);
        loads.Set(change(current!.Document));
        await queue.FillAsync(session, loads, [workerId], new HashSet<Guid>(), cancellationToken);
        loads.Flush();
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, current.Version + 1);
        return TypedResults.Ok(WorkerView.From(loads[workerId]));
    }

    private static Worker Apply(Worker worker, WorkerRequest body) => worker with
    {
        Name = body.Name!.Trim(),
        TeamIds = body.TeamIds!.Distinct(StringComparer.Ordinal).ToList(),
        Region = body.Region?.Trim(),
        PathwayIds = (body.PathwayIds ?? []).Distinct(StringComparer.Ordinal).ToList(),
        CapacityHours = body.CapacityHours!.Value,
        Availability = body.Availability ?? WorkerAvailability.Available,
        ReturnsOn = body.Availability == WorkerAvailability.Away ? body.ReturnsOn : null,
    };

    private static async Task<ValidationErrors> ValidateAsync(WorkerRequest body, IDocumentSession session, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Required("name", body.Name, 200);
        errors.Optional("region", body.Region, 100);
        errors.OneOf("availability", body.Availability, WorkerAvailability.All, required: false);
        errors.Check(body.ReturnsOn is null || body.Availability == WorkerAvailability.Away, "returnsOn", "Only an Away worker has a return date.");
        if (body.CapacityHours is not { } capacity)
        {
            errors.Add("capacityHours", "The field is required (hours a week for cases).");
        }
        else
        {
            errors.Check(capacity >= 0 && capacity <= MaxCapacityHours && decimal.Round(capacity, 2) == capacity, "capacityHours",
                $"Hours a week between 0 and {MaxCapacityHours}, at most two decimals.");
        }
        var teamPathways = new HashSet<string>(StringComparer.Ordinal);
        var teamIds = body.TeamIds ?? [];
        if (errors.Check(teamIds.Count is > 0 and <= 20, "teamIds", "List 1 to 20 teams."))
        {
            for (var i = 0; i < teamIds.Count; i++)
            {
                var team = string.IsNullOrWhiteSpace(teamIds[i]) || teamIds[i].Length > 100 ? null : await session.GetAsync<Team>(teamIds[i], cancellationToken);
                if (errors.Check(team is not null, $"teamIds[{i}]", $"No team '{teamIds[i]}' (create it first)."))
                {
                    teamPathways.UnionWith(team!.Document.PathwayIds);
                }
            }
        }
        var pathways = body.PathwayIds ?? [];
        for (var i = 0; i < pathways.Count; i++)
        {
            if (errors.Required($"pathwayIds[{i}]", pathways[i], 100) && teamPathways.Count > 0)
            {
                errors.Check(teamPathways.Contains(pathways[i]), $"pathwayIds[{i}]", $"'{pathways[i]}' is not a pathway of the worker's teams.");
            }
        }
        return errors;
    }

    private static async Task<IResult> HandoverAsync(
        string workerId, HandoverRequest body, HttpContext http, IDocumentStore store, Handover handover, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!http.User.IsInAnyRole(Assigners))
        {
            return Forbidden("Only supervisors, managers and admins hand cases over.");
        }
        var errors = new ValidationErrors();
        errors.Required("handoverNote", body.HandoverNote, AssignmentApi.MaxHandoverNote);
        errors.Required("reason", body.Reason, AssignmentApi.MaxReason);
        errors.OneOf("markAs", body.MarkAs, [WorkerAvailability.Away, WorkerAvailability.Left], required: false);
        errors.Check(body.ReturnsOn is null || body.MarkAs == WorkerAvailability.Away, "returnsOn", "Only an Away worker has a return date.");
        var targetIds = body.TargetWorkerIds ?? [];
        var perCase = body.Targets ?? new Dictionary<Guid, string>();
        errors.Check(targetIds.Count > 0 || perCase.Count > 0, "targetWorkerIds", "Name at least one target worker (targetWorkerIds or targets).");
        errors.Check(targetIds.Count <= 50, "targetWorkerIds", "At most 50 target workers.");
        errors.Check(body.CaseIds is null || body.CaseIds.Count is > 0 and <= HandoverPlan.MaxCases, "caseIds",
            $"List 1 to {HandoverPlan.MaxCases} cases, or leave it out for all of the worker's open cases.");
        errors.Check(body.CaseIds is null || body.CaseIds.Distinct().Count() == body.CaseIds.Count, "caseIds", "A case is listed twice.");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        await using var session = store.OpenSession();
        var (current, refusal) = await session.ReadForChangeAsync<Worker>(workerId, http.Request, () => NotFound("No such worker."), cancellationToken,
            w => CanManageCasesOf(http.User, w));
        if (refusal is not null)
        {
            return refusal;
        }
        var loads = new WorkerLoads(session, clock);
        loads.Know([current!]);
        var by = new ChangeBy(http.ActorId(), http.User.DisplayName(), body.Reason!.Trim(), body.HandoverNote!.Trim());
        IReadOnlyList<(CaseAssignment Moved, Worker To)> moved;
        try
        {
            moved = await handover.PlanAndMoveAsync(session, loads, current!.Document, body.CaseIds, targetIds, perCase,
                team => CanAssignIn(http.User, team), by, cancellationToken);
        }
        catch (HandoverRefusedException refused)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The handover cannot be done as asked; nothing changed.",
                detail: refused.Message, extensions: new Dictionary<string, object?> { ["caseId"] = refused.CaseId, ["targetWorkerId"] = refused.TargetWorkerId });
        }
        if (body.MarkAs is { } markAs)
        {
            loads.Set(loads[workerId] with { Availability = markAs, ReturnsOn = body.ReturnsOn });
        }
        loads.Flush();
        await session.CommitAsync(cancellationToken);
        return TypedResults.Ok(new HandoverResult(workerId, loads[workerId].Availability,
            moved.Select(m => new HandoverMove(m.Moved.CaseId, m.To.Id, m.To.Name, m.Moved.Sequence)).ToList()));
    }
}
