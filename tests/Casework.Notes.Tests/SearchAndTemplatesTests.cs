using System.Net;
using Casework.Contracts.Events;
using Casework.Notes.Consumers;
using Casework.Notes.Domain;
using Casework.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using static Casework.Notes.Tests.NotesApiTests;

namespace Casework.Notes.Tests;

[Collection(NotesCollection.Name)]
public sealed class SearchAndTemplatesTests(NotesFixture fixture)
{
    private static readonly Guid HousingFirstAppointment = Guid.Parse("2d7f3c10-5b1e-4c0a-9e51-000000000001");

    [Fact]
    public async Task Search_within_a_case_filters_by_text_type_author_and_time()
    {
        var caseId = await fixture.OpenCaseAsync();
        var word = NewId("boiler");
        using var alice = fixture.Client("cw-alice", "caseworker", "housing");
        using var hamid = fixture.Client("cw-hamid", "caseworker", "housing");
        var now = DateTimeOffset.UtcNow;
        await AddAsync(alice, caseId, new { type = "HomeVisit", body = $"The {word.ToUpperInvariant()} is broken", occurredAt = now.AddMinutes(-4) });
        await AddAsync(hamid, caseId, new { type = "PhoneCall", body = $"Landlord will fix the {word}", occurredAt = now.AddMinutes(-1) });
        await AddAsync(alice, caseId, new { type = "PhoneCall", body = "Unrelated", occurredAt = now.AddMinutes(-2) });

        string Bodies(List<System.Text.Json.JsonElement> notes) => string.Join("|", notes.Select(n => n.Text("body")));
        Assert.Equal($"Landlord will fix the {word}|The {word.ToUpperInvariant()} is broken", Bodies(await ListAsync(alice, $"{NotesOf(caseId)}?text={word}")));
        Assert.Equal($"Landlord will fix the {word}|Unrelated", Bodies(await ListAsync(alice, $"{NotesOf(caseId)}?type=PhoneCall")));
        Assert.Equal("Unrelated", Bodies(await ListAsync(alice, $"{NotesOf(caseId)}?type=PhoneCall&authorId=cw-alice")));
        var from = Uri.EscapeDataString(now.AddMinutes(-3).ToString("O"));
        var to = Uri.EscapeDataString(now.AddMinutes(-1.5).ToString("O"));
        Assert.Equal("Unrelated", Bodies(await ListAsync(alice, $"{NotesOf(caseId)}?from={from}&to={to}")));

        using var bad = await alice.GetAsync($"{NotesOf(caseId)}?type=Gossip&limit=500&from={to}&to={from}");
        Assert.Equal(["limit", "to", "type"], (await bad.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Text_search_never_reveals_a_restricted_note_the_caller_cannot_read()
    {
        var assigned = NewId("cw-assigned");
        var caseId = await fixture.OpenCaseAsync(assignedWorker: assigned);
        var secret = NewId("secret");
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "housing");
        using var colleague = fixture.Client(NewId("cw-colleague"), "caseworker", "housing");
        using var supervisor = fixture.Client(NewId("sup"), "supervisor", "housing");
        using var worker = fixture.Client(assigned, "caseworker", "housing");
        await AddAsync(author, caseId, new { type = "SafeguardingConcern", body = $"Disclosed {secret} to the worker" });
        await AddAsync(author, caseId, new { type = "Plan", body = "Nothing to see" });

        // Without text the colleague sees that a restricted note exists (redacted), as the list shows; with text, nothing.
        Assert.Contains(await ListAsync(colleague, $"/api/notes/search?caseId={caseId}"), n => n.GetProperty("redacted").GetBoolean());
        Assert.Empty(await ListAsync(colleague, $"{NotesOf(caseId)}?text={secret}"));
        Assert.Empty(await ListAsync(colleague, $"/api/notes/search?text={secret}"));
        Assert.Empty(await ListAsync(colleague, $"/api/notes/search?caseId={caseId}&text={secret}"));

        foreach (var reader in new[] { supervisor, worker })
        {
            Assert.Contains("Disclosed", Assert.Single(await ListAsync(reader, $"{NotesOf(caseId)}?text={secret}")).Text("body"));
            Assert.Contains("Disclosed", Assert.Single(await ListAsync(reader, $"/api/notes/search?caseId={caseId}&text={secret}")).Text("body"));
        }
        // Across cases: a team supervisor's token covers the team's restricted notes; the worker's text search looks in them only
        // within the case (Case confirms they are its worker), though Case confirms their reading of the note listed across cases.
        Assert.Contains("Disclosed", Assert.Single(await ListAsync(supervisor, $"/api/notes/search?text={secret}")).Text("body"));
        Assert.Empty(await ListAsync(worker, $"/api/notes/search?mine=true&text={secret}"));
        Assert.Empty(await ListAsync(worker, $"/api/notes/search?text={secret}"));
        Assert.Contains(await ListAsync(worker, "/api/notes/search?mine=true"), n => n.Text("body")?.Contains(secret) == true);
        Assert.Empty(await ListAsync(colleague, $"/api/notes/search?mine=true&text={secret}"));
    }

    [Fact]
    public async Task A_reassigned_worker_reads_no_restricted_note_in_search_even_before_Notes_hears_of_the_reassignment()
    {
        var before = NewId("cw-before");
        var after = NewId("cw-after");
        var caseId = await fixture.OpenCaseAsync(assignedWorker: before);
        var secret = NewId("secret");
        using var author = fixture.Client(NewId("cw-author"), "caseworker", "housing");
        using var previous = fixture.Client(before, "caseworker", "housing");
        using var current = fixture.Client(after, "caseworker", "housing");
        await AddAsync(author, caseId, new { type = "SafeguardingConcern", body = $"Disclosed {secret}" });
        Assert.Contains("Disclosed", Assert.Single(await ListAsync(previous, $"/api/notes/search?caseId={caseId}&mine=true")).Text("body"));

        await fixture.ReassignInCaseOnlyAsync(caseId, after); // Notes' copy still names the previous worker
        Assert.Equal(before, (await fixture.Store.GetAsync<CaseRecord>(caseId.ToString()))!.Document.AssignedWorkerId);

        foreach (var path in new[] { $"caseId={caseId}", $"caseId={caseId}&mine=true", "mine=true", "" })
        {
            var listed = Assert.Single(await ListAsync(previous, $"/api/notes/search?{path}"), n => n.GetProperty("caseId").GetGuid() == caseId);
            Assert.True(listed.GetProperty("redacted").GetBoolean(), path);
            Assert.Null(listed.Text("body"));
            Assert.Empty(await ListAsync(previous, $"/api/notes/search?{path}&text={secret}"));
        }
        Assert.True(Assert.Single(await ListAsync(previous, NotesOf(caseId))).GetProperty("redacted").GetBoolean());

        // The new worker: Case confirms them, though Notes does not know yet.
        Assert.Contains("Disclosed", Assert.Single(await ListAsync(current, $"/api/notes/search?caseId={caseId}&text={secret}")).Text("body"));
        var across = Assert.Single(await ListAsync(current, "/api/notes/search"), n => n.GetProperty("caseId").GetGuid() == caseId);
        Assert.False(across.GetProperty("redacted").GetBoolean());
    }

    [Fact]
    public async Task Cross_case_search_covers_the_callers_teams_and_managers_see_every_team()
    {
        var word = NewId("rota");
        var housingCase = await fixture.OpenCaseAsync("housing-support");
        var employmentCase = await fixture.OpenCaseAsync("employment-programme");
        using var housing = fixture.Client(NewId("cw"), "caseworker", "housing");
        using var employment = fixture.Client(NewId("cw"), "caseworker", "employment");
        using var manager = fixture.Client(NewId("manager"), "manager");
        await AddAsync(housing, housingCase, new { type = "Plan", body = $"housing {word}" });
        await AddAsync(employment, employmentCase, new { type = "Plan", body = $"employment {word}" });

        Assert.Equal([housingCase], (await ListAsync(housing, $"/api/notes/search?text={word}")).Select(n => n.GetProperty("caseId").GetGuid()));
        Assert.Equal([employmentCase], (await ListAsync(employment, $"/api/notes/search?text={word}")).Select(n => n.GetProperty("caseId").GetGuid()));
        var lastWeek = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-7).ToString("O"));
        var soon = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"));
        Assert.Equal(2, (await ListAsync(manager, $"/api/notes/search?text={word}&from={lastWeek}&to={soon}")).Count);
        Assert.Equal([employmentCase], (await ListAsync(manager, $"/api/notes/search?text={word}&teamId=employment")).Select(n => n.GetProperty("caseId").GetGuid()));
        Assert.Empty(await ListAsync(housing, $"/api/notes/search?text={word}&teamId=employment")); // not their team
        // Across every team a text search must be narrowed (ILIKE over the whole table otherwise).
        var longAgo = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(-400).ToString("O"));
        foreach (var unbounded in new[] { $"text={word}", $"text={word}&from={lastWeek}", $"text={word}&from={longAgo}&to={soon}" })
        {
            using var refused = await manager.GetAsync($"/api/notes/search?{unbounded}");
            Assert.Equal(["text"], (await refused.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
        using var notVisible = await housing.GetAsync($"/api/notes/search?caseId={employmentCase}&text={word}");
        await notVisible.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_note_from_a_template_of_the_cases_pathway_is_composed_and_checked()
    {
        var caseId = await fixture.OpenCaseAsync();
        using var client = fixture.Client(NewId("cw"), "caseworker", "housing");
        var templates = await ArrayAsync(client, "/api/notes/templates?pathwayId=housing-support");
        Assert.Contains(templates, t => t.GetProperty("id").GetGuid() == HousingFirstAppointment); // seeded from the demo data

        var note = await AddAsync(client, caseId, new
        {
            templateId = HousingFirstAppointment,
            sections = new Dictionary<string, string> { ["situation"] = "Private rent, two months behind.", ["needs"] = "Keep the flat.", ["next-steps"] = "Call the landlord." },
        });
        Assert.Equal("Appointment", note.Text("type"));
        Assert.Equal(HousingFirstAppointment, note.GetProperty("templateId").GetGuid());
        Assert.Equal("# Current situation\nPrivate rent, two months behind.\n\n# What they want help with\nKeep the flat.\n\n# Agreed next steps\nCall the landlord.",
            note.Text("body"));

        using var missing = await client.PostJsonAsync(NotesOf(caseId), new { templateId = HousingFirstAppointment, sections = new { situation = "x" } });
        Assert.Equal(["sections.needs", "sections.next-steps"], (await missing.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order(StringComparer.Ordinal));
        using var both = await client.PostJsonAsync(NotesOf(caseId), new { templateId = HousingFirstAppointment, body = "free text", sections = new { situation = "x" } });
        Assert.Equal(["body"], (await both.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        using var noTemplate = await client.PostJsonAsync(NotesOf(caseId), new { type = "Plan", body = "x", sections = new { situation = "x" } });
        Assert.Equal(["sections"], (await noTemplate.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(1, await fixture.NotesOfCaseAsync(caseId));
        var employmentCase = await fixture.OpenCaseAsync("employment-programme");
        using var employment = fixture.Client(NewId("cw"), "caseworker", "employment");
        using var otherPathway = await employment.PostJsonAsync(NotesOf(employmentCase), new { templateId = HousingFirstAppointment, sections = new { situation = "x" } });
        Assert.Equal(["templateId"], (await otherPathway.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(0, await fixture.NotesOfCaseAsync(employmentCase));
    }

    [Fact]
    public async Task Admins_create_and_edit_templates_under_If_Match_and_others_may_only_read_them()
    {
        using var admin = fixture.Client(NewId("admin"), "admin");
        using var caseworker = fixture.Client(NewId("cw"), "caseworker", "housing");
        var template = new
        {
            pathwayId = "employment-programme", noteType = "Supervision", name = NewId("Monthly supervision"),
            sections = new[] { new { id = "wellbeing", heading = "Worker wellbeing", required = true, hint = "How are you?" } },
        };

        using var refused = await caseworker.PostJsonAsync("/api/notes/templates", template);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var bad = await admin.PostJsonAsync("/api/notes/templates", new { pathwayId = "no-such-pathway", noteType = "Supervision", name = "x", sections = template.sections });
        Assert.Equal(["pathwayId"], (await bad.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        using var badSections = await admin.PostJsonAsync("/api/notes/templates", template with { sections = [new { id = "Bad Id", heading = "", required = true, hint = "" }] });
        Assert.Equal(["sections[0].heading", "sections[0].id"], (await badSections.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order(StringComparer.Ordinal));

        using var created = await admin.PostJsonAsync("/api/notes/templates", template);
        var id = (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var edit = template with { name = template.name + " (v2)" };
        using var noIfMatch = await admin.PutJsonAsync($"/api/notes/templates/{id}", edit);
        await noIfMatch.ProblemAsync(HttpStatusCode.PreconditionRequired);
        using var edited = await admin.PutJsonAsync($"/api/notes/templates/{id}", edit, ("If-Match", created.Headers.ETag!.Tag));
        Assert.Equal(template.name + " (v2)", (await edited.JsonAsync(HttpStatusCode.OK)).Text("name"));
        using var stale = await admin.PutJsonAsync($"/api/notes/templates/{id}", edit, ("If-Match", created.Headers.ETag!.Tag));
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);

        Assert.Contains(await ArrayAsync(caseworker, "/api/notes/templates?pathwayId=employment-programme"), t => t.Text("name") == template.name + " (v2)");
        Assert.Equal(2, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'NoteTemplateSaved' AND payload->>'templateId' = $1", id.ToString()));
    }

    [Fact]
    public async Task The_case_record_consumers_apply_each_message_once_and_keep_the_newest_assignment()
    {
        var caseId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var queues = fixture.Factory.Services.GetRequiredService<IEndpointNameFormatter>();

        // One at a time, so the order they arrive in is the one staged here; sent to Notes' own queues only (Case, on the
        // same vhost, would reject assignments of a case it never opened).
        async Task DeliverAsync<TConsumer, TMessage>(TMessage message, Guid id, int times = 1) where TConsumer : class, IConsumer<TMessage> where TMessage : class
        {
            var queue = await fixture.Bus.GetSendEndpoint(new Uri($"queue:{queues.Consumer<TConsumer>()}"));
            await queue.Send(message, context => context.MessageId = id);
            await fixture.Consumed.WaitForAsync(id, times);
        }
        var openedId = Guid.NewGuid();
        var opened = new CaseOpened(caseId, Guid.NewGuid(), Guid.NewGuid(), "housing-support", "housing", "Low", now);
        await DeliverAsync<CaseAssignedConsumer, CaseAssigned>(new CaseAssigned(caseId, "w-later", "Later", "housing", now, Sequence: 2), Guid.NewGuid()); // overtakes the opening
        await DeliverAsync<CaseOpenedConsumer, CaseOpened>(opened, openedId);
        await DeliverAsync<CaseAssignedConsumer, CaseAssigned>(new CaseAssigned(caseId, "w-earlier", "Earlier", "housing", now, Sequence: 1), Guid.NewGuid()); // overtaken: ignored
        await DeliverAsync<CaseOpenedConsumer, CaseOpened>(opened, openedId, times: 2); // redelivered: nothing changes

        var record = (await fixture.Store.GetAsync<CaseRecord>(caseId.ToString()))!;
        Assert.Equal(("w-later", 2L, "housing", (DateTimeOffset?)now),
            (record.Document.AssignedWorkerId, record.Document.AssignmentSequence, record.Document.TeamId, record.Document.OpenedAt));
        Assert.Equal(2, record.Version); // started by the assignment, then the opening: nothing else wrote
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM inbox WHERE message_id = $1", openedId));

        // Unnumbered (sent before sequences): releasing someone else changes nothing; releasing the worker does.
        await DeliverAsync<CaseUnassignedConsumer, CaseUnassigned>(new CaseUnassigned(caseId, "w-earlier", "Left", now, "housing"), Guid.NewGuid());
        Assert.Equal("w-later", (await fixture.Store.GetAsync<CaseRecord>(caseId.ToString()))!.Document.AssignedWorkerId);
        await DeliverAsync<CaseUnassignedConsumer, CaseUnassigned>(new CaseUnassigned(caseId, "w-later", "Left", now, "housing", Sequence: 3), Guid.NewGuid());
        Assert.Null((await fixture.Store.GetAsync<CaseRecord>(caseId.ToString()))!.Document.AssignedWorkerId);
    }
}
