using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Reporting.Domain;
using Casework.Reporting.Reports;
using Casework.Reporting.Federation;
using Casework.Reporting.Rendering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Casework.Reporting.Tests.Impact;

/// <summary>The impact report's sections over in-memory read models, published as anyone would see them.</summary>
public sealed class ImpactReportSectionTests
{
    private static readonly Suppression Default = new();
    private static readonly DateTimeOffset Referred = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, PathwayReport> Pathways = new()
    {
        ["housing"] = new("housing", 2, "Housing", "team-a", true, [new("housed", "Housed"), new("advice", "Advice given")]),
        ["money"] = new("money", 1, "Money advice", "team-a", true, [new("debt-cleared", "Debt cleared")]),
    };

    private static CaseReport Case(string pathway, int contactDays, int? closedDays = null, params string[] outcomes) =>
        CaseReport.Empty(Guid.NewGuid()) with
        {
            PathwayId = pathway,
            TeamId = "team-a",
            ReferralReceivedAt = Referred,
            OpenedAt = Referred.AddHours(2),
            FirstContactAt = Referred.AddDays(contactDays),
            ClosedAt = closedDays is { } d ? Referred.AddDays(d) : null,
            Status = closedDays is null ? CaseStatus.Open : CaseStatus.Closed,
            Outcomes = outcomes,
        };

    private static string[] Display(PublishedSection section, int row) =>
        section.Rows[row].Cells.Select((c, i) => c.Display(section.Columns[i].Kind, Default.Threshold)).ToArray();

    private static string[] RowOf(PublishedSection section, string label) =>
        Display(section, section.Rows.Select((r, i) => (r, i)).Single(x => x.r.Label == label).i);

    [Fact]
    public void Cases_opened_and_closed_per_pathway_hide_small_counts_and_their_complement_in_the_total()
    {
        var closed = Enumerable.Range(0, 5).Select(i => Case("housing", 1, 10 + i, "housed")).ToList();
        var section = Default.Publish(ImpactReport.CasesOpenedAndClosed(
            [new GroupCount("housing", 6), new GroupCount("money", 3)], closed, Pathways));

        Assert.Equal(["Housing", "*", "5"], RowOf(section, "Housing"));
        Assert.Equal(["Money advice", "<5", "0"], RowOf(section, "Money advice"));
        // The total stays visible: with both parts hidden, 9 - "<5" gives neither away.
        Assert.Equal([ImpactReport.AllPathways, "9", "5"], RowOf(section, ImpactReport.AllPathways));
        Assert.True(section.Rows[^1].IsTotal);
    }

    [Fact]
    public void Outcomes_use_the_latest_labels_show_an_unknown_id_as_it_is_and_count_closures_without_one()
    {
        var closed = Enumerable.Range(0, 6).Select(i => Case("housing", 1, 10, "housed")).ToList();
        closed.Add(Case("housing", 1, 10, "housed", "retired-outcome"));
        closed.Add(Case("housing", 1, 10));
        closed.Add(Case("money", 1, 10, "debt-cleared"));

        var sections = ImpactReport.OutcomesAchieved(closed, Pathways).Select(Default.Publish).ToList();

        Assert.Equal(["Outcomes achieved: Housing", "Outcomes achieved: Money advice"], sections.Select(s => s.Title));
        // Housing's total is its 8 closures; two "<5" that must add up to 1 + 1 = 2 with a visible 7 would pin them, so the 7 is withheld too.
        Assert.Equal(
            [["Housed", "*"], ["retired-outcome", "<5"], [ImpactReport.NoOutcome, "<5"], ["Cases closed", "8"]],
            Enumerable.Range(0, sections[0].Rows.Count).Select(r => Display(sections[0], r)).ToArray());
        Assert.Equal([["Debt cleared", "<5"], ["Cases closed", "<5"]], Enumerable.Range(0, sections[1].Rows.Count).Select(r => Display(sections[1], r)).ToArray());
    }

    [Fact]
    public void An_outcome_hidden_as_small_cannot_be_worked_out_from_the_pathways_closures()
    {
        // 12 closed: 6 housed, 5 with another outcome, 1 with none. With the closures shown, 12 - 6 - 5 would give the 1 back.
        var closed = Enumerable.Range(0, 6).Select(_ => Case("housing", 1, 10, "housed"))
            .Concat(Enumerable.Range(0, 5).Select(_ => Case("housing", 1, 10, "retired-outcome")))
            .Append(Case("housing", 1, 10)).ToList();
        var housing = Default.Publish(ImpactReport.OutcomesAchieved(closed, Pathways).Single());
        Assert.Equal(
            [["Housed", "6"], ["retired-outcome", "*"], [ImpactReport.NoOutcome, "<5"], ["Cases closed", "12"]],
            Enumerable.Range(0, housing.Rows.Count).Select(r => Display(housing, r)).ToArray());
    }

    [Fact]
    public void Times_from_referral_are_median_and_90th_percentile_days_withheld_for_a_pathway_of_three()
    {
        // Housing: first contact after 1..6 days, closed after 10..14 days; money advice: three cases only.
        var contacted = Enumerable.Range(1, 6).Select(d => Case("housing", d)).Concat(Enumerable.Range(1, 3).Select(d => Case("money", d))).ToList();
        var closed = Enumerable.Range(10, 5).Select(d => Case("housing", 1, d)).Concat(Enumerable.Range(20, 3).Select(d => Case("money", 1, d))).ToList();

        var section = Default.Publish(ImpactReport.TimesFromReferral(contacted, closed, Pathways));

        // Nearest rank: median of six is the 3rd value, the 90th percentile the 6th; of five the 3rd and the 5th.
        // Housing's counts are withheld as the complements of money advice's in the total row; its figures stay.
        Assert.Equal(["Housing", "*", "3.0", "6.0", "*", "12.0", "14.0"], RowOf(section, "Housing"));
        Assert.Equal(["Money advice", "<5", "*", "*", "<5", "*", "*"], RowOf(section, "Money advice"));
        // Overall: 9 cases first contacted (1..6, 1..3: median the 5th value, 3) and 8 closed (10..14, 20..22: median 4th, 13).
        Assert.Equal([ImpactReport.AllPathways, "9", "3.0", "6.0", "8", "13.0", "22.0"], RowOf(section, ImpactReport.AllPathways));
    }

    [Fact]
    public void Support_delivered_shows_cases_and_withholds_the_notes_and_hours_of_a_type_few_cases_had()
    {
        var zone = TimeZoneInfo.Utc;
        NoteFact Note(Guid caseId, string type, int minutes) =>
            NoteFact.From(new NoteAdded(Guid.NewGuid(), caseId, "w", type, false, Referred, Referred, minutes), zone);
        var cases = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToArray();
        var advised = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToArray();
        var notes = cases.Select(c => Note(c, "Visit", 90)).Append(Note(cases[0], "Visit", 30))
            .Concat(advised.SelectMany(c => new[] { Note(c, "Advice", 60), Note(c, "Advice", 60) }))
            .Concat(Enumerable.Range(0, 5).Select(_ => Note(cases[1], "Phone call", 12)))
            .ToList();

        var section = Default.Publish(ImpactReport.SupportDelivered(notes));

        Assert.Equal(["Note type", "Cases", "Notes", "Hours"], section.Columns.Select(c => c.Title));
        Assert.Equal(["Advice", "6", "12", "12.0"], RowOf(section, "Advice"));
        // Five phone calls, all on one case: how many and how long says what that one client had.
        Assert.Equal(["Phone call", "<5", "*", "*"], RowOf(section, "Phone call"));
        // Visits (5 cases, 6 notes, 8.0 hours) are the smallest parts left: shown, they and the totals would give the phone calls back.
        Assert.Equal(["Visit", "*", "*", "*"], RowOf(section, "Visit"));
        Assert.Equal([ImpactReport.AllTypes, "11", "23", "21.0"], RowOf(section, ImpactReport.AllTypes));
    }

    [Fact]
    public void A_pathway_keeps_the_outcome_labels_of_its_latest_version_whatever_the_order()
    {
        var at = DateTimeOffset.UtcNow;
        var v1 = new PathwayPublished("p", 1, "P", "t", true, "admin", at, [new PathwayOutcome("a", "Old A")]);
        var v2 = new PathwayPublished("p", 2, "P", "t", true, "admin", at, [new PathwayOutcome("a", "New A")]);

        Assert.Equal("New A", PathwayReport.From(v2).Apply(v1).OutcomeLabel("a"));
        Assert.Equal("New A", PathwayReport.From(v1).Apply(v2).OutcomeLabel("a"));
        Assert.Equal("b", PathwayReport.From(v2).OutcomeLabel("b"));
        Assert.Equal("a", PathwayReport.From(v1 with { Outcomes = null }).OutcomeLabel("a"));
    }

    [Theory]
    [InlineData(null, 5)]
    [InlineData("10", 10)]
    [InlineData("2", 2)]
    public void The_threshold_comes_from_configuration_with_a_default_of_five(string? value, int expected) =>
        Assert.Equal(expected, Options(value).Value.SmallNumberThreshold);

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("five")]
    public void A_threshold_under_two_or_not_a_number_stops_the_service_naming_the_key(string value)
    {
        var error = Assert.ThrowsAny<Exception>(() => Options(value).Value);
        Assert.Contains("Reporting:SmallNumberThreshold", error.Message);
    }

    /// <summary>The options as the service registers them (validated when first read, which the host does at start).</summary>
    private static Microsoft.Extensions.Options.IOptions<ReportingOptions> Options(string? threshold)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(threshold is null ? [] : [new("Reporting:SmallNumberThreshold", threshold)]).Build();
        var services = new ServiceCollection();
        ReportingOptions.Register(services, configuration);
        return services.BuildServiceProvider().GetRequiredService<Microsoft.Extensions.Options.IOptions<ReportingOptions>>();
    }
}
