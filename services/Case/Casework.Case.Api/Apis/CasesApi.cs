using System.Security.Claims;
using Casework.Case.Domain;
using Casework.Contracts;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Apis;

public static class CasesApi
{
    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/cases").WithTags("Cases").RequireScope(CaseService.Scope).RequireStaff();

        cases.MapGet("", ListAsync)
            .WithName("ListCases")
            .WithSummary("List the cases the caller may see, newest first")
            .WithDescription("Filter by status, stage, pathwayId, concernLevel, teamId, assignedTo (a worker id, or 'me'), and review: 'overdue' (the next " +
                "review date has passed) or 'due' (due within 7 days, overdue included). Sort: 'newest' (opened, the default), 'oldest', 'review' (next review " +
                "soonest first) or 'concern' (Critical first). Page with offset and limit (max 200). Items are summaries without plan, reviews or " +
                "timeline (GET /api/cases/{id} has them). Matches are counted up to 200 or the page end; totalIsExact says whether there are more.")
            .Produces<Page<CaseSummaryView>>();

        cases.MapGet("/{id:guid}", GetAsync)
            .WithName("GetCase")
            .WithSummary("Get one case with its timeline")
            .WithDescription("404 when the case does not exist or belongs to a team the caller does not work in.")
            .Produces<CaseView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static CaseViewer ToCaseViewer(this ClaimsPrincipal user) =>
        new(user.SubjectId(), CaseworkRoles.Staff.Any(user.IsInRole), user.IsPartner(), user.SeesAllTeams(), user.Teams());

    private static async Task<IResult> GetAsync(
        Guid id, HttpContext http, IDocumentStore store, PathwayCatalog pathways, TimeProvider clock, RegionCalendar calendar, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync<SupportCase>(id.ToString(), cancellationToken);
        if (stored is null || !CaseAccess.MaySee(stored.Document, http.User.ToCaseViewer()))
        {
            return CaseNotFound();
        }
        ETags.Set(http.Response, stored.Version);
        var pathway = await pathways.OfCaseAsync(stored.Document, cancellationToken);
        return TypedResults.Ok(CaseView.From(stored, pathway, calendar.Today(clock.GetUtcNow())));
    }

    public static IResult CaseNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The case was not found.");

    private static async Task<IResult> ListAsync(
        HttpContext http, IDocumentStore store, TimeProvider clock, RegionCalendar calendar,
        string? status, string? stage, string? pathwayId, string? concernLevel, string? teamId, string? assignedTo, string? review, string? sort,
        int? offset, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.OneOf("status", status, CaseStatus.All, required: false);
        errors.OneOf("stage", stage, CaseStage.All, required: false);
        errors.OneOf("review", review, ["overdue", "due"], required: false);
        errors.OneOf("sort", sort, [.. Sorts.Keys], required: false);
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
        var today = calendar.Today(clock.GetUtcNow());
        var filter = new DocumentFilter()
            .Equal("status", status)
            .Equal("stage", stage)
            .LessThan("nextReviewOn", review == "overdue" ? Iso(today) : null)
            .AtMost("nextReviewOn", review == "due" ? Iso(today.AddDays(7)) : null)
            .Equal("pathwayId", pathwayId)
            .Equal("concernLevel", concernLevel)
            .Equal("teamId", teamId)
            .Equal("assignedWorkerId", assignedTo == "me" ? viewer.SubjectId : assignedTo);
        if (!viewer.SeesAllTeams)
        {
            // Only the caller's teams, whatever else was asked for.
            filter.In("teamId", viewer.Teams);
        }
        var (orderBy, descending) = Sorts[sort ?? "newest"];
        var page = await store.QueryAsync<SupportCase>(new DocumentQuery
        {
            Filter = filter,
            OrderBy = orderBy,
            Descending = descending,
            Offset = offset ?? 0,
            Limit = limit ?? 50,
        }, cancellationToken);
        return TypedResults.Ok(page.With(page.Items.Select(c => CaseSummaryView.From(c, today)).ToList()));
    }

    /// <summary>The list orders a worklist offers, each backed by an index with the filters it is used with.</summary>
    private static readonly Dictionary<string, (string Field, bool Descending)> Sorts = new()
    {
        ["newest"] = ("openedAt", true),
        ["oldest"] = ("openedAt", false),
        ["review"] = ("nextReviewOn", false),
        ["concern"] = ("concernRank", true),
    };

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
