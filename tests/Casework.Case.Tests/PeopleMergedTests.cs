extern alias CaseApi;

using System.Net;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using MassTransit;
using SupportCase = CaseApi::Casework.Case.Domain.SupportCase;

namespace Casework.Case.Tests;

/// <summary>PeopleMerged from Intake moves the merged records' cases to the surviving person, once.</summary>
[Collection(CaseCollection.Name)]
public sealed class PeopleMergedTests(CaseFixture fixture)
{
    /// <summary>Opens a case for this person the way production does, by a ReferralAccepted.</summary>
    private async Task<Stored<SupportCase>> OpenCaseForAsync(Guid personId, string displayName)
    {
        var accepted = new ReferralAccepted(Guid.NewGuid(), personId, displayName, "housing-support", "Medium", "intake-worker", DateTimeOffset.UtcNow);
        await fixture.PublishAsync(accepted, NewId.NextGuid());
        var opened = await Eventually.Until(() => fixture.CasesOfReferralAsync(accepted.ReferralId), page => page.Total > 0, what: "the case to open");
        return opened.Items[0];
    }

    private async Task<Stored<SupportCase>> CaseAsync(Stored<SupportCase> opened) => (await fixture.Store.GetAsync<SupportCase>(opened.Id))!;

    [Fact]
    public async Task The_merged_records_cases_move_to_the_survivor_with_its_name_and_a_timeline_entry_once()
    {
        var (survivorId, mergedId, earlierId, otherId) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var first = await OpenCaseForAsync(mergedId, "Jordan Reyez");
        var second = await OpenCaseForAsync(mergedId, "Jordan Reyez");
        var earlier = await OpenCaseForAsync(earlierId, "Jordon Reyes");
        var survivors = await OpenCaseForAsync(survivorId, "Jordan Reyes");
        var unrelated = await OpenCaseForAsync(otherId, "Ada Lovelace");

        var messageId = NewId.NextGuid();
        var at = DateTimeOffset.UtcNow;
        await fixture.PublishAsync(new PeopleMerged(survivorId, "Jordan Reyes", [mergedId, earlierId], "sup-1", at), messageId);
        await fixture.Consumed.WaitForAsync<PeopleMerged>(messageId);

        foreach (var opened in new[] { first, second, earlier })
        {
            var moved = await CaseAsync(opened);
            Assert.Equal((survivorId, "Jordan Reyes", 2L), (moved.Document.PersonId, moved.Document.PersonDisplayName, moved.Version));
            var entry = moved.Document.Timeline[^1];
            Assert.Equal(("PersonMerged", "sup-1"), (entry.What, entry.By));
            Assert.Contains(opened.Document.PersonId.ToString(), entry.Detail);
        }
        Assert.Equal(1, (await CaseAsync(survivors)).Version);
        Assert.Equal((otherId, 1L), ((await CaseAsync(unrelated)).Document.PersonId, (await CaseAsync(unrelated)).Version));

        // A redelivery, and Intake sending the merge again for one record, change nothing.
        await fixture.PublishAsync(new PeopleMerged(survivorId, "Jordan Reyes", [mergedId, earlierId], "sup-1", at), messageId);
        await fixture.Consumed.WaitForAsync<PeopleMerged>(messageId, times: 2);
        var resent = NewId.NextGuid();
        await fixture.PublishAsync(new PeopleMerged(survivorId, "Jordan Reyes", [mergedId], "sup-1", at.AddSeconds(1)), resent);
        await fixture.Consumed.WaitForAsync<PeopleMerged>(resent);
        foreach (var opened in new[] { first, second, earlier })
        {
            var moved = await CaseAsync(opened);
            Assert.Equal(2, moved.Version);
            Assert.Single(moved.Document.Timeline, c => c.What == "PersonMerged");
        }

        // Staff see the case under the surviving person.
        using var client = fixture.Caseworker("housing");
        using var response = await client.GetAsync($"/api/cases/{first.Id}");
        var view = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(survivorId, view.GetProperty("personId").GetGuid());
        Assert.Equal("PersonMerged", view.GetProperty("timeline").EnumerateArray().Last().Text("what"));
    }

    [Fact]
    public async Task A_name_the_case_shows_from_after_the_merge_is_kept()
    {
        var (survivorId, mergedId) = (Guid.NewGuid(), Guid.NewGuid());
        var opened = await OpenCaseForAsync(mergedId, "Jordan Reyez");
        var mergedAt = DateTimeOffset.UtcNow;
        var renamed = NewId.NextGuid();
        await fixture.PublishAsync(new PersonUpdated(mergedId, "Jordan Reyes-Kaur", mergedAt.AddMinutes(1)), renamed);
        await fixture.Consumed.WaitForAsync<PersonUpdated>(renamed);

        var messageId = NewId.NextGuid();
        await fixture.PublishAsync(new PeopleMerged(survivorId, "Jordan Reyes", [mergedId], "sup-1", mergedAt), messageId);
        await fixture.Consumed.WaitForAsync<PeopleMerged>(messageId);

        var moved = await CaseAsync(opened);
        Assert.Equal((survivorId, "Jordan Reyes-Kaur"), (moved.Document.PersonId, moved.Document.PersonDisplayName));
    }
}
