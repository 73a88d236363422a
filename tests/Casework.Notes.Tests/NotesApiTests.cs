using System.Net;
using System.Text.Json;
using Casework.ServiceDefaults;
using Casework.Testing;

namespace Casework.Notes.Tests;

[Collection(NotesCollection.Name)]
public sealed class NotesApiTests(NotesFixture fixture)
{
    public static string NotesOf(Guid caseId) => $"/api/notes/cases/{caseId}/notes";

    public static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    public static async Task<List<JsonElement>> ListAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var page = await response.JsonAsync(HttpStatusCode.OK);
        return page.GetProperty("items").EnumerateArray().ToList();
    }

    public static async Task<List<JsonElement>> ArrayAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (await response.JsonAsync(HttpStatusCode.OK)).EnumerateArray().ToList();
    }

    public static async Task<JsonElement> AddAsync(HttpClient client, Guid caseId, object note)
    {
        using var response = await client.PostJsonAsync(NotesOf(caseId), note);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_note_with_every_field_round_trips_and_publishes_NoteAdded_with_when_and_how_long()
    {
        var caseId = await fixture.OpenCaseAsync();
        var goalId = await fixture.AddGoalAsync(caseId);
        using var client = fixture.Client("cw-housing-1", "caseworker", "housing");
        // Earlier than written, but not before the case opened (a few minutes' clock skew allowed).
        var occurred = DateTimeOffset.UtcNow.AddMinutes(-4);
        occurred = occurred.AddTicks(-(occurred.Ticks % TimeSpan.TicksPerSecond));

        using var response = await client.PostJsonAsync(NotesOf(caseId), new
        {
            type = "HomeVisit", occurredAt = occurred, durationMinutes = 50, present = new[] { "Client", "Housing officer" },
            body = "# Visit\n- **rent** arrears: two months\n- damp in the bedroom", goalIds = new[] { goalId },
        });
        var note = await response.JsonAsync(HttpStatusCode.Created);
        var noteId = note.GetProperty("id").GetGuid();
        Assert.Equal($"{NotesOf(caseId)}/{noteId}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);

        using var read = await client.GetAsync($"{NotesOf(caseId)}/{noteId}");
        var stored = await read.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        Assert.Equal("HomeVisit", stored.Text("type"));
        Assert.Equal(occurred, stored.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.True(stored.GetProperty("writtenAt").GetDateTimeOffset() > occurred);
        Assert.Equal(50, stored.GetProperty("durationMinutes").GetInt32());
        Assert.Equal(["Client", "Housing officer"], stored.GetProperty("present").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("# Visit\n- **rent** arrears: two months\n- damp in the bedroom", stored.Text("body"));
        Assert.Equal(stored.Text("body"), stored.Text("original"));
        Assert.Empty(stored.GetProperty("amendments").EnumerateArray());
        Assert.Equal([goalId.ToString()], stored.GetProperty("goalIds").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("cw-housing-1 name", stored.Text("authorName"));
        Assert.False(stored.GetProperty("restricted").GetBoolean());

        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'NoteAdded' AND payload->>'noteId' = $1 AND payload->>'type' = 'HomeVisit' " +
            "AND payload->>'durationMinutes' = '50' AND (payload->>'happenedAt')::timestamptz = $2::timestamptz",
            noteId.ToString(), occurred.ToString("O")));
        Assert.Empty(await fixture.AuditOfAsync(noteId)); // only restricted records are audited
    }

    [Fact]
    public async Task A_case_lists_its_notes_newest_first_by_when_they_happened_and_pages()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var client = fixture.Client("cw-housing-1", "caseworker", "housing");
        var now = DateTimeOffset.UtcNow;
        foreach (var (body, minutesAgo) in new[] { ("middle", 2), ("newest", 1), ("oldest", 3) })
        {
            await AddAsync(client, caseId, new { type = "Plan", body, occurredAt = now.AddMinutes(-minutesAgo) });
        }

        Assert.Equal(["newest", "middle", "oldest"], (await ListAsync(client, NotesOf(caseId))).Select(n => n.Text("body")));
        using var page = await client.GetAsync(NotesOf(caseId) + "?offset=1&limit=1");
        var body2 = await page.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, body2.GetProperty("total").GetInt64());
        Assert.Equal("middle", Assert.Single(body2.GetProperty("items").EnumerateArray()).Text("body"));
    }

    [Fact]
    public async Task An_invalid_note_is_a_400_naming_each_field_and_stores_nothing()
    {
        var caseId = await fixture.OpenCaseAsync();
        await fixture.AddGoalAsync(caseId);
        using var client = fixture.Client("cw-housing-1", "caseworker", "housing");

        using var bad = await client.PostJsonAsync(NotesOf(caseId), new
        {
            type = "Gossip", body = "  ", occurredAt = DateTimeOffset.UtcNow.AddHours(1), durationMinutes = 1441,
            present = new[] { "" }, goalIds = new[] { Guid.NewGuid().ToString() }, restrictionReason = "curiosity",
        });
        Assert.Equal(["body", "durationMinutes", "goalIds[0]", "occurredAt", "present[0]", "restrictionReason", "type"],
            (await bad.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order(StringComparer.Ordinal));

        using var legacy = await client.PostJsonAsync(NotesOf(caseId), new { type = "Interaction", body = "old type" });
        Assert.Equal(["type"], (await legacy.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var beforeOpening = await client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = "x", occurredAt = DateTimeOffset.UtcNow.AddDays(-30) });
        Assert.Equal(["occurredAt"], (await beforeOpening.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var noReason = await client.PostJsonAsync(NotesOf(caseId), new { type = "Observation", body = "x", restricted = true });
        Assert.Equal(["restrictionReason"], (await noReason.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var tooLong = await client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = new string('x', 20_001) });
        Assert.Equal(["body"], (await tooLong.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var wrongJson = await client.PostRawAsync(NotesOf(caseId), """{"type":"Plan","body":"ok","restricted":"maybe"}""");
        Assert.Contains("restricted", (await wrongJson.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        Assert.Equal(0, await fixture.NotesOfCaseAsync(caseId));
    }

    [Fact]
    public async Task Unknown_cases_and_other_teams_cases_are_404_and_store_nothing()
    {
        var caseId = await fixture.OpenCaseAsync("housing-support");
        using var employment = fixture.Client("cw-employment-1", "caseworker", "employment");
        using var housing = fixture.Client("cw-housing-1", "caseworker", "housing");
        var noteId = (await AddAsync(housing, caseId, new { type = "Plan", body = "x" })).GetProperty("id").GetGuid();

        using var add = await employment.PostJsonAsync(NotesOf(caseId), new { type = "Observation", body = "Not my case" });
        using var list = await employment.GetAsync(NotesOf(caseId));
        using var one = await employment.GetAsync($"{NotesOf(caseId)}/{noteId}");
        using var nowhere = await housing.PostJsonAsync(NotesOf(Guid.NewGuid()), new { type = "Plan", body = "x" });
        using var otherCase = await housing.GetAsync($"{NotesOf(await fixture.OpenCaseAsync())}/{noteId}");

        await add.ProblemAsync(HttpStatusCode.NotFound);
        await list.ProblemAsync(HttpStatusCode.NotFound);
        await one.ProblemAsync(HttpStatusCode.NotFound);
        await nowhere.ProblemAsync(HttpStatusCode.NotFound);
        await otherCase.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, await fixture.NotesOfCaseAsync(caseId));
    }

    [Fact]
    public async Task A_closed_case_takes_only_safeguarding_notes_and_still_takes_amendments()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var client = fixture.Client("cw-housing-1", "caseworker", "housing");
        using var before = await client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = "Before closing" });
        var note = await before.JsonAsync(HttpStatusCode.Created);
        await fixture.CloseCaseAsync(caseId);

        using var refused = await client.PostJsonAsync(NotesOf(caseId), new { type = "PhoneCall", body = "After closing" });
        await refused.ProblemAsync(HttpStatusCode.Conflict);
        await AddAsync(client, caseId, new { type = "SafeguardingConcern", body = "Neighbour reported a concern after closure." });
        await AddAsync(client, caseId, new { type = "PhoneCall", body = "School called with a concern.", restricted = true, restrictionReason = "safeguarding" });
        using var health = await client.PostJsonAsync(NotesOf(caseId), new { type = "PhoneCall", body = "GP called.", restricted = true, restrictionReason = "health" });
        await health.ProblemAsync(HttpStatusCode.Conflict);
        using var amended = await client.PostJsonAsync($"{NotesOf(caseId)}/{note.GetProperty("id").GetGuid()}/amendments",
            new { body = "Before closing (corrected)", reason = "Typo" }, ("If-Match", before.Headers.ETag!.Tag));
        Assert.Equal("Before closing (corrected)", (await amended.JsonAsync(HttpStatusCode.OK)).Text("body"));

        Assert.Equal(3, await fixture.NotesOfCaseAsync(caseId));
    }

    [Fact]
    public async Task A_control_character_in_any_text_is_a_400_naming_the_field_and_never_a_500()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var client = fixture.Client(NewId("cw"), "caseworker", "housing");
        using var admin = fixture.Client(NewId("admin"), "admin");
        using var auditor = fixture.Client(NewId("auditor"), "auditor");

        async Task AssertNamesAsync(Task<HttpResponseMessage> sending, string field)
        {
            using var response = await sending;
            Assert.Equal([field], (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }

        await AssertNamesAsync(client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = "ok", present = new[] { "Client", "Sis\u0000ter" } }), "present[1]");
        await AssertNamesAsync(client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = "bell\u0007" }), "body");
        using var created = await client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = "Line one\n\tLine two" }); // line breaks and tabs are fine
        var noteId = (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await AssertNamesAsync(client.PostJsonAsync($"{NotesOf(caseId)}/{noteId}/amendments", new { body = "Fixed", reason = "Ty\u0000po" },
            ("If-Match", created.Headers.ETag!.Tag)), "reason");
        var section = new { id = "one", heading = "One", required = true, hint = "Fine" };
        foreach (var (template, field) in new (object, string)[]
        {
            (new { pathwayId = "housing-support", noteType = "Plan", name = "Na\u0000me", sections = new[] { section } }, "name"),
            (new { pathwayId = "housing-support", noteType = "Plan", name = "Name", sections = new[] { section with { heading = "Head\u0000" } } }, "sections[0].heading"),
            (new { pathwayId = "housing-support", noteType = "Plan", name = "Name", sections = new[] { section with { hint = "Hi\u0001nt" } } }, "sections[0].hint"),
        })
        {
            await AssertNamesAsync(admin.PostJsonAsync("/api/notes/templates", template), field);
        }
        await AssertNamesAsync(client.GetAsync($"{NotesOf(caseId)}?text=a%00b"), "text");
        await AssertNamesAsync(client.GetAsync("/api/notes/search?authorId=a%00b"), "authorId");
        await AssertNamesAsync(client.GetAsync("/api/notes/templates?pathwayId=a%00b"), "pathwayId");
        await AssertNamesAsync(auditor.GetAsync("/api/notes/access-log?actorId=a%00b"), "actorId");
        Assert.Equal(1, await fixture.NotesOfCaseAsync(caseId));

        // What no validation looks at (here the writer's name from their token) PostgreSQL refuses: a 400, and nothing stored.
        using var oddName = fixture.Factory.CreateClient(TestTokens.Staff(NewId("cw"), "Odd\u0000Name", ["caseworker"], ["housing"], NotesFixture.Audiences, "notes cases"));
        using var refused = await oddName.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = "x" });
        Assert.Contains("cannot be stored", (await refused.ProblemAsync(HttpStatusCode.BadRequest)).Text("detail"));
        Assert.Equal(1, await fixture.NotesOfCaseAsync(caseId));
    }

    [Fact]
    public async Task Partners_are_forbidden_and_anonymous_callers_unauthorised()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var partner = fixture.Factory.CreateClient(TestTokens.Partner("portal-1", NotesFixture.Audiences, "notes cases"));
        using var forbidden = await partner.GetAsync(NotesOf(caseId));
        using var forbiddenSearch = await partner.GetAsync("/api/notes/search?text=x");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbiddenSearch.StatusCode);

        using var anonymous = fixture.Factory.CreateClient();
        using var unauthorised = await anonymous.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorised.StatusCode);
        Assert.Equal(0, await fixture.NotesOfCaseAsync(caseId));
    }

    [Fact]
    public async Task A_token_that_case_does_not_accept_is_refused_without_a_500()
    {
        var caseId = await fixture.OpenCaseAsync();
        // Valid for Notes, but without Case's audience: Case refuses the forwarded token.
        using var client = fixture.Factory.CreateClient(TestTokens.Staff("cw-housing-1", "cw", ["caseworker"], ["housing"], ["casework-notes"], "notes"));

        using var response = await client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = "x" });

        await response.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(0, await fixture.NotesOfCaseAsync(caseId));
    }
}
