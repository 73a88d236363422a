using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Reporting.Domain;
using Casework.Reporting.Projections;
using Casework.Reporting.Rendering;
using Casework.Reporting.Reports;
using Xunit;

namespace Casework.Reporting.Tests.Demographics;

/// <summary>
/// The demographics sections against the real service and store: people's events and cases delivered through the broker
/// (out of order, repeated, with a merge), then counted for a period among one team's cases.
/// </summary>
[Collection(ReportingCollection.Name)]
public sealed class DemographicsSectionTests(ReportingFixture fixture)
{
    private static readonly ReportPeriod Period = ReportPeriod.Of(new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31));
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.Utc;

    private static DateTimeOffset On(int year, int month, int day) => new(year, month, day, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task People_supported_in_the_period_are_counted_once_each_by_their_latest_facts_and_every_section_adds_up()
    {
        var team = ReportingFixture.Unique("team");
        var (ada, bo, cy, dee, eve, merged, unknown) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var fay = Guid.NewGuid();

        // Facts: Bo's update arrives before the registration it follows; Cy's registration twice; a record merged into Ada
        // (its merge before its case) whose own facts must not count.
        await fixture.DeliverAsync(new PersonRegistered(ada, "Ada A", On(2025, 1, 1), 2000, "M1", "Woman", "White", "No"));
        await fixture.DeliverAsync(new PersonUpdated(bo, "Bo B", On(2025, 2, 2), 1950, "M1", "Man", null, "Yes"));
        await fixture.DeliverAsync(new PersonRegistered(bo, "Bo B", On(2025, 2, 1), 1950, "M1", "Woman", null, "No"));
        var cyRegistered = new PersonRegistered(cy, "Cy C", On(2025, 3, 1), 2010, "SW1A", "Woman", "Asian or Asian British", null);
        await fixture.DeliverAsync(cyRegistered);
        await fixture.DeliverAsync(cyRegistered);
        await fixture.DeliverAsync(new PersonRegistered(dee, "Dee D", On(2025, 1, 1), 1970, "B33", "Man", null, null));
        await fixture.DeliverAsync(new PersonRegistered(eve, "Eve E", On(2025, 1, 1), 1971, "B33", "Man", null, null));
        await fixture.DeliverAsync(new PersonRegistered(fay, "Fay F", On(2025, 1, 1), 1980, "B33", "Man", null, null));
        await fixture.DeliverAsync(new PersonRegistered(merged, "Ada A", On(2025, 4, 1), 1999, "LS1", "Non-binary", null, null));
        await fixture.DeliverAsync(new PeopleMerged(ada, "Ada A", [merged], "sup-1", On(2025, 5, 1)));

        async Task<Guid> OpenAsync(Guid person, DateTimeOffset at, DateTimeOffset? closedAt = null)
        {
            var caseId = Guid.NewGuid();
            await fixture.DeliverAsync(new CaseOpened(caseId, Guid.NewGuid(), person, "housing-support", team, "Medium", at));
            if (closedAt is { } closed)
            {
                await fixture.DeliverAsync(new CaseClosed(caseId, "housing-support", "Done", [], "u1", closed, CaseVersion: 3));
            }
            return caseId;
        }
        await OpenAsync(ada, On(2026, 2, 1));                          // opened in the period
        await OpenAsync(ada, On(2026, 2, 10), On(2026, 2, 20));        // Ada again: one person
        await OpenAsync(merged, On(2026, 3, 1));                       // Ada's merged record: still Ada
        await OpenAsync(bo, On(2025, 6, 1));                           // opened before, still open
        await OpenAsync(cy, On(2025, 6, 1), On(2026, 1, 15));          // closed in the period
        await OpenAsync(dee, On(2025, 1, 1), On(2025, 12, 1));         // closed before the period: not supported in it
        await OpenAsync(eve, On(2026, 4, 1));                          // opened after it
        await OpenAsync(unknown, On(2026, 3, 2));                      // no facts from Intake (yet)
        var reopened = await OpenAsync(fay, On(2024, 1, 1), On(2024, 6, 1)); // closed long before, reopened: Fay is supported
        await fixture.DeliverAsync(new CaseReopened(reopened, "Back again", "u1", On(2026, 2, 1), CaseVersion: 4));
        await OpenAsync(dee, On(2024, 1, 1), On(2024, 6, 1));          // closed long before, not reopened: Dee still not supported

        var sections = await DemographicsSection.BuildAsync(fixture.Store, Period, Zone, new DocumentFilter().Equal("teamId", team));

        Assert.Equal(5, sections.Count);
        foreach (var section in sections)
        {
            var total = Count(section, DemographicsSection.TotalLabel);
            Assert.Equal(5, total); // Ada, Bo, Cy, Fay, and the person without facts
            Assert.Equal(total, section.Rows.Where(r => !r.IsTotal).Sum(r => ((CountCell)r.Cells[1]).Value));
            Assert.True(section.Rows[^1].IsTotal);
        }
        var (ages, genders, ethnicities, disabilities, districts) = (sections[0], sections[1], sections[2], sections[3], sections[4]);
        Assert.Equal((1, 1, 1, 1, 1), (Count(ages, "0–17"), Count(ages, "25–34"), Count(ages, "35–49"), Count(ages, "65+"), Count(ages, DemographicsSection.NotRecorded)));
        Assert.Equal((2, 2, 1), (Count(genders, "Woman"), Count(genders, "Man"), Count(genders, DemographicsSection.NotRecorded)));
        Assert.DoesNotContain(genders.Rows, r => ((TextCell)r.Cells[0]).Text == "Non-binary"); // the merged record's own answer
        Assert.Equal((1, 1, 3), (Count(ethnicities, "White"), Count(ethnicities, "Asian or Asian British"), Count(ethnicities, DemographicsSection.NotRecorded)));
        Assert.Equal((1, 1, 3), (Count(disabilities, "No"), Count(disabilities, "Yes"), Count(disabilities, DemographicsSection.NotRecorded)));
        // Under the default threshold of 5 no district is named: M1 has 2, B33 and SW1A 1 each.
        Assert.Equal((4, 1), (Count(districts, DemographicsSection.OtherDistricts), Count(districts, DemographicsSection.NotRecorded)));
        Assert.DoesNotContain(districts.Rows, r => ((TextCell)r.Cells[0]).Text == "M1");

        var lowThreshold = await DemographicsSection.BuildAsync(fixture.Store, Period, Zone, new DocumentFilter().Equal("teamId", team), threshold: 2);
        Assert.Equal((2, 2), (Count(lowThreshold[4], "M1"), Count(lowThreshold[4], DemographicsSection.OtherDistricts)));

        // Published: every part is under 5 and hidden; the total of 5 shows, and no part can be worked out from it.
        var published = new Suppression().Publish(genders);
        Assert.All(published.Rows.Where(r => !r.IsTotal), r => Assert.Equal(CellState.Suppressed, r.Cells[1].State));
        Assert.Equal(CellState.Value, published.Rows[^1].Cells[1].State);

        // Reporting's log keeps people's events without their names.
        var logged = await fixture.Store.QueryAsync<EventLogEntry>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("type", nameof(PersonRegistered)).AtLeast("occurredAt", SortableUtc.Format(On(2025, 1, 1))),
            Limit = 200,
        });
        Assert.Contains(logged.Items, e => e.Document.Payload.GetProperty("personId").GetGuid() == ada);
        Assert.All(logged.Items, e => Assert.Equal("", e.Document.Payload.GetProperty("displayName").GetString()));
    }

    private static long Count(ReportSection section, string label) =>
        section.Rows.Where(r => ((TextCell)r.Cells[0]).Text == label).Select(r => ((CountCell)r.Cells[1]).Value).SingleOrDefault();
}
