using Casework.Persistence;
using Casework.Reporting.Domain;
using Casework.ServiceDefaults;

namespace Casework.Reporting.Apis;

public static class SummaryApi
{
    public static IEndpointRouteBuilder MapSummaryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reporting")
            .WithTags("Reporting")
            .RequireScope(ReportingService.Scope)
            .RequireStaff(CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin, CaseworkRoles.Auditor);

        api.MapGet("/referrals/summary", ReferralSummaryAsync)
            .WithName("ReferralSummary")
            .WithSummary("Referral counts by status and by pathway")
            .WithDescription("Referrals whose own events arrived (a case's opening alone does not count its referral). The pathway is the accepted one, else the one requested (null: none). Built from events, so it may lag a moment behind Intake.")
            .Produces<Summary>();

        api.MapGet("/cases/summary", CaseSummaryAsync)
            .WithName("CaseSummary")
            .WithSummary("Case counts by status and by pathway")
            .WithDescription(
                "Optionally for one team (teamId). Supervisors see only their own teams: without teamId the counts cover all of them, " +
                "and another team's id answers 403. Managers, admins and auditors see every team.")
            .Produces<Summary>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<IResult> ReferralSummaryAsync(IDocumentStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await SummarizeAsync<ReferralReport>(store, new DocumentFilter().In("status", ReferralStatus.All), cancellationToken));

    private static async Task<IResult> CaseSummaryAsync(HttpContext http, IDocumentStore store, string? teamId, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (teamId is not null)
        {
            errors.Required("teamId", teamId, 100);
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var user = http.User;
        var filter = new DocumentFilter();
        if (teamId is not null)
        {
            if (!user.SeesAllTeams() && !user.Teams().Contains(teamId, StringComparer.Ordinal))
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "You cannot see this team.",
                    detail: "Supervisors see the figures of their own teams only.");
            }
            filter.Equal("teamId", teamId);
        }
        else if (!user.SeesAllTeams())
        {
            filter.In("teamId", user.Teams());
        }
        return TypedResults.Ok(await SummarizeAsync<CaseReport>(store, filter, cancellationToken));
    }

    private static async Task<Summary> SummarizeAsync<T>(IDocumentStore store, DocumentFilter filter, CancellationToken cancellationToken) where T : class
    {
        var byStatus = await store.CountByAsync<T>("status", filter, cancellationToken);
        var byPathway = await store.CountByAsync<T>("pathwayId", filter, cancellationToken);
        var freshness = await DashboardApi.FreshnessAsync(store, cancellationToken);
        return new Summary(byStatus.Sum(g => g.Count), KeyCount.From(byStatus), KeyCount.From(byPathway), freshness.AsOf, freshness.LastAppliedAt);
    }
}
