using Casework.Contracts.Events;
using Casework.Reporting.Domain;
using Casework.Reporting.Rendering;
using Casework.Reporting.Reports;
using Xunit;

namespace Casework.Reporting.Tests.Demographics;

/// <summary>
/// The people read model's rules (latest facts by event time win whole; repeats and older events change nothing; a merged
/// record follows the latest merge), whatever the arrival order, and the counting of the demographics sections.
/// </summary>
public sealed class PersonReportRuleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid PersonId = Guid.NewGuid();

    private static PersonReport Fold(IEnumerable<object> events) => events.Aggregate(PersonReport.Empty(PersonId), (person, e) => e switch
    {
        PersonRegistered r => person.Apply(r),
        PersonUpdated u => person.Apply(u),
        PeopleMerged m => person.MergedBy(m),
        _ => throw new ArgumentException(e.GetType().Name),
    });

    private static IEnumerable<IReadOnlyList<object>> Orders(params object[] events) =>
        // Every order of up to four events, each delivered twice.
        Permutations(events).Select(order => (IReadOnlyList<object>)[.. order, .. order]);

    private static IEnumerable<IEnumerable<T>> Permutations<T>(IReadOnlyList<T> items) => items.Count <= 1
        ? [items]
        : items.SelectMany((item, i) => Permutations([.. items.Take(i), .. items.Skip(i + 1)]).Select(rest => rest.Prepend(item)));

    [Fact]
    public void The_latest_facts_win_whatever_the_order_and_however_often_they_arrive()
    {
        var registered = new PersonRegistered(PersonId, "", T0, 1990, "M1", "Woman", "White", "No");
        var moved = new PersonUpdated(PersonId, "", T0.AddDays(1), 1990, "M14", "Woman", "White", "No");
        var answered = new PersonUpdated(PersonId, "", T0.AddDays(2), 1990, "M14", "Woman", "White", "Yes");

        foreach (var order in Orders(registered, moved, answered))
        {
            var person = Fold(order);
            Assert.Equal(("M14", "Yes", 1990, T0.AddDays(2)), (person.PostcodeDistrict, person.Disability, person.BirthYear, person.FactsAt));
        }
    }

    [Fact]
    public void A_cleared_answer_is_cleared_when_its_event_is_the_latest()
    {
        var registered = new PersonRegistered(PersonId, "", T0, 1990, "M1", "Woman", null, null);
        var cleared = new PersonUpdated(PersonId, "", T0.AddHours(1), 1990, "M1", null, null, null);
        Assert.Null(Fold([cleared, registered]).Gender);
        Assert.Null(Fold([registered, cleared]).Gender);
    }

    [Fact]
    public void A_merged_record_points_at_the_survivor_of_the_latest_merge_in_any_order()
    {
        var first = Guid.NewGuid();
        var later = Guid.NewGuid();
        var merged = new PeopleMerged(first, "", [PersonId], "sup-1", T0);
        var mergedOn = new PeopleMerged(later, "", [first, PersonId], "sup-1", T0.AddDays(1));
        var facts = new PersonRegistered(PersonId, "", T0.AddDays(-10), 1980, "B33", "Man", null, null);

        foreach (var order in Orders(merged, mergedOn, facts))
        {
            var person = Fold(order);
            Assert.Equal(later, person.MergedInto);
            Assert.Equal("B33", person.PostcodeDistrict); // its own facts stay; counts use the survivor's
        }
    }

    [Fact]
    public void Logged_people_events_lose_their_names()
    {
        var logged = Assert.IsType<PersonRegistered>(PersonReport.WithoutNames(new PersonRegistered(PersonId, "Ada Lovelace", T0, 1990)));
        Assert.Equal(("", 1990), (logged.DisplayName, logged.BirthYear));
        Assert.Equal("", Assert.IsType<PeopleMerged>(PersonReport.WithoutNames(new PeopleMerged(PersonId, "Ada Lovelace", [], "u", T0))).SurvivorDisplayName);
        var other = new ReferralDeclined(Guid.NewGuid(), "Out of area", "u1", T0);
        Assert.Same(other, PersonReport.WithoutNames(other));
    }

    [Theory]
    [InlineData(2026, "0–17")]     // born this year
    [InlineData(2009, "0–17")]     // 17 in 2026
    [InlineData(2008, "18–24")]
    [InlineData(2002, "18–24")]
    [InlineData(2001, "25–34")]
    [InlineData(1977, "35–49")]
    [InlineData(1962, "50–64")]
    [InlineData(1961, "65+")]
    [InlineData(1920, "65+")]
    [InlineData(2027, null)]       // after the period: a typing error, not a person yet to be born
    [InlineData(null, null)]
    public void Age_bands_are_by_the_age_reached_in_the_year_the_period_ends(int? birthYear, string? band)
    {
        var person = PersonReport.Empty(PersonId) with { BirthYear = birthYear };
        Assert.Equal(band, DemographicsSection.AgeBandOf(person, ReportPeriod.Of(new DateOnly(2025, 4, 1), new DateOnly(2026, 3, 31))));
    }

    [Fact]
    public void Every_section_lists_its_rows_and_a_total_that_suppression_accepts()
    {
        var people = Enumerable.Range(0, 23).Select(i => PersonReport.Empty(Guid.NewGuid()) with
        {
            BirthYear = 1950 + i * 3,
            PostcodeDistrict = i % 4 == 0 ? null : $"M{i % 5}",
            Gender = i % 3 == 0 ? "Woman" : i % 3 == 1 ? "Man" : null,
            Ethnicity = i % 2 == 0 ? "White" : "Roma", // a region's own answer comes after the default list's
            Disability = "No",
        }).ToList();

        // M1 and M2 have 4 people each, M0, M3 and M4 have 3: with a threshold of 4 the first two are named.
        var sections = DemographicsSection.Sections(people, ReportPeriod.Of(new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31)), topDistricts: 2, threshold: 4);

        Assert.Equal(5, sections.Count);
        foreach (var section in sections)
        {
            var total = Assert.Single(section.Rows, r => r.IsTotal);
            Assert.Same(total, section.Rows[^1]);
            Assert.Equal(23, Assert.IsType<CountCell>(total.Cells[1]).Value);
            Assert.Equal(23, section.Rows.Where(r => !r.IsTotal).Sum(r => Assert.IsType<CountCell>(r.Cells[1]).Value));
            new Suppression().Publish(section); // refuses a section whose totals it cannot protect
        }
        Assert.Equal(["White", "Roma", DemographicsSection.NotRecorded], Labels(sections[2]));
        Assert.Equal(["M1", "M2", DemographicsSection.OtherDistricts, DemographicsSection.NotRecorded], Labels(sections[4]));
        Assert.Equal([.. DemographicsSection.AgeBands.Select(b => b.Label), DemographicsSection.NotRecorded], Labels(sections[0]));
    }

    [Fact]
    public void Only_districts_of_at_least_the_threshold_are_named_and_in_name_order_never_by_count()
    {
        var period = ReportPeriod.Of(new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31));
        var people = new[] { ("D4", 7), ("A1", 6), ("Z9", 5), ("C3", 4), ("B2", 3) }
            .SelectMany(d => Enumerable.Range(0, d.Item2).Select(_ => PersonReport.Empty(Guid.NewGuid()) with { PostcodeDistrict = d.Item1 }))
            .ToList();

        // Ordered by count, C3 before B2 would say which "<5" is larger; named at all, they would bound each other.
        var all = DemographicsSection.Sections(people, period)[4];
        Assert.Equal(["A1", "D4", "Z9", DemographicsSection.OtherDistricts, DemographicsSection.NotRecorded], Labels(all));
        Assert.Equal(7, Assert.IsType<CountCell>(all.Rows[3].Cells[1]).Value);

        // The two largest are chosen by count, then listed by name.
        var top = DemographicsSection.Sections(people, period, topDistricts: 2)[4];
        Assert.Equal(["A1", "D4", DemographicsSection.OtherDistricts, DemographicsSection.NotRecorded], Labels(top));
        Assert.Equal(12, Assert.IsType<CountCell>(top.Rows[2].Cells[1]).Value);

        // The threshold is the report's: at 7 only D4 qualifies.
        Assert.Equal(["D4", DemographicsSection.OtherDistricts, DemographicsSection.NotRecorded],
            Labels(DemographicsSection.Sections(people, period, threshold: 7)[4]));
    }

    private static IReadOnlyList<string> Labels(ReportSection section) =>
        section.Rows.Where(r => !r.IsTotal).Select(r => Assert.IsType<TextCell>(r.Cells[0]).Text).ToList();
}
