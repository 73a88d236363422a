using System.Net;
using System.Text.Json;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Casework.Notes.Tests.NotesApiTests;

namespace Casework.Notes.Tests;

[Collection(NotesCollection.Name)]
public sealed class LegacyNotesTests(NotesFixture fixture)
{
    /// <summary>Stores a note as the previous version wrote it (text, createdAt, old type names), bypassing the current code.</summary>
    private async Task<Guid> StoreLegacyAsync(Guid caseId, string type, bool restricted, string text, DateTimeOffset createdAt)
    {
        var id = Guid.NewGuid();
        var json = JsonSerializer.Serialize(new
        {
            id, caseId, type, text, restricted, authorId = "cw-old", authorName = "Old Author", createdAt,
        }, DocumentJson.Options);
        await fixture.Database.ScalarAsync<int>("INSERT INTO doc_notes (id, version, data) VALUES ($1, 1, $2::jsonb) RETURNING 1", id.ToString(), json);
        return id;
    }

    [Fact]
    public async Task Notes_stored_before_types_and_amendments_read_before_and_after_the_upgrade()
    {
        var caseId = await fixture.OpenCaseAsync();
        var created = DateTimeOffset.UtcNow.AddMinutes(-3);
        var interaction = await StoreLegacyAsync(caseId, "Interaction", false, "Met at the drop-in.", created);
        var safeguarding = await StoreLegacyAsync(caseId, "Safeguarding", true, "Concern raised.", created.AddMinutes(1));
        using var colleague = fixture.Client(NewId("cw"), "caseworker", "housing");
        using var supervisor = fixture.Client(NewId("sup"), "supervisor", "housing");

        async Task AssertReadsAsync()
        {
            var notes = await ListAsync(supervisor, NotesOf(caseId));
            var old = notes.Single(n => n.GetProperty("id").GetGuid() == interaction);
            Assert.Equal(("Interaction", "Met at the drop-in.", true), (old.Text("type"), old.Text("body"), old.GetProperty("legacy").GetBoolean()));
            Assert.Equal(created.ToUnixTimeMilliseconds(), old.GetProperty("occurredAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
            var concern = notes.Single(n => n.GetProperty("id").GetGuid() == safeguarding);
            Assert.Equal(("SafeguardingConcern", "Concern raised."), (concern.Text("type"), concern.Text("body")));
            Assert.True(Assert.Single(await ListAsync(colleague, $"{NotesOf(caseId)}?type=SafeguardingConcern")).GetProperty("redacted").GetBoolean());
        }

        // Before the upgrade: the list reads them through the same normalisation (type filters need the upgrade).
        var before = await ListAsync(supervisor, NotesOf(caseId));
        Assert.Equal(2, before.Count);
        Assert.Contains(before, n => n.Text("type") == "SafeguardingConcern" && n.Text("body") == "Concern raised.");

        var upgrader = fixture.Factory.Services.GetServices<IHostedService>().OfType<DocumentUpgrader<CaseNote>>().Single();
        Assert.True(await upgrader.UpgradeAllAsync(CancellationToken.None) >= 2);
        await AssertReadsAsync();

        var stored = (await fixture.Store.GetAsync<CaseNote>(safeguarding.ToString()))!.Document;
        Assert.Equal(("SafeguardingConcern", "housing", (string?)null), (stored.Type, stored.TeamId, stored.LegacyText));
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM doc_notes WHERE id = $1 AND (data ? 'text' OR data ? 'createdAt')", safeguarding.ToString()));

        using var summaryCheck = await supervisor.GetAsync($"{NotesOf(caseId)}/{safeguarding}");
        Assert.Equal("\"2\"", summaryCheck.Headers.ETag?.Tag);
        await summaryCheck.JsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Notes_of_a_case_Notes_never_heard_of_get_its_team_once_the_case_is_opened_in_Notes_and_then_appear_in_search()
    {
        var caseId = await fixture.OpenCaseAsync();
        // As before this version: no copy of the case in Notes, and a note stored without the case's team.
        await fixture.Database.ScalarAsync<int>("DELETE FROM doc_cases WHERE id = $1 RETURNING 1", caseId.ToString());
        var word = NewId("tenancy");
        var note = CaseNote.Write(Guid.NewGuid(), caseId, null, new NoteDraft("Plan", null, null, null, $"Old {word}", null, null, null), null,
            "cw-old", "Old Author", DateTimeOffset.UtcNow.AddMinutes(-1));
        await using (var session = fixture.Store.OpenSession())
        {
            session.Insert(note.Id.ToString(), note);
            await session.CommitAsync();
        }
        using var colleague = fixture.Client(NewId("cw"), "caseworker", "housing");
        Assert.Empty(await ListAsync(colleague, $"/api/notes/search?text={word}"));

        Assert.Single(await ListAsync(colleague, NotesOf(caseId))); // Case's answer gives Notes the case's team and worker

        var record = (await fixture.Store.GetAsync<CaseRecord>(caseId.ToString()))!.Document;
        Assert.Equal("housing", record.TeamId);
        Assert.Equal("housing", (await fixture.Store.GetAsync<CaseNote>(note.Id.ToString()))!.Document.TeamId);
        Assert.Equal(note.Id, Assert.Single(await ListAsync(colleague, $"/api/notes/search?text={word}")).GetProperty("id").GetGuid());
    }
}
