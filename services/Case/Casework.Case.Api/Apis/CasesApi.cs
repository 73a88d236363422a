using System.Security.Claims;
using Casework.Case.Domain;
using Casework.Contracts;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Apis;

/// <summary>A case as lists return it: everything but the timeline, which only GET /api/cases/{id} carries (it grows with the case).</summary>
public record CaseSummaryView(
    Guid Id,
    Guid ReferralId,
    Guid PersonId,
    string PersonDisplayName,
    string PathwayId,
    string TeamId,
    string Status,
    string Stage,
    string ConcernLevel,
    DateTimeOffset OpenedAt,
    string? AssignedWorkerId,
    string? AssignedWorkerName,
    long Version)
{
    public static CaseSummaryView From(Stored<SupportCase> stored)
    {
        var c = stored.Document;
        return new(c.Id, c.ReferralId, c.PersonId, c.PersonDisplayName, c.PathwayId, c.TeamId, c.Status, c.Stage, c.ConcernLevel,
            c.OpenedAt, c.AssignedWorkerId, c.AssignedWorkerName, stored.Version);
    }
}

/// <summary>One case with its timeline, as GET /api/cases/{id} returns it.</summary>
public sealed record CaseView : CaseSummaryView
{
    private CaseView(CaseSummaryView summary, IReadOnlyList<CaseChange> timeline) : base(summary) => Timeline = timeline;

    public IReadOnlyList<CaseChange> Timeline { get; }

    public static new CaseView From(Stored<SupportCase> stored) => new(CaseSummaryView.From(stored), stored.Document.Timeline);
}

public static class CasesApi
{
    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/cases").WithTags("Cases").RequireScope(CaseService.Scope).RequireStaff();

        cases.MapGet("", ListAsync)
            .WithName("ListCases")
            .WithSummary("List the cases the caller may see, newest first")
            .WithDescription("Filter by status, pathwayId, concernLevel, teamId, or assignedTo (a worker id, or 'me'); page with offset and limit (max 200). " +
                "Items are summaries without the timeline (GET /api/cases/{id} has it). Matches are counted up to 200 or the page end; totalIsExact says whether there are more.")
            .Produces<Page<CaseSummaryView>>();

        cases.MapGet("/{id:guid}", GetAsync)
            .WithName("GetCase")
            .WithSummary("Get one case with its timeline")
            .WithDescription("404 when the case does not exist or belongs to a team the caller does not work in.")
            .Produces<CaseView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        cases.MapGet("/pathways", ListPathwaysAsync)
            .WithName("ListPathways")
            .WithSummary("The pathways of this region");
        return app;
    }

    public static CaseViewer ToCaseViewer(this ClaimsPrincipal user) =>
        new(user.SubjectId(), CaseworkRoles.Staff.Any(user.IsInRole), user.IsPartner(), user.SeesAllTeams(), user.Teams());

    private static async Task<IResult> GetAsync(Guid id, HttpContext http, IDocumentStore store, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync<SupportCase>(id.ToString(), cancellationToken);
        if (stored is null || !CaseAccess.MaySee(stored.Document, http.User.ToCaseViewer()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The case was not found.");
        }
        ETags.Set(http.Response, stored.Version);
        return TypedResults.Ok(CaseView.From(stored));
    }

    private static async Task<IResult> ListAsync(
        HttpContext http, IDocumentStore store,
        string? status, string? pathwayId, string? concernLevel, string? teamId, string? assignedTo, int? offset, int? limit,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.OneOf("status", status, CaseStatus.All, required: false);
        errors.OneOf("concernLevel", concernLevel, ConcernLevels.All, required: false);
        errors.Optional("pathwayId", pathwayId, 64);
        errors.Optional("teamId", teamId, 64);
        errors.Optional("assignedTo", assignedTo, 64);
        errors.Paging(offset, limit);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var viewer = http.User.ToCaseViewer();
        var filter = new DocumentFilter()
            .Equal("status", status)
            .Equal("pathwayId", pathwayId)
            .Equal("concernLevel", concernLevel)
            .Equal("teamId", teamId)
            .Equal("assignedWorkerId", assignedTo == "me" ? viewer.SubjectId : assignedTo);
        if (!viewer.SeesAllTeams)
        {
            // Only the caller's teams, whatever else was asked for.
            filter.In("teamId", viewer.Teams);
        }
        var page = await store.QueryAsync<SupportCase>(new DocumentQuery
        {
            Filter = filter,
            OrderBy = "openedAt",
            Descending = true,
            Offset = offset ?? 0,
            Limit = limit ?? 50,
        }, cancellationToken);
        return TypedResults.Ok(page.With(page.Items.Select(CaseSummaryView.From).ToList()));
    }

    private static async Task<IResult> ListPathwaysAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var page = await store.QueryAsync<Pathway>(new DocumentQuery { OrderBy = "name", Limit = 500 }, cancellationToken);
        return TypedResults.Ok(page.Items.Select(p => p.Document).ToList());
    }
}
