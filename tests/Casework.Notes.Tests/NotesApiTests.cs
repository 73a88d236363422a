using System.Net;
using Casework.Notes.Domain;
using Casework.ServiceDefaults;
using Casework.Testing;

namespace Casework.Notes.Tests;

[Collection(NotesCollection.Name)]
public sealed class NotesApiTests(NotesFixture fixture)
{
    private static string NotesOf(Guid caseId) => $"/api/notes/cases/{caseId}/notes";

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<List<System.Text.Json.JsonElement>> ListAsync(HttpClient client, Guid caseId)
    {
        using var response = await client.GetAsync(NotesOf(caseId));
        var page = await response.JsonAsync(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    private async Task<IReadOnlyList<AuditEntry>> AuditOfAsync(Guid noteId) =>
        (await fixture.Store.QueryAsync<AuditEntry>(new Persistence.DocumentQuery
        {
            Filter = new Persistence.DocumentFilter().Equal("recordId", noteId.ToString()),
            OrderBy = "at",
        })).Items.Select(i => i.Document).ToList();

    [Fact]
    public async Task A_caseworker_of_the_cases_team_adds_a_note_and_sees_it_listed()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var client = fixture.Client("cw-housing-1", "caseworker", "housing");

        using var response = await client.PostJsonAsync(NotesOf(caseId), new { type = "Interaction", text = "Met at the drop-in; rent arrears of two months." });
        var note = await response.JsonAsync(HttpStatusCode.Created);
        var noteId = note.GetProperty("id").GetGuid();

        Assert.Equal($"{NotesOf(caseId)}/{noteId}", response.Headers.Location?.OriginalString);
        Assert.Equal(caseId, note.GetProperty("caseId").GetGuid());
        Assert.Equal("cw-housing-1", note.GetProperty("authorId").GetString());
        Assert.Equal("cw-housing-1 name", note.GetProperty("authorName").GetString());
        Assert.False(note.GetProperty("restricted").GetBoolean());

        var listed = Assert.Single(await ListAsync(client, caseId));
        Assert.Equal(noteId, listed.GetProperty("id").GetGuid());
        Assert.Equal("Met at the drop-in; rent arrears of two months.", listed.GetProperty("text").GetString());
        Assert.False(listed.GetProperty("redacted").GetBoolean());

        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'NoteAdded' AND payload->>'noteId' = $1 AND payload->>'caseId' = $2 AND payload->>'restricted' = 'false'",
            noteId.ToString(), caseId.ToString()));
        Assert.Empty(await AuditOfAsync(noteId)); // only restricted records are audited
    }

    [Fact]
    public async Task Notes_are_listed_oldest_first_and_paged()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var client = fixture.Client("cw-housing-1", "caseworker", "housing");
        foreach (var text in new[] { "first", "second", "third" })
        {
            using var added = await client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", text });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        }

        Assert.Equal(["first", "second", "third"], (await ListAsync(client, caseId)).Select(n => n.GetProperty("text").GetString()));
        using var page = await client.GetAsync(NotesOf(caseId) + "?offset=1&limit=1");
        var body = await page.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, body.GetProperty("total").GetInt64());
        Assert.Equal("second", Assert.Single(body.GetProperty("items").EnumerateArray()).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Adding_a_note_to_a_case_that_does_not_exist_is_a_404()
    {
        var caseId = Guid.NewGuid();
        using var client = fixture.Client("cw-housing-1", "caseworker", "housing");

        using var response = await client.PostJsonAsync(NotesOf(caseId), new { type = "Interaction", text = "Nobody here" });

        await response.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await fixture.NotesOfCaseAsync(caseId));
    }

    [Fact]
    public async Task A_caseworker_of_another_team_gets_404_and_stores_nothing()
    {
        var caseId = await fixture.OpenCaseAsync("housing-support");
        using var employment = fixture.Client("cw-employment-1", "caseworker", "employment");

        using var add = await employment.PostJsonAsync(NotesOf(caseId), new { type = "Observation", text = "Not my case" });
        using var list = await employment.GetAsync(NotesOf(caseId));

        await add.ProblemAsync(HttpStatusCode.NotFound);
        await list.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, await fixture.NotesOfCaseAsync(caseId));
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE payload->>'caseId' = $1", caseId.ToString()));
    }

    [Fact]
    public async Task An_invalid_note_is_a_400_naming_the_fields_and_stores_nothing()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var client = fixture.Client("cw-housing-1", "caseworker", "housing");

        using var bad = await client.PostJsonAsync(NotesOf(caseId), new { type = "Gossip", text = "  " });
        Assert.Equal(new[] { "text", "type" }, (await bad.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order(StringComparer.Ordinal));

        using var missing = await client.PostJsonAsync(NotesOf(caseId), new { text = "No type" });
        Assert.Equal(["type"], (await missing.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var tooLong = await client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", text = new string('x', 20_001) });
        Assert.Equal(["text"], (await tooLong.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var wrongType = await client.PostAsync(NotesOf(caseId),
            new StringContent("""{"type":"Plan","text":"ok","restricted":"maybe"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains("restricted", (await wrongType.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        Assert.Equal(0, await fixture.NotesOfCaseAsync(caseId));
    }

    [Fact]
    public async Task A_restricted_note_is_readable_by_its_author_the_assigned_worker_and_a_supervisor_only_and_every_read_is_audited()
    {
        var assigned = NewId("cw-assigned");
        var caseId = await fixture.OpenCaseAsync(assignedWorker: assigned);
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "housing");
        using var colleague = fixture.Client(NewId("cw-colleague"), "caseworker", "housing");
        using var supervisor = fixture.Client(NewId("sup"), "supervisor", "housing");
        using var worker = fixture.Client(assigned, "caseworker", "housing");

        using var added = await author.PostJsonAsync(NotesOf(caseId), new { type = "Observation", text = "Disclosed a risk at home.", restricted = true });
        var noteId = (await added.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var written = Assert.Single(await AuditOfAsync(noteId));
        Assert.Equal("write", written.Action);
        Assert.Equal(caseId.ToString(), written.ParentId);

        async Task AssertReadsAsync(HttpClient client, bool readable)
        {
            var before = (await AuditOfAsync(noteId)).Count;
            var note = Assert.Single(await ListAsync(client, caseId));
            Assert.True(note.GetProperty("restricted").GetBoolean());
            Assert.Equal(!readable, note.GetProperty("redacted").GetBoolean());
            if (readable)
            {
                Assert.Equal("Disclosed a risk at home.", note.GetProperty("text").GetString());
                Assert.Equal(before + 1, (await AuditOfAsync(noteId)).Count);
            }
            else
            {
                Assert.Equal(System.Text.Json.JsonValueKind.Null, note.GetProperty("text").ValueKind);
            }
        }

        await AssertReadsAsync(author, readable: true);
        await AssertReadsAsync(colleague, readable: false);
        await AssertReadsAsync(supervisor, readable: true);
        await AssertReadsAsync(worker, readable: true);

        var reads = (await AuditOfAsync(noteId)).Where(a => a.Action == "read").ToList();
        Assert.Equal(3, reads.Count);
        Assert.All(reads, r => Assert.Equal(caseId.ToString(), r.ParentId));
        Assert.Equal(3, reads.Select(r => r.ActorId).Distinct().Count());
        Assert.Contains(assigned, reads.Select(r => r.ActorId));

        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'NoteAdded' AND payload->>'noteId' = $1 AND payload->>'restricted' = 'true'", noteId.ToString()));
    }

    [Fact]
    public async Task A_safeguarding_note_is_restricted_even_when_not_asked()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "housing");
        using var colleague = fixture.Client(NewId("cw-colleague"), "caseworker", "housing");

        using var added = await author.PostJsonAsync(NotesOf(caseId), new { type = "Safeguarding", text = "Concern raised." });
        Assert.True((await added.JsonAsync(HttpStatusCode.Created)).GetProperty("restricted").GetBoolean());
        Assert.True(Assert.Single(await ListAsync(colleague, caseId)).GetProperty("redacted").GetBoolean());
    }

    [Fact]
    public async Task A_manager_reads_restricted_notes_of_any_team()
    {
        var caseId = await fixture.OpenCaseAsync("employment-programme");
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "employment");
        using var manager = fixture.Client(NewId("manager"), "manager");
        using var added = await author.PostJsonAsync(NotesOf(caseId), new { type = "Safeguarding", text = "Concern raised." });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        Assert.Equal("Concern raised.", Assert.Single(await ListAsync(manager, caseId)).GetProperty("text").GetString());
    }

    [Fact]
    public async Task Partners_are_forbidden_and_anonymous_callers_unauthorised()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var partner = fixture.Factory.CreateClient(TestTokens.Partner("portal-1", NotesFixture.Audiences, "notes cases"));
        using var forbidden = await partner.GetAsync(NotesOf(caseId));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var anonymous = fixture.Factory.CreateClient();
        using var unauthorised = await anonymous.PostJsonAsync(NotesOf(caseId), new { type = "Plan", text = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        Assert.Equal(0, await fixture.NotesOfCaseAsync(caseId));
    }

    [Fact]
    public async Task A_token_that_case_does_not_accept_is_refused_without_a_500()
    {
        var caseId = await fixture.OpenCaseAsync();
        // Valid for Notes, but without Case's audience: Case refuses the forwarded token.
        using var client = fixture.Factory.CreateClient(TestTokens.Staff("cw-housing-1", "cw", ["caseworker"], ["housing"], ["casework-notes"], "notes"));

        using var response = await client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", text = "x" });

        await response.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await fixture.NotesOfCaseAsync(caseId));
    }
}
