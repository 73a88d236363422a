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
            .WithDescription("Their load is kept. availability is required. Marking them Left, or taking them out of a team, while they hold open cases " +
                "(of it) is a 409 pointing to the handover. With more free hours (or back to Available) they take the oldest queued cases of their teams that fit.")
            .ProducesVersionedChange<WorkerView>();
        workers.MapPut("/{workerId}/availability", SetAvailabilityAsync).WithName("SetWorkerAvailability")
            .WithSummary("Mark a worker Available, Away (optionally returnsOn) or Left")
            .WithDescription("Supervisors of one of the worker's teams, managers and admins; If-Match required. Away workers take no new cases and keep theirs " +
                "until handed over; Left is refused (409, pointing to the handover) while they hold open cases.")
            .ProducesVersionedChange<WorkerView>();
        workers.MapPost("/{workerId}/recount", RecountAsync).WithName("RecountWorkerLoad")
            .WithSummary("Recompute a worker's load from the cases they hold (managers and admins; a repair tool)")
            .WithDescription("Sets open cases, hours and counts by concern level to the sum of the worker's Active assignments; publishes " +
                "WorkerCapacityChanged when that changes anything (and the worker then takes queued cases if they have room).")
            .Produces<WorkerView>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
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
        // Built afresh for each query that needs it (a filter is added to in place).
        DocumentFilter Filter() => new DocumentFilter()
            .Equal("availability", availability)
            .Equal("overCapacity", overCapacity is { } over ? (over ? "true" : "false") : null);
        var (skip, take) = (offset ?? 0, limit ?? 50);
        if (teamId is not null || http.User.SeesAllTeams())
        {
            var page = await store.QueryAsync<Worker>(new DocumentQuery
            {
                Filter = Filter().Includes("teamIds", teamId), OrderBy = "name", Offset = skip, Limit = take,
            }, cancellationToken);
            return TypedResults.Ok(page.With(page.Items.Select(w => WorkerView.From(w.Document)).ToList()));
        }
        // Several teams of the caller: a team's workers are few, so each team is read whole and the union paged here.
        var mine = new Dictionary<string, Worker>(StringComparer.Ordinal);
        foreach (var team in http.User.Teams())
        {
            var members = await store.QueryAllAsync<Worker>(Filter().Includes("teamIds", team), cancellationToken);
            members.ForEach(w => mine.TryAdd(w.Id, w.Document));
        }
        var ordered = mine.Values.OrderBy(w => w.Name, StringComparer.Ordinal).ThenBy(w => w.Id, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new Page<WorkerView>(ordered.Skip(skip).Take(take).Select(WorkerView.From).ToList(), ordered.Count, skip, take));
    }

    /// <summary>Setting availability and handing over: administrators, or a supervisor of one of the worker's teams.</summary>
    private static bool CanManageCasesOf(ClaimsPrincipal user, Worker worker) => worker.TeamIds.Any(t => CanAssignIn(user, t)) || IsAdministrator(user);

    private static async Task<IResult> GetAsync(string workerId, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var worker = await store.GetAsync<Worker>(workerId, cancellationToken);
        if (worker is null || !CanSeeWorker(http.User, worker.Document))
        {
            return NotFound("No such worker.");
        }
        ETags.Set(http.Response, worker.Version);
        return TypedResults.Ok(WorkerView.From(worker.Document));
    }

    private static async Task<IResult> CreateAsync(
        WorkerRequest body, HttpContext http, IDocumentStore store, CapacityUnit capacity, CancellationToken cancellationToken)
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
        var loads = capacity.Loads(session);
        loads.Add(worker);
        loads.Flush();
        await session.CommitAsync(cancellationToken);
        var after = await AfterFillingAsync(store, capacity, worker.Id, cancellationToken);
        ETags.Set(http.Response, after.Version);
        return TypedResults.Created($"/api/assignment/workers/{worker.Id}", WorkerView.From(after.Document));
    }

    private static async Task<IResult> EditAsync(
        string workerId, WorkerRequest body, HttpContext http, IDocumentStore store, CapacityUnit capacity, CancellationToken cancellationToken)
    {
        if (!IsAdministrator(http.User))
        {
            return Forbidden("Only managers and admins change workers.");
        }
        await using var session = store.OpenSession();
        var errors = await ValidateAsync(body, session, cancellationToken);
        errors.Check(body.Id is null || body.Id == workerId, "id", "A worker's id cannot change.");
        // Required here, so an edit that leaves it out cannot quietly make an Away or Left worker Available.
        errors.Check(body.Availability is not null, "availability", "The field is required (Available, Away or Left).");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return await ChangeAsync(workerId, http, session, store, capacity, w => Apply(w, body), _ => true, cancellationToken);
    }

    private static async Task<IResult> SetAvailabilityAsync(
        string workerId, AvailabilityRequest body, HttpContext http, IDocumentStore store, CapacityUnit capacity, CancellationToken cancellationToken)
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
        return await ChangeAsync(workerId, http, session, store, capacity, w => w with { Availability = body.Availability!, ReturnsOn = body.ReturnsOn },
            w => CanManageCasesOf(http.User, w), cancellationToken);
    }

    /// <summary>
    /// Changes a worker read with If-Match (required), unless that would strand cases they hold (409, pointing to the
    /// handover); once committed, they take queued cases if they now have room.
    /// </summary>
    private static async Task<IResult> ChangeAsync(
        string workerId, HttpContext http, IDocumentSession session, IDocumentStore store, CapacityUnit capacity, Func<Worker, Worker> change,
        Func<Worker, bool> allowed, CancellationToken cancellationToken)
    {
        var (current, refusal) = await session.ReadForChangeAsync<Worker>(workerId, http.Request, () => NotFound("No such worker."), cancellationToken,
            w => CanSeeWorker(http.User, w) && allowed(w), required: true);
        if (refusal is not null)
        {
            return refusal;
        }
        var changed = change(current!.Document);
        var held = await store.QueryAllAsync<CaseAssignment>(Handover.ActiveCasesOf(workerId), cancellationToken);
        if (current.Document.WhyNotChange(changed, held.Select(a => a.Document.TeamId)) is { } stranded)
        {
            return HandOverFirst(workerId, stranded);
        }
        var loads = capacity.Loads(session);
        loads.Know([current]);
        loads.Set(changed);
        loads.Flush();
        await session.CommitAsync(cancellationToken);
        var after = await AfterFillingAsync(store, capacity, workerId, cancellationToken);
        ETags.Set(http.Response, after.Version);
        return TypedResults.Ok(WorkerView.From(after.Document));
    }

    /// <summary>
    /// Offers queued cases to the worker if their room grew (a step after the commit), then reads them again: the answer
    /// and its ETag show them with whatever they took.
    /// </summary>
    private static async Task<Stored<Worker>> AfterFillingAsync(IDocumentStore store, CapacityUnit capacity, string workerId, CancellationToken cancellationToken)
    {
        await capacity.FillFreedAsync(cancellationToken);
        return await store.GetAsync<Worker>(workerId, cancellationToken) ?? throw new InvalidOperationException($"Worker {workerId} vanished.");
    }

    private static IResult HandOverFirst(string workerId, string detail) => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
        title: "The worker still holds open cases; hand them over first.", detail: detail,
        extensions: new Dictionary<string, object?> { ["handover"] = $"/api/assignment/workers/{workerId}/handover" });

    private static async Task<IResult> RecountAsync(string workerId, HttpContext http, LoadRecount recount, CapacityUnit capacity, CancellationToken cancellationToken)
    {
        if (!IsAdministrator(http.User))
        {
            return Forbidden("Only managers and admins recount a worker's load.");
        }
        if (await recount.RecountAsync(workerId, cancellationToken) is not { } worker)
        {
            return NotFound("No such worker.");
        }
        await capacity.FillFreedAsync(cancellationToken);
        return TypedResults.Ok(WorkerView.From(worker));
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
        string workerId, HandoverRequest body, HttpContext http, IDocumentStore store, Handover handover, CapacityUnit capacity,
        CancellationToken cancellationToken)
    {
        if (!http.User.IsInAnyRole(Assigners))
        {
            return Forbidden("Only supervisors, managers and admins hand cases over.");
        }
        var errors = new ValidationErrors();
        errors.Required("handoverNote", body.HandoverNote, AssignmentApi.MaxHandoverNote, multiline: true);
        errors.Required("reason", body.Reason, AssignmentApi.MaxReason, multiline: true);
        errors.OneOf("markAs", body.MarkAs, [WorkerAvailability.Away, WorkerAvailability.Left], required: false);
        errors.Check(body.ReturnsOn is null || body.MarkAs == WorkerAvailability.Away, "returnsOn", "Only an Away worker has a return date.");
        var targetIds = body.TargetWorkerIds ?? [];
        var perCase = body.Targets ?? new Dictionary<Guid, string>();
        errors.Check(targetIds.Count > 0 || perCase.Count > 0, "targetWorkerIds", "Name at least one target worker (targetWorkerIds or targets).");
        errors.Check(targetIds.Count <= 50, "targetWorkerIds", "At most 50 target workers.");
        errors.Check(perCase.Count <= HandoverPlan.MaxCases, "targets", $"At most {HandoverPlan.MaxCases} cases at once.");
        for (var i = 0; i < targetIds.Count; i++)
        {
            errors.Required($"targetWorkerIds[{i}]", targetIds[i], 100);
        }
        foreach (var (caseId, targetId) in perCase.Take(HandoverPlan.MaxCases))
        {
            errors.Required($"targets.{caseId}", targetId, 100);
        }
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
        var loads = capacity.Loads(session);
        loads.Know([current!]);
        var by = new ChangeBy(http.ActorId(), http.User.DisplayName(), body.Reason!.Trim(), body.HandoverNote!.Trim());
        IReadOnlyList<(CaseAssignment Moved, Worker To)> moved;
        try
        {
            moved = await handover.PlanAndMoveAsync(session, loads, current!.Document, body.CaseIds, targetIds, perCase,
                team => CanAssignIn(http.User, team), w => CanSeeWorker(http.User, w), by, cancellationToken);
        }
        catch (HandoverRefusedException refused)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The handover cannot be done as asked; nothing changed.",
                detail: refused.Message, extensions: new Dictionary<string, object?> { ["caseId"] = refused.CaseId, ["targetWorkerId"] = refused.TargetWorkerId });
        }
        if (body.MarkAs is { } markAs)
        {
            if (markAs == WorkerAvailability.Left && body.CaseIds is not null && await OpenCasesAsync(store, workerId, cancellationToken) > moved.Count)
            {
                return HandOverFirst(workerId, $"{current!.Document.Name} would still hold open cases not listed in caseIds; hand them over too, or mark them Left later.");
            }
            loads.Set(loads[workerId] with { Availability = markAs, ReturnsOn = body.ReturnsOn });
        }
        loads.Flush();
        await session.CommitAsync(cancellationToken);
        await capacity.FillFreedAsync(cancellationToken);
        return TypedResults.Ok(new HandoverResult(workerId, loads[workerId].Availability,
            moved.Select(m => new HandoverMove(m.Moved.CaseId, m.To.Id, m.To.Name, m.Moved.Sequence)).ToList()));
    }

    private static async Task<long> OpenCasesAsync(IDocumentStore store, string workerId, CancellationToken cancellationToken) =>
        (await store.QueryAsync<CaseAssignment>(new DocumentQuery { Filter = Handover.ActiveCasesOf(workerId), Limit = 1, CountLimit = null }, cancellationToken)).Total;
}
