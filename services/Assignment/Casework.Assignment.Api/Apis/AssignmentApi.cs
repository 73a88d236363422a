using System.Security.Claims;
using Casework.Assignment.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Assignment.Apis;

public static class AssignmentApi
{
    public static IEndpointRouteBuilder MapAssignmentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/assignment")
            .WithTags("Assignment")
            .RequireScope(AssignmentService.Scope)
            .RequireStaff();

        api.MapGet("/workers", ListWorkersAsync)
            .WithName("ListWorkers")
            .WithSummary("Caseload per worker")
            .WithDescription(
                "Each worker's capacity, open cases and free capacity. Caseworkers and supervisors see the workers of their own teams; " +
                "managers, admins and auditors see every team. Filter by teamId (a team you cannot see answers 403); page with offset and limit (max 200).")
            .Produces<Page<WorkerView>>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/cases/{caseId:guid}", GetCaseAsync)
            .WithName("GetCaseWorker")
            .WithSummary("The current accountable worker of a case")
            .WithDescription("404 when the case has no current worker (unknown, unassigned or closed) or belongs to a team the caller cannot see.")
            .Produces<AssignmentView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/unassigned", ListUnassignedAsync)
            .WithName("ListUnassignedCases")
            .WithSummary("Open cases that have no accountable worker")
            .WithDescription("Cases opened for a team that had no workers, oldest first, limited to the caller's teams unless they see all teams.")
            .Produces<Page<AssignmentView>>()
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> ListWorkersAsync(
        HttpContext http, IDocumentStore store, string? teamId, int? offset, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Paging(offset, limit);
        errors.Optional("teamId", teamId, 100);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (!TryTeamFilter(http.User, teamId, out var filter))
        {
            return ForbiddenTeam();
        }
        var page = await store.QueryAsync<Worker>(new DocumentQuery
        {
            Filter = filter,
            OrderBy = "name",
            Offset = offset ?? 0,
            Limit = limit ?? 50,
        }, cancellationToken);
        return TypedResults.Ok(page.With(page.Items.Select(w => WorkerView.From(w.Document)).ToList()));
    }

    private static async Task<IResult> GetCaseAsync(Guid caseId, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var assignment = await store.GetAsync<CaseAssignment>(CaseAssignment.DocumentId(caseId), cancellationToken);
        if (assignment is null || assignment.Document.Status != AssignmentStatus.Active || !CanSeeTeam(http.User, assignment.Document.TeamId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The case has no current worker you can see.");
        }
        ETags.Set(http.Response, assignment.Version);
        return TypedResults.Ok(AssignmentView.From(assignment.Document));
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
        if (!TryTeamFilter(http.User, teamId, out var filter))
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

    internal static bool CanSeeTeam(ClaimsPrincipal user, string teamId) => user.SeesAllTeams() || user.Teams().Contains(teamId, StringComparer.Ordinal);

    /// <summary>The teamId condition for the caller: the asked team if visible, else all of their teams.</summary>
    private static bool TryTeamFilter(ClaimsPrincipal user, string? teamId, out DocumentFilter filter)
    {
        filter = new DocumentFilter();
        if (teamId is not null)
        {
            filter.Equal("teamId", teamId);
            return CanSeeTeam(user, teamId);
        }
        if (!user.SeesAllTeams())
        {
            filter.In("teamId", user.Teams());
        }
        return true;
    }

    private static IResult ForbiddenTeam() =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "You cannot see this team.",
            detail: "Caseworkers and supervisors see only their own teams.");
}
