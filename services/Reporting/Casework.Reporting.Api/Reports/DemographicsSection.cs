using Casework.Contracts;
using Casework.Persistence;
using Casework.Reporting.Domain;
using Casework.Reporting.Rendering;

namespace Casework.Reporting.Reports;

/// <summary>
/// "Demographics of people supported" for the funder report: distinct people by age band, gender, ethnicity, disability and
/// postcode district, one section each, every section with a total row (declared as a total, so suppression hides a
/// complement wherever a small count could be recovered by subtraction).
/// <para>
/// <b>People supported in the period</b>: the people of every case that was open at some time in the period (opened before its
/// end and not closed before its start; a case opened in the period counts even if it closed in it), each person once
/// however many cases they had, a merged record counted as its survivor with the survivor's facts
/// (<see cref="PersonReport"/>). A person Intake has sent no facts for is counted under "Not recorded".
/// A case closed before the period and reopened counts if it closed again in or after the period, or is open now (the case
/// read model keeps the last closure but not when it was reopened, so one reopened only after the period counts too).
/// </para>
/// <para>
/// Rows are in a fixed order (age bands, the monitoring vocabulary, districts by name), never by count: among "&lt;5" rows an
/// order by size would tell which hidden count is larger. For the same reason only districts with at least the threshold of
/// people can be listed by name; every other district is in "Other districts".
/// </para>
/// <para>
/// Age is the age reached in the calendar year the period ends in (reporting gets the year of birth only, never the date),
/// so someone whose birthday falls after the period's end is counted a year older.
/// </para>
/// </summary>
public static class DemographicsSection
{
    public const int DefaultTopDistricts = 10;

    public const string NotRecorded = "Not recorded";
    public const string OtherDistricts = "Other districts";
    public const string TotalLabel = "Total";

    public static readonly IReadOnlyList<(string Label, int From, int To)> AgeBands =
    [
        ("0–17", 0, 17), ("18–24", 18, 24), ("25–34", 25, 34), ("35–49", 35, 49), ("50–64", 50, 64), ("65+", 65, int.MaxValue),
    ];

    // Pages of ids read at a time: keeps each query's IN list and answer bounded.
    private const int Chunk = 500;
    private const int MaxMergeHops = 8;

    /// <summary>
    /// The sections for the people supported in <paramref name="period"/> (dates in the region's <paramref name="zone"/>),
    /// among the cases <paramref name="narrow"/> selects (e.g. <c>new DocumentFilter().Equal("teamId", team)</c>; null: the
    /// whole region). Up to <paramref name="topDistricts"/> districts with the most people, each at least <paramref name="threshold"/>
    /// (the suppression threshold the report is published with), are listed by name, the rest as "Other districts".
    /// </summary>
    public static Task<IReadOnlyList<ReportSection>> BuildAsync(
        IDocumentStore store, ReportPeriod period, TimeZoneInfo zone, DocumentFilter? narrow = null, int topDistricts = DefaultTopDistricts,
        CancellationToken cancellationToken = default, int threshold = Suppression.DefaultThreshold) =>
        BuildAsync(store, period, CasesSupportedIn(period, zone, narrow), topDistricts, cancellationToken, threshold);

    /// <summary>
    /// The sections for the people of the cases any of <paramref name="cases"/> selects (a union of filters over the case read
    /// model, <see cref="CaseReport"/>), ages at the end of <paramref name="period"/>.
    /// </summary>
    public static async Task<IReadOnlyList<ReportSection>> BuildAsync(
        IDocumentStore store, ReportPeriod period, IReadOnlyList<DocumentFilter> cases, int topDistricts = DefaultTopDistricts,
        CancellationToken cancellationToken = default, int threshold = Suppression.DefaultThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topDistricts, 1);
        var personIds = new HashSet<Guid>();
        foreach (var filter in cases)
        {
            foreach (var stored in await store.QueryAllAsync<CaseReport>(filter, cancellationToken))
            {
                if (stored.Document.PersonId is { } personId)
                {
                    personIds.Add(personId);
                }
            }
        }
        var people = await PeopleAsync(store, personIds, cancellationToken);
        return Sections(people, period, topDistricts, threshold);
    }

    /// <summary>
    /// The cases open at some time in the period, as four disjoint filters (the store's filters have no "or"): opened in
    /// the period; opened before it and never closed; opened before it and last closed in it or later; opened and last closed
    /// before it but reopened (open now). Each also carries <paramref name="narrow"/>'s conditions.
    /// </summary>
    public static IReadOnlyList<DocumentFilter> CasesSupportedIn(ReportPeriod period, TimeZoneInfo zone, DocumentFilter? narrow = null)
    {
        var start = SortableUtc.Format(Periods.StartOf(period.From, zone));
        var end = SortableUtc.Format(Periods.StartOf(period.To.AddDays(1), zone));
        DocumentFilter Base() => narrow?.Clone() ?? new DocumentFilter();
        return
        [
            Base().AtLeast("openedAt", start).LessThan("openedAt", end),
            Base().LessThan("openedAt", start).Missing("closedAt"),
            Base().LessThan("openedAt", start).AtLeast("closedAt", start),
            Base().Equal("status", CaseStatus.Open).LessThan("openedAt", start).LessThan("closedAt", start),
        ];
    }

    /// <summary>The counting itself, over people already resolved (pure: unit-testable without a store).</summary>
    public static IReadOnlyList<ReportSection> Sections(
        IReadOnlyCollection<PersonReport> people, ReportPeriod period, int topDistricts = DefaultTopDistricts, int threshold = Suppression.DefaultThreshold)
    {
        var ages = AgeBands.Select(b => (b.Label, (long)people.Count(p => AgeBandOf(p, period) == b.Label))).ToList();
        ages.Add((NotRecorded, people.Count(p => AgeBandOf(p, period) is null)));

        // The largest districts of at least threshold people (ties by name) are named, in name order; a small district never is,
        // so a named district's place says nothing of a hidden count.
        var byDistrict = people.Where(p => p.PostcodeDistrict is not null).GroupBy(p => p.PostcodeDistrict!)
            .Select(g => (District: g.Key, Count: (long)g.Count())).ToList();
        var named = byDistrict.Where(d => d.Count >= threshold)
            .OrderByDescending(d => d.Count).ThenBy(d => d.District, StringComparer.Ordinal).Take(topDistricts)
            .Select(d => d.District).ToHashSet(StringComparer.Ordinal);
        var districts = byDistrict.Where(d => named.Contains(d.District)).OrderBy(d => d.District, StringComparer.Ordinal).ToList();
        if (byDistrict.Count > named.Count)
        {
            districts.Add((OtherDistricts, byDistrict.Where(d => !named.Contains(d.District)).Sum(d => d.Count)));
        }
        districts.Add((NotRecorded, people.Count(p => p.PostcodeDistrict is null)));

        return
        [
            Section("People supported by age", "Age", ages, people.Count),
            Section("People supported by gender", "Gender", Answers(people, p => p.Gender, EqualityMonitoring.Genders), people.Count),
            Section("People supported by ethnicity", "Ethnicity", Answers(people, p => p.Ethnicity, EqualityMonitoring.Ethnicities), people.Count),
            Section("People supported by disability", "Disabled", Answers(people, p => p.Disability, EqualityMonitoring.Disabilities), people.Count),
            Section("People supported by postcode district", "Postcode district", districts, people.Count),
        ];
    }

    /// <summary>The person's age band at the end of the period (see the class comment), or null when not known.</summary>
    public static string? AgeBandOf(PersonReport person, ReportPeriod period)
    {
        if (person.BirthYear is not { } year || year > period.To.Year)
        {
            return null;
        }
        var age = period.To.Year - year;
        return AgeBands.First(b => age >= b.From && age <= b.To).Label;
    }

    /// <summary>
    /// The answers given, in the default list's order and then any a region added (by name), and "Not recorded" last. Only
    /// answers someone gave are listed: Reporting does not know a region's own list, and a row of zeros adds nothing.
    /// </summary>
    private static List<(string Label, long Count)> Answers(
        IReadOnlyCollection<PersonReport> people, Func<PersonReport, string?> answer, IReadOnlyList<string> defaults)
    {
        var rows = people.Select(answer).OfType<string>().GroupBy(a => a, StringComparer.Ordinal)
            .OrderBy(g => defaults.Contains(g.Key) ? defaults.ToList().IndexOf(g.Key) : defaults.Count)
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (long)g.Count())).ToList();
        rows.Add((NotRecorded, people.Count(p => answer(p) is null)));
        return rows;
    }

    private static ReportSection Section(string title, string category, IReadOnlyList<(string Label, long Count)> rows, long total) =>
        new(title,
            [new Column("category", category, ColumnKind.Text), new Column("people", "People", ColumnKind.Count)],
            [.. rows.Select(r => Row.Of(Cell.Label(r.Label), Cell.Count(r.Count))), Row.Total(Cell.Label(TotalLabel), Cell.Count(total))],
            new ChartHint(ChartKind.Bar, ["people"]));

    /// <summary>
    /// The people behind <paramref name="personIds"/>, one per survivor: a merged record is replaced by the record it was
    /// merged into (followed a few hops, in case merges arrived out of order). An id Reporting has no record of counts as
    /// a person with no facts.
    /// </summary>
    private static async Task<IReadOnlyCollection<PersonReport>> PeopleAsync(
        IDocumentStore store, IReadOnlyCollection<Guid> personIds, CancellationToken cancellationToken)
    {
        var known = new Dictionary<Guid, PersonReport>();
        var wanted = personIds.ToList();
        for (var hop = 0; hop <= MaxMergeHops && wanted.Count > 0; hop++)
        {
            foreach (var chunk in wanted.Chunk(Chunk))
            {
                var filter = new DocumentFilter().In("personId", chunk.Select(id => id.ToString()));
                var page = await store.QueryAsync<PersonReport>(new DocumentQuery { Filter = filter, Limit = chunk.Length, CountLimit = 0 }, cancellationToken);
                foreach (var stored in page.Items)
                {
                    known[stored.Document.PersonId] = stored.Document;
                }
            }
            wanted = known.Values.Select(p => p.MergedInto).OfType<Guid>().Where(id => !known.ContainsKey(id)).Distinct().ToList();
        }
        var survivors = new Dictionary<Guid, PersonReport>();
        foreach (var id in personIds)
        {
            var person = known.GetValueOrDefault(id) ?? PersonReport.Empty(id);
            for (var hop = 0; hop < MaxMergeHops && person.MergedInto is { } next; hop++)
            {
                person = known.GetValueOrDefault(next) ?? PersonReport.Empty(next);
            }
            survivors.TryAdd(person.PersonId, person);
        }
        return survivors.Values;
    }
}
