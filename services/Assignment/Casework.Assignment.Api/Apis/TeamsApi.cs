using System.Text.RegularExpressions;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.ServiceDefaults;
using static Casework.Assignment.Apis.AssignmentAccess;

namespace Casework.Assignment.Apis;

/// <summary>Teams as data (the pathways they serve, hours per case by concern level) and a team's caseload.</summary>
public static partial class TeamsApi
{
    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/api/assignment/teams")
            .WithTags("Teams")
            .RequireScope(AssignmentService.Scope)
            .RequireStaff();

        teams.MapGet("", ListAsync).WithName("ListTeams").WithSummary("The teams the caller can see (all for managers, admins and auditors)")
            .Produces<IReadOnlyList<TeamView>>();
        teams.MapGet("/{teamId}", GetAsync).WithName("GetTeam").WithSummary("A team's settings, with its ETag")
            .Produces<TeamView>().ProducesProblem(StatusCodes.Status404NotFound);
        teams.MapPost("", CreateAsync).WithName("CreateTeam").WithSummary("Create a team (managers and admins)")
            .WithDescription("id: lower-case letters, digits and dashes; hoursPerCase: hours a week a case takes by concern level (0 to 40, two decimals).")
            .Produces<TeamView>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict);
        teams.MapPut("/{teamId}", EditAsync).WithName("EditTeam").WithSummary("Change a team's settings (managers and admins; If-Match required)")
            .WithDescription("New hours apply to cases weighed from now on (assigned, reassigned, their concern changed, reopened); cases already held keep their weight until then.")
            .ProducesVersionedChange<TeamView>();
        teams.MapGet("/{teamId}/caseload", CaseloadAsync).WithName("GetTeamCaseload")
            .WithSummary("Caseload per worker of a team: open cases, hours, by concern level, capacity, free hours, over capacity")
            .WithDescription("Supervisors of the team, managers, admins and auditors; caseworkers 403; another team's supervisor 404.")
            .Produces<CaseloadView>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,99}$")]
    private static partial Regex TeamIdPattern();

    private static async Task<IResult> ListAsync(HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var filter = http.User.SeesAllTeams() ? new DocumentFilter() : new DocumentFilter().In("id", http.User.Teams());
        var all = await store.QueryAllAsync<Team>(filter, cancellationToken);
        return TypedResults.Ok(all.Select(t => TeamView.From(t.Document)).OrderBy(t => t.Name, StringComparer.Ordinal).ToList());
    }

    private static async Task<IResult> GetAsync(string teamId, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var team = CanSeeTeam(http.User, teamId) ? await store.GetAsync<Team>(teamId, cancellationToken) : null;
        if (team is null)
        {
            return NotFound("No such team.");
        }
        ETags.Set(http.Response, team.Version);
        return TypedResults.Ok(TeamView.From(team.Document));
    }

    private static async Task<IResult> CreateAsync(TeamRequest body, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!IsAdministrator(http.User))
        {
            return Forbidden("Only managers and admins create teams.");
        }
        var errors = Validate(body);
        if (errors.Required("id", body.Id, 100))
        {
            errors.Check(TeamIdPattern().IsMatch(body.Id!), "id", "Use lower-case letters, digits and dashes, starting with a letter or digit.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var team = new Team(body.Id!, body.Name!.Trim(), body.PathwayIds ?? [], body.HoursPerCase!.ToHours());
        await using var session = store.OpenSession();
        session.Insert(team.Id, team);
        session.Publish(Changed(team, http, clock));
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, 1);
        return TypedResults.Created($"/api/assignment/teams/{team.Id}", TeamView.From(team));
    }

    private static async Task<IResult> EditAsync(
        string teamId, TeamRequest body, HttpContext http, IDocumentStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!IsAdministrator(http.User))
        {
            return Forbidden("Only managers and admins change teams.");
        }
        var errors = Validate(body);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        await using var session = store.OpenSession();
        var (current, refusal) = await session.ReadForChangeAsync<Team>(teamId, http.Request, () => NotFound("No such team."), cancellationToken, required: true);
        if (refusal is not null)
        {
            return refusal;
        }
        var team = current!.Document with { Name = body.Name!.Trim(), PathwayIds = body.PathwayIds ?? [], HoursPerCase = body.HoursPerCase!.ToHours() };
        session.Update(teamId, team, current.Version);
        session.Publish(Changed(team, http, clock));
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, current.Version + 1);
        return TypedResults.Ok(TeamView.From(team));
    }

    private static ValidationErrors Validate(TeamRequest body)
    {
        var errors = new ValidationErrors();
        errors.Required("name", body.Name, 200);
        var pathways = body.PathwayIds ?? [];
        errors.Check(pathways.Count <= 50, "pathwayIds", "At most 50 pathways.");
        for (var i = 0; i < pathways.Count; i++)
        {
            errors.Required($"pathwayIds[{i}]", pathways[i], 100);
        }
        errors.Check(pathways.Distinct(StringComparer.Ordinal).Count() == pathways.Count, "pathwayIds", "A pathway is listed twice.");
        if (body.HoursPerCase is null)
        {
            errors.Add("hoursPerCase", "The field is required (hours a week by concern level: low, medium, high, critical).");
        }
        else
        {
            var given = body.HoursPerCase;
            foreach (var (level, hours) in new[] { ("low", given.Low), ("medium", given.Medium), ("high", given.High), ("critical", given.Critical) })
            {
                errors.Check(hours is not null, $"hoursPerCase.{level}", "The field is required.");
            }
            foreach (var (level, problem) in given.ToHours().Problems())
            {
                errors.Add($"hoursPerCase.{level.ToLowerInvariant()}", problem);
            }
        }
        return errors;
    }

    private static TeamSettingsChanged Changed(Team team, HttpContext http, TimeProvider clock) => SettingsChanged(team, http.ActorId(), clock.GetUtcNow());

    public static TeamSettingsChanged SettingsChanged(Team team, string changedBy, DateTimeOffset at) => new(
        team.Id, team.Name, team.PathwayIds, team.HoursPerCase.Low, team.HoursPerCase.Medium, team.HoursPerCase.High, team.HoursPerCase.Critical,
        changedBy, at);

    private static async Task<IResult> CaseloadAsync(string teamId, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        if (!http.User.IsInAnyRole(Overseers))
        {
            return Forbidden("Only supervisors, managers, admins and auditors see caseloads.");
        }
        if (!CanOversee(http.User, teamId))
        {
            return NotFound("No such team.");
        }
        var team = (await store.GetAsync<Team>(teamId, cancellationToken))?.Document;
        var workers = (await store.QueryAllAsync<Worker>(new DocumentFilter().Includes("teamIds", teamId), cancellationToken))
            .Select(w => w.Document).OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
        if (team is null && workers.Count == 0)
        {
            return NotFound("No such team.");
        }
        var queued = await store.QueryAsync<CaseAssignment>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("teamId", teamId).Equal("status", AssignmentStatus.Unassigned),
            Limit = 1,
        }, cancellationToken);
        var available = workers.Where(w => w.IsAvailable).ToList();
        return TypedResults.Ok(new CaseloadView(
            teamId, team?.Name ?? teamId, Team.HoursOf(team),
            available.Sum(w => w.CapacityHours), workers.Sum(w => w.Load.Hours), available.Sum(w => Math.Max(0m, w.FreeHours)),
            workers.Sum(w => w.Load.OpenCases), (int)queued.Total, workers.Select(WorkerView.From).ToList()));
    }
}
