using Casework.Persistence;
using Casework.Reporting.Domain;
using Casework.Reporting.Projections;
using Casework.ServiceDefaults;

namespace Casework.Reporting.Apis;

public static class DashboardApi
{
    public const int TrendPeriods = 12;

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/reporting")
            .WithTags("Reporting")
            .RequireScope(ReportingService.Scope);

        api.MapGet("/dashboard", DashboardAsync)
            .RequireStaff(CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin, CaseworkRoles.Auditor)
            .WithName("Dashboard")
            .WithSummary("Operational dashboard: open cases, referrals, reviews, unassigned queue and weekly and monthly trends")
            .WithDescription(
                "Optionally for one team (teamId) and one pathway (pathwayId). Supervisors see their own teams only (another team's id " +
                "answers 403); their referral figures cover the pathways their teams own. Built from events only: asOf is the time of the " +
                "last event applied, lastAppliedAt when it was applied.")
            .Produces<Dashboard>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapGet("/freshness", async (IDocumentStore store, CancellationToken cancellationToken) =>
                TypedResults.Ok(await FreshnessAsync(store, cancellationToken)))
            .RequireStaff(CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin, CaseworkRoles.Auditor)
            .WithName("Freshness")
            .WithSummary("How current the reports are: the time of the last event applied and whether a rebuild is running")
            .Produces<Freshness>();

        api.MapPost("/rebuild", RebuildAsync)
            .RequireStaff(CaseworkRoles.Admin)
            .WithName("Rebuild")
            .WithSummary("Recompute every read model from the stored event log (admins; synchronous)")
            .WithDescription(
                "Empties the read models and replays the event log in order, then answers with the number of events replayed. Events arriving " +
                "meanwhile wait in their queues and are applied afterwards. 409 while a rebuild is already running in this instance.")
            .Produces<RebuildResult>()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>
    /// The time of the last event applied, from the event log's indexes (two one-row reads): no document is written per
    /// event for it, which would make every consumer queue behind one row.
    /// </summary>
    public static async Task<Freshness> FreshnessAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        async Task<EventLogEntry?> LatestBy(string field) =>
            (await store.QueryAsync<EventLogEntry>(new DocumentQuery { OrderBy = field, Descending = true, Limit = 1, CountLimit = 0 }, cancellationToken))
            .Items.FirstOrDefault()?.Document;

        // The position starts with the event's time (sortable), so the last by position is the latest event: one index fewer to
        // maintain on every event than an index of its own on occurredAt.
        var occurred = await LatestBy("position");
        var applied = await LatestBy("appliedAt");
        var state = await store.GetAsync<ReportingState>(ReportingState.Id, cancellationToken);
        return new Freshness(occurred?.OccurredAt, applied?.AppliedAt, state?.Document.Rebuilding ?? false);
    }

    private static async Task<IResult> RebuildAsync(Rebuilder rebuilder, CancellationToken cancellationToken) =>
        await rebuilder.RunAsync(cancellationToken) is { } result
            ? TypedResults.Ok(result)
            : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A rebuild is already running.");

    private static async Task<IResult> DashboardAsync(
        HttpContext http, IDocumentStore store, TimeProvider time, RegionCalendar calendar, string? teamId, string? pathwayId,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (ReportFilters.Check(http, errors, teamId, pathwayId, out var teams) is { } refused)
        {
            return refused;
        }
        var scope = new Scope(teamId, pathwayId, teams);
        scope = scope with { ReferralPathways = await ReferralPathwaysAsync(store, scope, cancellationToken) };

        var now = time.GetUtcNow();
        var zone = calendar.Zone;
        var today = calendar.Today(now);
        var freshness = await FreshnessAsync(store, cancellationToken);
        return TypedResults.Ok(new Dashboard(
            freshness.AsOf, freshness.LastAppliedAt, freshness.Rebuilding, today, teamId, pathwayId,
            await OpenCasesAsync(store, scope, cancellationToken),
            await ReferralsAsync(store, scope, now, cancellationToken),
            await ReviewsAsync(store, scope, today, cancellationToken),
            await TrendsAsync(store, scope, today, zone, cancellationToken)));
    }

    /// <summary>
    /// What a request may see: cases of <see cref="Teams"/> (null: every team) and of one pathway if given; referrals of
    /// <see cref="ReferralPathways"/> (null: all), since a referral has no team until accepted, only the pathway it asks for.
    /// </summary>
    private sealed record Scope(string? TeamId, string? PathwayId, IReadOnlyList<string>? Teams, IReadOnlyList<string>? ReferralPathways = null)
    {
        public DocumentFilter Cases()
        {
            var filter = new DocumentFilter().Equal("pathwayId", PathwayId);
            return Teams is null ? filter : filter.In("teamId", Teams);
        }

        public DocumentFilter OpenCases() => Cases().Equal("status", CaseStatus.Open);

        public DocumentFilter Referrals()
        {
            var filter = new DocumentFilter().Equal("pathwayId", PathwayId);
            return ReferralPathways is null ? filter : filter.In("pathwayId", ReferralPathways);
        }
    }

    private static async Task<IReadOnlyList<string>?> ReferralPathwaysAsync(IDocumentStore store, Scope scope, CancellationToken cancellationToken) =>
        scope.Teams is null
            ? null
            : (await store.QueryAllAsync<PathwayReport>(new DocumentFilter().In("teamId", scope.Teams), cancellationToken)).Select(p => p.Id).ToList();

    private static async Task<OpenCases> OpenCasesAsync(IDocumentStore store, Scope scope, CancellationToken cancellationToken)
    {
        var byPathway = await store.CountByAsync<CaseReport>("pathwayId", scope.OpenCases(), cancellationToken);
        var byStage = await store.CountByAsync<CaseReport>("stage", scope.OpenCases(), cancellationToken);
        var byConcern = await store.CountByAsync<CaseReport>("concernLevel", scope.OpenCases(), cancellationToken);
        var byWorker = await store.CountByAsync<CaseReport>("workerId", scope.OpenCases(), cancellationToken);
        var workerIds = byWorker.Where(g => g.Value is not null).Select(g => g.Value!).ToList();
        var names = workerIds.Count == 0
            ? new Dictionary<string, string>()
            : (await store.QueryAllAsync<WorkerReport>(new DocumentFilter().In("workerId", workerIds), cancellationToken))
                .ToDictionary(w => w.Document.WorkerId, w => w.Document.Name);
        return new OpenCases(
            byPathway.Sum(g => g.Count),
            KeyCount.From(byPathway), KeyCount.From(byStage), KeyCount.From(byConcern),
            byWorker.Where(g => g.Value is not null).Select(g => new WorkerCount(g.Value!, names.GetValueOrDefault(g.Value!), g.Count))
                .OrderByDescending(w => w.Count).ThenBy(w => w.WorkerId, StringComparer.Ordinal).ToList(),
            byWorker.Where(g => g.Value is null).Sum(g => g.Count));
    }

    private static async Task<ReferralCounts> ReferralsAsync(IDocumentStore store, Scope scope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var byStatus = await store.CountByAsync<ReferralReport>("status", scope.Referrals(), cancellationToken);
        long Of(string status) => byStatus.Where(g => g.Value == status).Sum(g => g.Count);
        var overdue = await CountAsync<ReferralReport>(store,
            scope.Referrals().In("status", ReferralStatus.Undecided).LessThan("decisionDueAt", SortableUtc.Format(now)), cancellationToken);
        // A referral known only from its case's opening (its own event not yet here) has no status yet: not counted.
        return new ReferralCounts(
            byStatus.Where(g => ReferralStatus.Rank(g.Value) > 0).Sum(g => g.Count),
            Of(ReferralStatus.Accepted), Of(ReferralStatus.Declined), Of(ReferralStatus.Withdrawn),
            Of(ReferralStatus.Received) + Of(ReferralStatus.Screening), overdue);
    }

    private static async Task<ReviewCounts> ReviewsAsync(IDocumentStore store, Scope scope, DateOnly today, CancellationToken cancellationToken)
    {
        var due = await CountAsync<CaseReport>(store,
            scope.OpenCases().AtLeast("nextReviewOn", Day(today)).AtMost("nextReviewOn", Day(today.AddDays(7))), cancellationToken);
        var overdue = await CountAsync<CaseReport>(store, scope.OpenCases().LessThan("nextReviewOn", Day(today)), cancellationToken);
        return new ReviewCounts(due, overdue);
    }

    /// <summary>
    /// Each trend counts only the rows of its window (an index on the time leads), grouped by the period key the projection
    /// stored; periods without any activity answer 0.
    /// </summary>
    private static async Task<Trends> TrendsAsync(IDocumentStore store, Scope scope, DateOnly today, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        var firstWeek = Periods.WeekStart(today).AddDays(-7 * (TrendPeriods - 1));
        var weeks = Enumerable.Range(0, TrendPeriods).Select(i => Periods.Week(firstWeek.AddDays(7 * i))).ToList();
        var firstMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-(TrendPeriods - 1));
        var months = Enumerable.Range(0, TrendPeriods).Select(i => Periods.Month(firstMonth.AddMonths(i))).ToList();
        return new Trends(
            await PeriodsAsync(store, scope, weeks, Periods.StartOf(firstWeek, zone), "Week", cancellationToken),
            await PeriodsAsync(store, scope, months, Periods.StartOf(firstMonth, zone), "Month", cancellationToken));
    }

    private static async Task<IReadOnlyList<PeriodCounts>> PeriodsAsync(
        IDocumentStore store, Scope scope, IReadOnlyList<string> periods, DateTimeOffset from, string unit, CancellationToken cancellationToken)
    {
        var since = SortableUtc.Format(from);
        var opened = await store.CountByAsync<CaseReport>($"opened{unit}", scope.Cases().AtLeast("openedAt", since), cancellationToken);
        var closed = await store.CountByAsync<CaseReport>($"closed{unit}", scope.Cases().AtLeast("closedAt", since), cancellationToken);
        var received = await store.CountByAsync<ReferralReport>($"received{unit}", scope.Referrals().AtLeast("receivedAt", since), cancellationToken);
        static long In(IReadOnlyList<GroupCount> groups, string period) => groups.Where(g => g.Value == period).Sum(g => g.Count);
        return periods.Select(p => new PeriodCounts(p, In(opened, p), In(closed, p), In(received, p))).ToList();
    }

    private static async Task<long> CountAsync<T>(IDocumentStore store, DocumentFilter filter, CancellationToken cancellationToken) where T : class =>
        (await store.QueryAsync<T>(new DocumentQuery { Filter = filter, Limit = 1, CountLimit = null }, cancellationToken)).Total;

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
