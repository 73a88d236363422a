using Casework.Persistence;
using Casework.Reporting.Apis;
using Casework.Reporting.Domain;
using Casework.Reporting.Federation;
using Casework.Reporting.Rendering;
using Casework.ServiceDefaults;

namespace Casework.Reporting.Reports;

/// <summary>
/// Whose cases a report covers: <see cref="Teams"/> (null: every team in the region) and one pathway if given.
/// </summary>
public sealed record ImpactScope(IReadOnlyList<string>? Teams, string? PathwayId = null)
{
    public static readonly ImpactScope WholeRegion = new(Teams: null);

    public bool IsWholeRegion => Teams is null && PathwayId is null;

    public DocumentFilter Cases()
    {
        var filter = new DocumentFilter().Equal("pathwayId", PathwayId);
        return Teams is null ? filter : filter.In("teamId", Teams);
    }

    public bool Covers(CaseReport report) =>
        (PathwayId is null || report.PathwayId == PathwayId) && (Teams is null || (report.TeamId is { } team && Teams.Contains(team)));
}

/// <summary>
/// The impact (funder) report for a period: cases opened and closed, outcomes achieved, times from referral to first contact
/// and to closure, and support delivered, per pathway and overall. Built raw; only <see cref="Suppression"/> makes it
/// something anyone sees. Days are the region's: the period runs from the region's midnight starting From to the one ending To.
/// <para>
/// Cost: counts are grouped in the database over an index on the period's time (openedAt, closedAt). Medians and outcome lists
/// need each case's instants, so the cases closed and first contacted in the period are read (index on closedAt,
/// firstContactAt), and notes that happened in it (index on happenedAt) to sum their minutes: all bounded by the period,
/// which the API limits to <see cref="MaxPeriodDays"/>, and each kept as a few fields only.
/// </para>
/// </summary>
public sealed class ImpactReport(IDocumentStore store, RegionCalendar calendar, ReportingOptions settings) : IRegionalReportSource
{
    public const string Title = "Impact report";

    /// <summary>The longest period a report covers (three years and a leap day): what bounds every read above.</summary>
    public const int MaxPeriodDays = 3 * 365 + 1;

    public const string AllPathways = "All pathways";
    public const string AllTypes = "All types";
    public const string NoOutcome = "No outcome recorded";

    public ReportingOptions Settings => settings;

    /// <summary>The whole region, every pathway (what a regional rollup publishes).</summary>
    public Task<Report> BuildAsync(ReportPeriod period, CancellationToken cancellationToken) =>
        BuildAsync(period, ImpactScope.WholeRegion, cancellationToken);

    public async Task<Report> BuildAsync(ReportPeriod period, ImpactScope scope, CancellationToken cancellationToken)
    {
        if (period.To.DayNumber - period.From.DayNumber + 1 > MaxPeriodDays)
        {
            throw new ArgumentException($"A report covers at most {MaxPeriodDays} days.", nameof(period));
        }
        var zone = calendar.Zone;
        var from = SortableUtc.Format(Periods.StartOf(period.From, zone));
        var until = SortableUtc.Format(Periods.StartOf(period.To.AddDays(1), zone));
        DocumentFilter InPeriod(DocumentFilter filter, string field) => filter.AtLeast(field, from).LessThan(field, until);

        var freshness = await DashboardApi.FreshnessAsync(store, cancellationToken);
        var opened = await store.CountByAsync<CaseReport>("pathwayId", InPeriod(scope.Cases(), "openedAt"), cancellationToken);
        var closed = (await store.QueryAllAsync<CaseReport>(InPeriod(scope.Cases(), "closedAt"), cancellationToken)).Select(c => c.Document).ToList();
        var contacted = (await store.QueryAllAsync<CaseReport>(InPeriod(scope.Cases(), "firstContactAt"), cancellationToken)).Select(c => c.Document).ToList();
        var notes = await NotesAsync(InPeriod(new DocumentFilter(), "happenedAt"), scope, cancellationToken);

        var pathwayIds = opened.Select(g => g.Value).Concat(closed.Select(c => c.PathwayId)).Concat(contacted.Select(c => c.PathwayId))
            .Append(scope.PathwayId).OfType<string>().Distinct().ToList();
        var pathways = pathwayIds.Count == 0
            ? new Dictionary<string, PathwayReport>()
            : (await store.QueryAllAsync<PathwayReport>(new DocumentFilter().In("pathwayId", pathwayIds), cancellationToken))
                .ToDictionary(p => p.Document.PathwayId, p => p.Document);

        List<ReportSection> sections =
        [
            CasesOpenedAndClosed(opened, closed, pathways),
            .. OutcomesAchieved(closed, pathways),
            TimesFromReferral(contacted, closed, pathways),
            SupportDelivered(notes),
        ];
        await AddDemographicsAsync(sections, period, scope, cancellationToken);
        return new Report(Title, period, freshness.AsOf ?? DateTimeOffset.UtcNow, settings.RegionName, sections);
    }

    /// <summary>The demographics of the people the scope's cases supported in the period, after the other sections.</summary>
    private async Task AddDemographicsAsync(List<ReportSection> sections, ReportPeriod period, ImpactScope scope, CancellationToken cancellationToken) =>
        sections.AddRange(await DemographicsSection.BuildAsync(
            store, period, calendar.Zone, scope.IsWholeRegion ? null : scope.Cases(), cancellationToken: cancellationToken, threshold: settings.SmallNumberThreshold));

    /// <summary>
    /// Notes that happened in the period on the scope's cases. A note holds no team or pathway (it may arrive before its case),
    /// so outside the whole region the notes' cases are read, 500 ids at a time, and notes of other or unknown cases dropped.
    /// </summary>
    private async Task<List<NoteFact>> NotesAsync(DocumentFilter inPeriod, ImpactScope scope, CancellationToken cancellationToken)
    {
        var notes = (await store.QueryAllAsync<NoteFact>(inPeriod, cancellationToken)).Select(n => n.Document).ToList();
        if (scope.IsWholeRegion || notes.Count == 0)
        {
            return notes;
        }
        var covered = new HashSet<Guid>();
        foreach (var chunk in notes.Select(n => n.CaseId.ToString()).Distinct().Chunk(500))
        {
            foreach (var found in await store.QueryAllAsync<CaseReport>(new DocumentFilter().In("caseId", chunk), cancellationToken))
            {
                if (scope.Covers(found.Document)) covered.Add(found.Document.CaseId);
            }
        }
        return notes.Where(n => covered.Contains(n.CaseId)).ToList();
    }

    public static ReportSection CasesOpenedAndClosed(
        IReadOnlyList<GroupCount> opened, IReadOnlyList<CaseReport> closed, IReadOnlyDictionary<string, PathwayReport> pathways)
    {
        var openedBy = opened.GroupBy(g => g.Value ?? "").ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
        var closedBy = closed.GroupBy(c => c.PathwayId ?? "").ToDictionary(g => g.Key, g => (long)g.Count());
        var rows = openedBy.Keys.Union(closedBy.Keys)
            .Select(id => (Name: PathwayName(id, pathways), Opened: openedBy.GetValueOrDefault(id), Closed: closedBy.GetValueOrDefault(id)))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => Row.Of(Cell.Label(r.Name), Cell.Count(r.Opened), Cell.Count(r.Closed)))
            .Append(Row.Total(Cell.Label(AllPathways), Cell.Count(openedBy.Values.Sum()), Cell.Count(closedBy.Values.Sum())))
            .ToList();
        return new ReportSection("Cases opened and closed",
            [new Column("pathway", "Pathway", ColumnKind.Text), new Column("opened", "Cases opened", ColumnKind.Count), new Column("closed", "Cases closed", ColumnKind.Count)],
            rows, new ChartHint(ChartKind.Bar, ["opened", "closed"]));
    }

    /// <summary>The title of a pathway's outcomes section (one per pathway with closures, or one empty section without any).</summary>
    public const string OutcomesTitle = "Outcomes achieved";

    /// <summary>
    /// Cases closed in the period with each outcome, one section per pathway whose total row is the pathway's closures
    /// (as "Cases opened and closed" shows them): declared as a total so that suppression protects the outcome rows
    /// against that figure (closed 10, visible outcomes 6 and 3 would give a hidden "&lt;5" back as 1). A case may record
    /// several outcomes, so the rows can add up to more than the closures; the protection then only errs on hiding more.
    /// Closures without an outcome are counted as such. An outcome the pathway's latest version no longer labels shows its id.
    /// </summary>
    public static IReadOnlyList<ReportSection> OutcomesAchieved(IReadOnlyList<CaseReport> closed, IReadOnlyDictionary<string, PathwayReport> pathways)
    {
        Column[] columns = [new Column("outcome", "Outcome", ColumnKind.Text), new Column("cases", "Cases", ColumnKind.Count)];
        var sections = closed
            .GroupBy(c => c.PathwayId ?? "")
            .Select(byPathway =>
            {
                var pathway = pathways.GetValueOrDefault(byPathway.Key);
                var rows = byPathway
                    .SelectMany(c => c.Outcomes is { Count: > 0 } outcomes ? outcomes.Distinct().Select(o => (string?)o) : [null])
                    .GroupBy(o => o)
                    .Select(g => (Outcome: g.Key is null ? NoOutcome : pathway?.OutcomeLabel(g.Key) ?? g.Key, NoOutcome: g.Key is null, Count: g.Count()))
                    .OrderBy(r => r.NoOutcome).ThenBy(r => r.Outcome, StringComparer.Ordinal)
                    .Select(r => Row.Of(Cell.Label(r.Outcome), Cell.Count(r.Count)))
                    .Append(Row.Total(Cell.Label("Cases closed"), Cell.Count(byPathway.Count())))
                    .ToList();
                return new ReportSection($"{OutcomesTitle}: {PathwayName(byPathway.Key, pathways)}", columns, rows);
            })
            .OrderBy(section => section.Title, StringComparer.Ordinal)
            .ToList();
        return sections.Count > 0 ? sections : [new ReportSection($"{OutcomesTitle} (no cases closed in the period)", columns, [])];
    }

    /// <summary>
    /// Days from the referral's arrival to the first contact (cases whose first contact happened in the period) and to closure
    /// (cases closed in the period), per pathway with a total row over all of them. Cases opened without a referral time are left out.
    /// </summary>
    public static ReportSection TimesFromReferral(
        IReadOnlyList<CaseReport> contacted, IReadOnlyList<CaseReport> closed, IReadOnlyDictionary<string, PathwayReport> pathways)
    {
        static IEnumerable<(string Pathway, TimeSpan Duration)> Durations(IEnumerable<CaseReport> cases, Func<CaseReport, DateTimeOffset?> until) =>
            cases.Where(c => c.ReferralReceivedAt is not null && until(c) is not null)
                .Select(c => (c.PathwayId ?? "", until(c)!.Value - c.ReferralReceivedAt!.Value))
                .Select(x => (x.Item1, x.Item2 < TimeSpan.Zero ? TimeSpan.Zero : x.Item2));

        var toContact = Durations(contacted, c => c.FirstContactAt).ToList();
        var toClosure = Durations(closed, c => c.ClosedAt).ToList();
        Row RowOf(string label, IEnumerable<TimeSpan> contact, IEnumerable<TimeSpan> closure, bool total)
        {
            var a = DurationStatistics.Summarise(contact);
            var b = DurationStatistics.Summarise(closure);
            return new Row([Cell.Label(label), a.Cases, a.MedianDays, a.Percentile90Days, b.Cases, b.MedianDays, b.Percentile90Days], total);
        }

        var rows = toContact.Select(x => x.Pathway).Union(toClosure.Select(x => x.Pathway))
            .Select(id => (Name: PathwayName(id, pathways), Id: id))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => RowOf(p.Name, toContact.Where(x => x.Pathway == p.Id).Select(x => x.Duration),
                toClosure.Where(x => x.Pathway == p.Id).Select(x => x.Duration), total: false))
            .Append(RowOf(AllPathways, toContact.Select(x => x.Duration), toClosure.Select(x => x.Duration), total: true))
            .ToList();
        return new ReportSection("Time from referral to first contact and to closure (days)",
            [
                new Column("pathway", "Pathway", ColumnKind.Text),
                new Column("contactCases", "Cases first contacted", ColumnKind.Count),
                new Column("contactMedian", "Median days to first contact", ColumnKind.Days),
                new Column("contactP90", "90th percentile days to first contact", ColumnKind.Days),
                new Column("closureCases", "Cases closed", ColumnKind.Count),
                new Column("closureMedian", "Median days to closure", ColumnKind.Days),
                new Column("closureP90", "90th percentile days to closure", ColumnKind.Days),
            ],
            rows, new ChartHint(ChartKind.Bar, ["contactMedian", "closureMedian"]));
    }

    /// <summary>
    /// Notes by type: the cases that had them, their number and hours (minutes / 60). The notes and hours are about the cases,
    /// not the notes, so both are withheld when fewer cases than the threshold had them ("11 notes" on one case tells a funder
    /// what that one client had). The total row's cases are distinct cases (a case may have several types), so its sum is
    /// not exact: suppression checks it as if it were, which hides at worst a little more than needed.
    /// </summary>
    public static ReportSection SupportDelivered(IReadOnlyList<NoteFact> notes)
    {
        static Row RowOf(string label, IReadOnlyCollection<NoteFact> group, bool total)
        {
            var cases = group.Select(n => n.CaseId).Distinct().Count();
            return new([Cell.Label(label), Cell.Count(cases), Cell.Figure(group.Count, cases), Cell.Figure(group.Sum(n => (long)n.Minutes) / 60m, cases)], total);
        }

        var rows = notes.GroupBy(n => n.Type)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => RowOf(g.Key, g.ToList(), total: false))
            .Append(RowOf(AllTypes, notes.ToList(), total: true))
            .ToList();
        return new ReportSection("Support delivered (notes that happened in the period)",
            [
                new Column("type", "Note type", ColumnKind.Text),
                new Column("cases", "Cases", ColumnKind.Count),
                new Column("notes", "Notes", ColumnKind.Count),
                new Column("hours", "Hours", ColumnKind.Hours),
            ],
            rows, new ChartHint(ChartKind.Bar, ["notes"]));
    }

    private static string PathwayName(string id, IReadOnlyDictionary<string, PathwayReport> pathways) =>
        id.Length == 0 ? "(no pathway)" : pathways.GetValueOrDefault(id)?.Name ?? id;
}
