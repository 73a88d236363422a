using System.Net;
using System.Text.Json;
using Casework.Testing;
using static Casework.Notes.Tests.NotesApiTests;

namespace Casework.Notes.Tests;

[Collection(NotesCollection.Name)]
public sealed class RestrictedNotesTests(NotesFixture fixture)
{
    [Fact]
    public async Task A_restricted_note_is_redacted_for_a_colleague_and_its_author_and_read_by_the_worker_a_team_supervisor_and_a_granted_role_each_read_audited()
    {
        var assigned = NewId("cw-assigned");
        var caseId = await fixture.OpenCaseAsync(assignedWorker: assigned);
        var goalId = await fixture.AddGoalAsync(caseId);
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "housing");
        using var colleague = fixture.Client(NewId("cw-colleague"), "caseworker", "housing");
        using var supervisor = fixture.Client(NewId("sup"), "supervisor", "housing");
        using var otherSupervisor = fixture.Client(NewId("sup"), "supervisor", "employment", "other");
        using var manager = fixture.Client(NewId("manager"), "manager");
        using var admin = fixture.Client(NewId("admin"), "admin");
        using var worker = fixture.Client(assigned, "caseworker", "housing");

        var added = await AddAsync(author, caseId, new
        {
            type = "Observation", body = "Disclosed a risk at home.", restricted = true, restrictionReason = "health",
            present = new[] { "Client" }, goalIds = new[] { goalId },
        });
        var noteId = added.GetProperty("id").GetGuid();
        Assert.True(added.GetProperty("restricted").GetBoolean());
        Assert.Equal("Disclosed a risk at home.", added.Text("body")); // the reply to writing it echoes what was sent
        var written = Assert.Single(await fixture.AuditOfAsync(noteId));
        Assert.Equal(("write", caseId.ToString()), (written.Action, written.ParentId));

        async Task AssertReadsAsync(HttpClient client, bool readable)
        {
            var before = (await fixture.AuditOfAsync(noteId)).Count;
            var listed = Assert.Single(await ListAsync(client, NotesOf(caseId)));
            using var one = await client.GetAsync($"{NotesOf(caseId)}/{noteId}");
            Assert.Equal(readable, one.Headers.ETag is not null); // a version would tell how often a redacted note was amended
            foreach (var note in new[] { listed, await one.JsonAsync(HttpStatusCode.OK) })
            {
                Assert.True(note.GetProperty("restricted").GetBoolean());
                Assert.Equal(!readable, note.GetProperty("redacted").GetBoolean());
                Assert.Equal(noteId, note.GetProperty("id").GetGuid());
                Assert.Equal("Observation", note.Text("type"));
                if (readable)
                {
                    Assert.Equal("Disclosed a risk at home.", note.Text("body"));
                    Assert.Equal("health", note.Text("restrictionReason"));
                }
                else
                {
                    foreach (var hidden in new[] { "body", "original", "present", "goalIds", "amendments", "restrictionReason" })
                    {
                        Assert.Equal(JsonValueKind.Null, note.GetProperty(hidden).ValueKind);
                    }
                }
            }
            Assert.Equal(before + (readable ? 2 : 0), (await fixture.AuditOfAsync(noteId)).Count);
        }

        await AssertReadsAsync(author, readable: false); // not the worker: they ask the worker or a supervisor to amend it
        await AssertReadsAsync(colleague, readable: false);
        await AssertReadsAsync(supervisor, readable: true);
        using var otherTeam = await otherSupervisor.GetAsync($"{NotesOf(caseId)}/{noteId}");
        await otherTeam.ProblemAsync(HttpStatusCode.NotFound); // Case does not show them the case at all
        await AssertReadsAsync(worker, readable: true);
        await AssertReadsAsync(manager, readable: true); // granted by Notes:RestrictedNotes:ReaderRoles
        await AssertReadsAsync(admin, readable: false); // not granted in this region

        var reads = (await fixture.AuditOfAsync(noteId)).Where(a => a.Action == "read").ToList();
        Assert.Equal(6, reads.Count);
        Assert.All(reads, r => Assert.Equal(caseId.ToString(), r.ParentId));
        Assert.Equal(3, reads.Select(r => r.ActorId).Distinct().Count());
        Assert.Contains(assigned, reads.Select(r => r.ActorId));
    }

    [Fact]
    public async Task A_safeguarding_concern_is_restricted_even_when_not_asked()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "housing");
        using var colleague = fixture.Client(NewId("cw-colleague"), "caseworker", "housing");

        var added = await AddAsync(author, caseId, new { type = "SafeguardingConcern", body = "Concern raised.", restricted = false });
        Assert.True(added.GetProperty("restricted").GetBoolean());
        Assert.Equal("safeguarding", added.Text("restrictionReason"));
        Assert.True(Assert.Single(await ListAsync(colleague, NotesOf(caseId))).GetProperty("redacted").GetBoolean());
    }

    [Fact]
    public async Task An_auditor_queries_the_access_log_by_case_note_actor_and_time_and_a_caseworker_is_refused()
    {
        var caseId = await fixture.OpenCaseAsync();
        var supervisorId = NewId("sup");
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "housing");
        using var supervisor = fixture.Client(supervisorId, "supervisor", "housing");
        var noteId = (await AddAsync(author, caseId, new { type = "SafeguardingConcern", body = "Concern." })).GetProperty("id").GetGuid();
        var start = DateTimeOffset.UtcNow;
        await ListAsync(supervisor, NotesOf(caseId));

        using var auditor = fixture.Client(NewId("auditor"), "auditor");
        var byCase = await ListAsync(auditor, $"/api/notes/access-log?caseId={caseId}");
        Assert.Equal(["read", "write"], byCase.Select(e => e.Text("action")));
        Assert.All(byCase, e => Assert.Equal(noteId.ToString(), e.Text("recordId")));
        var byActor = Assert.Single(await ListAsync(auditor, $"/api/notes/access-log?actorId={supervisorId}&noteId={noteId}"));
        Assert.Equal(supervisorId + " name", byActor.Text("actorName"));
        Assert.Single(await ListAsync(auditor, $"/api/notes/access-log?caseId={caseId}&from={Uri.EscapeDataString(start.ToString("O"))}&limit=5"));

        using var admin = fixture.Client(NewId("admin"), "admin");
        Assert.Equal(2, (await ListAsync(admin, $"/api/notes/access-log?caseId={caseId}")).Count);
        Assert.Equal(2, await fixture.Database.ScalarAsync<long>( // Notes declares the indexes these queries use
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'doc_audit_log' AND (indexdef LIKE '%parentId%' OR indexdef LIKE '%recordType%')"));

        using var caseworker = await author.GetAsync($"/api/notes/access-log?caseId={caseId}");
        Assert.Equal(HttpStatusCode.Forbidden, caseworker.StatusCode);
        using var badPaging = await auditor.GetAsync("/api/notes/access-log?limit=0");
        Assert.Contains("limit", (await badPaging.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        using var badDate = await auditor.GetAsync("/api/notes/access-log?from=yesterday");
        Assert.Contains("from", (await badDate.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task An_amendment_needs_If_Match_keeps_the_original_and_a_retry_is_not_applied_twice()
    {
        var caseId = await fixture.OpenCaseAsync();
        var authorId = NewId("cw-author");
        using var author = fixture.Client(authorId, "caseworker", "housing");
        using var colleague = fixture.Client(NewId("cw-colleague"), "caseworker", "housing");
        using var supervisor = fixture.Client(NewId("sup"), "supervisor", "housing");
        using var created = await author.PostJsonAsync(NotesOf(caseId), new { type = "PhoneCall", body = "Called on Monday." });
        var noteId = (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var amendments = $"{NotesOf(caseId)}/{noteId}/amendments";
        var etag = created.Headers.ETag!.Tag;

        using var withoutIfMatch = await author.PostJsonAsync(amendments, new { body = "Called on Tuesday.", reason = "Wrong day" });
        await withoutIfMatch.ProblemAsync(HttpStatusCode.PreconditionRequired);
        using var noReason = await author.PostJsonAsync(amendments, new { body = "Called on Tuesday." }, ("If-Match", etag));
        Assert.Equal(["reason"], (await noReason.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        using var notAllowed = await colleague.PostJsonAsync(amendments, new { body = "Mine now", reason = "Because" }, ("If-Match", etag));
        await notAllowed.ProblemAsync(HttpStatusCode.Forbidden);

        using var amended = await author.PostJsonAsync(amendments, new { body = "Called on Tuesday.", reason = "Wrong day" }, ("If-Match", etag));
        var view = await amended.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("\"2\"", amended.Headers.ETag?.Tag);
        // The response was lost and the client retries: answered as before, applied once.
        using var retried = await author.PostJsonAsync(amendments, new { body = "Called on Tuesday.", reason = "Wrong day" }, ("If-Match", etag));
        var replayed = await retried.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Called on Tuesday.", 1), (replayed.Text("body"), replayed.GetProperty("amendments").GetArrayLength()));
        Assert.Equal("\"2\"", retried.Headers.ETag?.Tag);
        using var stale = await author.PostJsonAsync(amendments, new { body = "Called on Wednesday.", reason = "Wrong day" }, ("If-Match", etag));
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);
        using var notTheirs = await supervisor.PostJsonAsync(amendments, new { body = "Called on Tuesday.", reason = "Wrong day" }, ("If-Match", etag));
        await notTheirs.ProblemAsync(HttpStatusCode.PreconditionFailed);

        using var bySupervisor = await supervisor.PostJsonAsync(amendments, new { body = "Called on Tuesday at 10.", reason = "Added the time" },
            ("If-Match", amended.Headers.ETag!.Tag));
        await bySupervisor.JsonAsync(HttpStatusCode.OK);

        using var read = await colleague.GetAsync($"{NotesOf(caseId)}/{noteId}");
        var note = await read.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Called on Tuesday at 10.", note.Text("body"));
        Assert.Equal("Called on Monday.", note.Text("original"));
        var history = note.GetProperty("amendments").EnumerateArray().ToList();
        Assert.Equal(["Wrong day", "Added the time"], history.Select(a => a.Text("reason")));
        Assert.Equal(authorId, history[0].Text("amendedBy"));
        Assert.Equal("Called on Tuesday.", history[0].Text("body"));
        Assert.Equal("\"3\"", read.Headers.ETag?.Tag);
        Assert.Equal("Called on Tuesday.", view.Text("body"));

        Assert.Equal(2, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'NoteAmended' AND payload->>'noteId' = $1", noteId.ToString()));
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'NoteAmended' AND payload->>'noteId' = $1 AND payload->>'reason' = 'Wrong day' AND payload->>'amendmentNumber' = '1'",
            noteId.ToString()));
    }

    [Fact]
    public async Task Concurrent_amendments_with_the_same_ETag_apply_once_and_the_others_get_412()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "housing");
        using var created = await author.PostJsonAsync(NotesOf(caseId), new { type = "PhoneCall", body = "Called." });
        var noteId = (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var responses = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => author.PostJsonAsync($"{NotesOf(caseId)}/{noteId}/amendments",
            new { body = $"Called ({i}).", reason = "Detail" }, ("If-Match", created.Headers.ETag!.Tag))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_correction_can_restrict_a_note_original_included_but_never_lift_a_restriction()
    {
        var worker = NewId("cw-worker");
        var caseId = await fixture.OpenCaseAsync(assignedWorker: worker);
        using var theWorker = fixture.Client(worker, "caseworker", "housing");
        using var colleague = fixture.Client(NewId("cw-colleague"), "caseworker", "housing");
        using var created = await theWorker.PostJsonAsync(NotesOf(caseId), new { type = "HomeVisit", body = "Talked about their diagnosis." });
        var noteId = (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var amendments = $"{NotesOf(caseId)}/{noteId}/amendments";

        using var reasonAlone = await theWorker.PostJsonAsync(amendments, new { body = "b", reason = "r", restrictionReason = "health" }, ("If-Match", "\"1\""));
        Assert.Equal(["restrictionReason"], (await reasonAlone.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        using var noReason = await theWorker.PostJsonAsync(amendments, new { body = "b", reason = "r", restricted = true }, ("If-Match", "\"1\""));
        Assert.Equal(["restrictionReason"], (await noReason.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var restricted = await theWorker.PostJsonAsync(amendments,
            new { body = "Talked about their health.", reason = "Health details belong in a restricted note", restricted = true, restrictionReason = "health" },
            ("If-Match", "\"1\""));
        var view = await restricted.JsonAsync(HttpStatusCode.OK);
        Assert.Equal((true, "health", "health"), (view.GetProperty("restricted").GetBoolean(), view.Text("restrictionReason"),
            view.GetProperty("amendments")[0].Text("restrictedFor")));

        var seen = Assert.Single(await ListAsync(colleague, NotesOf(caseId)));
        Assert.True(seen.GetProperty("redacted").GetBoolean());
        Assert.Null(seen.Text("original")); // the original says it too
        Assert.Equal(["amend", "restrict"], (await fixture.AuditOfAsync(noteId)).Select(a => a.Action).Order(StringComparer.Ordinal)); // same instant
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'NoteAmended' AND payload->>'noteId' = $1 AND payload->>'restricted' = 'true' " +
            "AND (payload->'reason' IS NULL OR jsonb_typeof(payload->'reason') = 'null')", noteId.ToString()));

        using var lift = await theWorker.PostJsonAsync(amendments, new { body = "b", reason = "r", restricted = false }, ("If-Match", restricted.Headers.ETag!.Tag));
        Assert.Equal(["restricted"], (await lift.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.True((await fixture.Store.GetAsync<Domain.CaseNote>(noteId.ToString()))!.Document.Restricted);
    }

    [Fact]
    public async Task A_note_takes_at_most_50_amendments()
    {
        var caseId = await fixture.OpenCaseAsync();
        var authorId = NewId("cw-author");
        using var author = fixture.Client(authorId, "caseworker", "housing");
        var note = Domain.CaseNote.Write(Guid.NewGuid(), caseId, "housing", new Domain.NoteDraft("Plan", null, null, null, "v0", null, null, null), null,
            authorId, "Author", DateTimeOffset.UtcNow);
        for (var i = 1; i <= Domain.CaseNote.MaxAmendments; i++)
        {
            note = note.Amend($"v{i}", "Again", authorId, "Author", DateTimeOffset.UtcNow);
        }
        await using (var session = fixture.Store.OpenSession())
        {
            session.Insert(note.Id.ToString(), note);
            await session.CommitAsync();
        }

        using var refused = await author.PostJsonAsync($"{NotesOf(caseId)}/{note.Id}/amendments", new { body = "v51", reason = "Once more" }, ("If-Match", "\"1\""));

        Assert.Contains("at most 50 amendments", (await refused.ProblemAsync(HttpStatusCode.Conflict)).Text("detail"));
        Assert.Equal("v50", (await fixture.Store.GetAsync<Domain.CaseNote>(note.Id.ToString()))!.Document.Body);
    }

    [Fact]
    public async Task Amending_a_restricted_note_is_audited_and_refused_to_a_colleague_or_author_who_cannot_read_it()
    {
        var worker = NewId("cw-worker");
        var caseId = await fixture.OpenCaseAsync(assignedWorker: worker);
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "housing");
        using var colleague = fixture.Client(NewId("cw-colleague"), "caseworker", "housing");
        using var theWorker = fixture.Client(worker, "caseworker", "housing");
        using var created = await author.PostJsonAsync(NotesOf(caseId), new { type = "SafeguardingConcern", body = "Bruise seen." });
        var noteId = (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var amendments = $"{NotesOf(caseId)}/{noteId}/amendments";

        foreach (var refusedTo in new[] { colleague, author })
        {
            using var refused = await refusedTo.PostJsonAsync(amendments, new { body = "x", reason = "y" }, ("If-Match", created.Headers.ETag!.Tag));
            await refused.ProblemAsync(HttpStatusCode.Forbidden);
        }
        // The case's worker, though not the author, may correct it.
        using var amended = await theWorker.PostJsonAsync(amendments, new { body = "Bruise seen on the left arm.", reason = "Detail" },
            ("If-Match", created.Headers.ETag!.Tag));
        await amended.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(["write", "amend"], (await fixture.AuditOfAsync(noteId)).Select(a => a.Action));
        // The reason of a restricted note's correction stays in Notes: the event carries only which amendment it was.
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'NoteAmended' AND payload->>'noteId' = $1 AND payload->>'amendmentNumber' = '1' " +
            "AND (payload->'reason' IS NULL OR jsonb_typeof(payload->'reason') = 'null')", noteId.ToString()));
    }
}
