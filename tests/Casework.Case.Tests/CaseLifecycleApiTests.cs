extern alias CaseApi;

using System.Net;
using System.Text.Json;
using Casework.Contracts.Events;
using Casework.Testing;
using Casework.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SupportCase = CaseApi::Casework.Case.Domain.SupportCase;

namespace Casework.Case.Tests;

/// <summary>The case lifecycle over HTTP against the real service, PostgreSQL and RabbitMQ.</summary>
[Collection(CaseCollection.Name)]
public sealed class CaseLifecycleApiTests(CaseFixture fixture)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd");

    /// <summary>A housing case with an accountable worker (the pathway needs one to leave Intake).</summary>
    private async Task<Guid> AssignedCaseAsync(string concern = "Medium", string worker = "alice")
    {
        var caseId = (await fixture.OpenCaseAsync(concernLevel: concern)).Document.Id;
        await fixture.Bus.Publish(new CaseAssigned(caseId, worker, worker + " name", "housing", DateTimeOffset.UtcNow),
            context => context.MessageId = NewId.NextGuid());
        await Eventually.Until(() => fixture.Store.GetAsync<SupportCase>(caseId.ToString()), c => c!.Document.AssignedWorkerId == worker, what: "the assignment");
        return caseId;
    }

    /// <summary>Sends a change with If-Match from the previous answer and expects it to succeed; returns the case.</summary>
    private static async Task<(JsonElement Case, string ETag)> ChangeAsync(HttpClient client, Guid caseId, string path, object body, string etag, bool put = false)
    {
        using var response = put
            ? await client.PutJsonAsync($"/api/cases/{caseId}/{path}", body, ("If-Match", etag))
            : await client.PostJsonAsync($"/api/cases/{caseId}/{path}", body, ("If-Match", etag));
        var view = await response.JsonAsync(HttpStatusCode.OK);
        return (view, response.Headers.ETag!.Tag);
    }

    private static async Task<(JsonElement Case, string ETag)> GetAsync(HttpClient client, Guid caseId)
    {
        using var response = await client.GetAsync($"/api/cases/{caseId}");
        return (await response.JsonAsync(HttpStatusCode.OK), response.Headers.ETag!.Tag);
    }

    /// <summary>The case's current version as an If-Match value (as a client would have it from its last read).</summary>
    private async Task<(string Name, string Value)> IfMatchAsync(Guid caseId) =>
        ("If-Match", $"\"{(await fixture.Store.GetAsync<SupportCase>(caseId.ToString()))!.Version}\"");

    private Task<long> EventsAsync(string type, Guid caseId) =>
        fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = $1 AND payload->>'caseId' = $2", type, caseId.ToString());

    [Fact]
    public async Task A_case_goes_through_its_whole_lifecycle_with_every_change_on_the_timeline_and_published()
    {
        var caseId = await AssignedCaseAsync();
        using var alice = fixture.Caseworker("housing", "alice");
        var (view, etag) = await GetAsync(alice, caseId);
        Assert.Equal(1, view.GetProperty("pathwayVersion").GetInt32());
        Assert.Equal(Iso(Today.AddDays(56)), view.Text("nextReviewOn"));
        Assert.Empty(view.GetProperty("missingToLeaveStage").EnumerateArray());

        (view, etag) = await ChangeAsync(alice, caseId, "stage", new { stage = "Assessment", reason = "First meeting booked" }, etag);
        Assert.Equal("Assessment", view.Text("stage"));
        Assert.Equal(["AssessmentComplete"], view.GetProperty("missingToLeaveStage").EnumerateArray().Select(m => m.GetString()));

        (view, etag) = await ChangeAsync(alice, caseId, "assessment", new
        {
            answers = new Dictionary<string, string>
            {
                ["housing-situation"] = "sofa-surfing", ["dependants"] = "2", ["support-needs"] = "Needs a stable home near school",
            },
        }, etag, put: true);
        Assert.Equal("sofa-surfing", view.GetProperty("assessment").GetProperty("answers").GetProperty("housing-situation").GetString());

        (view, etag) = await ChangeAsync(alice, caseId, "stage", new { stage = "Active" }, etag);
        (view, etag) = await ChangeAsync(alice, caseId, "goals", new
        {
            description = "Secure a tenancy",
            targetOn = Iso(Today.AddDays(90)),
            actions = new[] { new { description = "Register on the housing list", owner = "Ada", targetOn = Iso(Today.AddDays(7)) } },
        }, etag);
        var goal = view.GetProperty("goals")[0];
        var goalId = goal.GetProperty("id").GetGuid();
        var actionId = goal.GetProperty("actions")[0].GetProperty("id").GetGuid();
        (view, etag) = await ChangeAsync(alice, caseId, $"goals/{goalId}/actions/{actionId}/done", new { }, etag);
        (view, etag) = await ChangeAsync(alice, caseId, $"goals/{goalId}/actions", new { description = "View two flats", owner = "alice" }, etag);
        (view, etag) = await ChangeAsync(alice, caseId, $"goals/{goalId}/progress", new { note = "Tenancy signed", status = "Achieved" }, etag);
        Assert.Equal("Achieved", view.GetProperty("goals")[0].Text("status"));

        // Raising concern to High brings the review forward to 28 days (from 56).
        (view, etag) = await ChangeAsync(alice, caseId, "concern", new { level = "High", reason = "Landlord threatening eviction" }, etag);
        Assert.Equal(Iso(Today.AddDays(28)), view.Text("nextReviewOn"));
        Assert.Equal("Landlord threatening eviction", view.GetProperty("concernHistory")[0].Text("reason"));

        (view, etag) = await ChangeAsync(alice, caseId, "stage", new { stage = "Review" }, etag);
        (view, etag) = await ChangeAsync(alice, caseId, "reviews", new { findings = "Settled in", nextReviewOn = Iso(Today.AddDays(14)) }, etag);
        Assert.Equal(Iso(Today.AddDays(14)), view.Text("nextReviewOn"));
        (view, etag) = await ChangeAsync(alice, caseId, "close", new
        {
            reason = "Goals achieved", outcomes = new[] { "secured-tenancy" }, summary = "Housed with her children in a two-bed flat",
        }, etag);
        Assert.Equal(("Closed", "Closed"), (view.Text("status"), view.Text("stage")));
        Assert.Equal(JsonValueKind.Null, view.GetProperty("nextReviewOn").ValueKind);
        Assert.Equal("secured-tenancy", view.GetProperty("closure").GetProperty("outcomes")[0].GetString());

        (view, etag) = await ChangeAsync(alice, caseId, "reopen", new { reason = "Tenancy at risk again" }, etag);
        Assert.Equal(("Open", "Review"), (view.Text("status"), view.Text("stage")));
        Assert.Equal(Iso(Today.AddDays(28)), view.Text("nextReviewOn"));

        Assert.Equal(
            ["Opened", "Assigned", "StageChanged", "Assessed", "StageChanged", "GoalAdded", "ActionDone", "ActionAdded", "GoalProgress",
                "ConcernChanged", "StageChanged", "Reviewed", "Closed", "Reopened"],
            view.GetProperty("timeline").EnumerateArray().Select(t => t.Text("what")));
        Assert.All(view.GetProperty("timeline").EnumerateArray().Skip(2), t => Assert.Equal("alice", t.Text("by")));

        Assert.Equal(3, await EventsAsync("CaseStageChanged", caseId));
        Assert.Equal(1, await EventsAsync("CaseAssessed", caseId));
        Assert.Equal(4, await EventsAsync("SupportPlanChanged", caseId));
        Assert.Equal(1, await EventsAsync("ConcernLevelChanged", caseId));
        Assert.Equal(1, await EventsAsync("CaseReviewed", caseId));
        Assert.Equal(1, await EventsAsync("CaseClosed", caseId));
        Assert.Equal(1, await EventsAsync("CaseReopened", caseId));
        // At opening, on the concern raise, after the review, and on reopening.
        Assert.Equal(4, await EventsAsync("ReviewScheduled", caseId));
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'CaseClosed' AND payload->>'caseId' = $1 AND payload->'outcomes'->>0 = 'secured-tenancy'", caseId.ToString()));
    }

    [Fact]
    public async Task Leaving_a_stage_too_early_is_refused_with_what_is_missing_and_changes_nothing()
    {
        var caseId = (await fixture.OpenCaseAsync()).Document.Id; // no worker yet
        using var client = fixture.Caseworker("housing");
        using var response = await client.PostJsonAsync($"/api/cases/{caseId}/stage", new { stage = "Assessment" }, await IfMatchAsync(caseId));
        var problem = await response.JsonAsync(HttpStatusCode.Conflict);
        Assert.Equal(["AssignedWorker"], problem.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));

        using var skip = await client.PostJsonAsync($"/api/cases/{caseId}/stage", new { stage = "Review" }, await IfMatchAsync(caseId));
        Assert.Contains("from Intake to Review", (await skip.JsonAsync(HttpStatusCode.Conflict)).Text("detail"));

        var stored = await fixture.Store.GetAsync<SupportCase>(caseId.ToString());
        Assert.Equal((1L, "Intake"), (stored!.Version, stored.Document.Stage));
        Assert.Equal(0, await EventsAsync("CaseStageChanged", caseId));
    }

    [Theory]
    [InlineData("stage", """{"stage":"Closed"}""", "stage")]
    [InlineData("stage", """{"stage":"Assessment","reason":7}""", "reason")]
    [InlineData("pause", """{"reason":"Hospital"}""", "expectedResumeOn")]
    [InlineData("pause", """{"reason":"Hospital","expectedResumeOn":"next week"}""", "expectedResumeOn")]
    [InlineData("pause", """{"reason":"Hospital","expectedResumeOn":"2020-01-01"}""", "expectedResumeOn")]
    [InlineData("concern", """{"level":"Severe","reason":"x"}""", "level")]
    [InlineData("concern", """{"level":"High"}""", "reason")]
    [InlineData("assessment", """{"answers":{"dependants":"two"}}""", "answers.dependants")]
    [InlineData("assessment", """{"answers":{"shoe-size":"9"}}""", "answers.shoe-size")]
    [InlineData("assessment", """{}""", "answers")]
    [InlineData("goals", """{"description":"Tenancy","actions":[{"description":"Call"}]}""", "actions[0].owner")]
    [InlineData("goals", """{"description":"Tenancy","actions":[null]}""", "actions[0]")]
    [InlineData("reviews", """{"findings":"ok","nextReviewOn":"2099-01-01"}""", "nextReviewOn")]
    [InlineData("reviews", """{}""", "findings")]
    [InlineData("close", """{"reason":"Done","summary":"s","outcomes":["got-a-job"]}""", "outcomes")]
    [InlineData("close", """{"reason":"Done","outcomes":["secured-tenancy"]}""", "summary")]
    [InlineData("reopen", """{}""", "reason")]
    public async Task Bad_input_gets_a_problem_naming_the_field_and_changes_nothing(string path, string body, string field)
    {
        var caseId = await AssignedCaseAsync();
        using var client = fixture.Caseworker("housing");
        using var request = new HttpRequestMessage(path == "assessment" ? HttpMethod.Put : HttpMethod.Post, $"/api/cases/{caseId}/{path}")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", (await IfMatchAsync(caseId)).Value);
        using var response = await client.SendAsync(request);
        var problem = await response.JsonAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Equal(2, (await fixture.Store.GetAsync<SupportCase>(caseId.ToString()))!.Version); // opened, assigned
    }

    [Fact]
    public async Task A_change_against_a_stale_version_gets_412_and_a_retry_cannot_apply_twice()
    {
        var caseId = await AssignedCaseAsync();
        using var client = fixture.Caseworker("housing");
        var (_, etag) = await GetAsync(client, caseId);
        var goal = new { description = "Open a bank account" };
        await ChangeAsync(client, caseId, "goals", goal, etag);

        using var retry = await client.PostJsonAsync($"/api/cases/{caseId}/goals", goal, ("If-Match", etag));
        await retry.JsonAsync(HttpStatusCode.PreconditionFailed);
        Assert.Single((await fixture.Store.GetAsync<SupportCase>(caseId.ToString()))!.Document.Goals);

        using var badHeader = await client.PostJsonAsync($"/api/cases/{caseId}/goals", goal, ("If-Match", "yesterday"));
        await badHeader.JsonAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_change_without_If_Match_is_refused_with_428_and_another_teams_stale_guess_gets_404_not_412()
    {
        var caseId = await AssignedCaseAsync();
        using var client = fixture.Caseworker("housing");
        using var missing = await client.PostJsonAsync($"/api/cases/{caseId}/goals", new { description = "Open a bank account" });
        Assert.Equal(HttpStatusCode.PreconditionRequired, missing.StatusCode);
        Assert.Empty((await fixture.Store.GetAsync<SupportCase>(caseId.ToString()))!.Document.Goals);

        using var employment = fixture.Caseworker("employment");
        using var guess = await employment.PostJsonAsync($"/api/cases/{caseId}/goals", new { description = "x" }, ("If-Match", "\"99\""));
        Assert.Equal(HttpStatusCode.NotFound, guess.StatusCode);
    }

    [Fact]
    public async Task Another_teams_caseworker_gets_404_an_auditor_403_and_a_manager_may_change_any_case()
    {
        var caseId = await AssignedCaseAsync();
        var concern = new { level = "High", reason = "Risk of harm" };

        using var employment = fixture.Caseworker("employment");
        using var refused = await employment.PostJsonAsync($"/api/cases/{caseId}/concern", concern, await IfMatchAsync(caseId));
        await refused.JsonAsync(HttpStatusCode.NotFound);

        using var auditor = fixture.Client(CaseFixture.Staff("auditor-1", "auditor"));
        using var readOnly = await auditor.PostJsonAsync($"/api/cases/{caseId}/concern", concern, await IfMatchAsync(caseId));
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        Assert.Equal("Medium", (await fixture.Store.GetAsync<SupportCase>(caseId.ToString()))!.Document.ConcernLevel);

        using var manager = fixture.Manager();
        using var changed = await manager.PostJsonAsync($"/api/cases/{caseId}/concern", concern, await IfMatchAsync(caseId));
        Assert.Equal("High", (await changed.JsonAsync(HttpStatusCode.OK)).Text("concernLevel"));
    }

    [Fact]
    public async Task A_closed_case_refuses_changes_until_it_is_reopened_and_a_paused_case_resumes()
    {
        var caseId = await AssignedCaseAsync();
        using var client = fixture.Caseworker("housing");
        var (_, etag) = await GetAsync(client, caseId);
        (_, etag) = await ChangeAsync(client, caseId, "pause", new { reason = "Hospital stay", expectedResumeOn = Iso(Today.AddDays(10)) }, etag);
        var (paused, _) = await GetAsync(client, caseId);
        Assert.Equal(("Paused", Iso(Today.AddDays(10))), (paused.Text("status"), paused.Text("expectedResumeOn")));
        (_, etag) = await ChangeAsync(client, caseId, "resume", new { reason = "Discharged" }, etag);
        Assert.Equal(2, await EventsAsync("CaseStatusChanged", caseId));

        (_, etag) = await ChangeAsync(client, caseId, "close", new { reason = "Moved away", outcomes = new[] { "referred-on" }, summary = "Referred to the new area's team" }, etag);
        using var refused = await client.PostJsonAsync($"/api/cases/{caseId}/goals", new { description = "Too late" }, await IfMatchAsync(caseId));
        Assert.Contains("reopen", (await refused.JsonAsync(HttpStatusCode.Conflict)).Text("detail"));

        var (reopened, _) = await ChangeAsync(client, caseId, "reopen", new { reason = "Came back" }, etag);
        Assert.Equal(("Open", "Intake"), (reopened.Text("status"), reopened.Text("stage")));
    }

    [Fact]
    public async Task Worklists_filter_by_stage_and_review_due_or_overdue_and_sort_by_review_date_or_concern()
    {
        const string worker = "worklist-worker";
        var overdue = await AssignedCaseAsync("Low", worker);
        var dueSoon = await AssignedCaseAsync("Critical", worker);
        var later = await AssignedCaseAsync("High", worker);
        // Reviews were scheduled by the cadence from today; set the dates a team would have after a few weeks.
        await SetNextReviewAsync(overdue, Today.AddDays(-3));
        await SetNextReviewAsync(dueSoon, Today.AddDays(2));
        await SetNextReviewAsync(later, Today.AddDays(25));

        using var client = fixture.Client(CaseFixture.Staff(worker, "caseworker", "housing"));
        var overdueItems = await client.ItemsAsync("&assignedTo=me&review=overdue");
        Assert.Equal([overdue], overdueItems.Select(i => i.Id()));
        Assert.True(overdueItems[0].GetProperty("reviewOverdue").GetBoolean());

        Assert.Equal([overdue, dueSoon], (await client.ItemsAsync("&assignedTo=me&review=due&sort=review")).Select(i => i.Id()));
        Assert.Equal([overdue, dueSoon, later], (await client.ItemsAsync("&assignedTo=me&sort=review")).Select(i => i.Id()));
        Assert.Equal([dueSoon, later, overdue], (await client.ItemsAsync("&assignedTo=me&sort=concern")).Select(i => i.Id()));
        Assert.Empty(await client.ItemsAsync("&assignedTo=me&stage=Active"));
        Assert.Equal(3, (await client.ItemsAsync("&assignedTo=me&stage=Intake")).Count);

        using var bad = await client.GetAsync("/api/cases?review=soon&sort=alphabetical&stage=Done");
        var errors = (await bad.JsonAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("review", out _) && errors.TryGetProperty("sort", out _) && errors.TryGetProperty("stage", out _));
    }

    [Fact]
    public async Task The_api_document_describes_the_lifecycle_and_pathway_endpoints()
    {
        using var anonymous = fixture.Factory.CreateClient();
        using var response = await anonymous.GetAsync("/api/cases/openapi/v1.json");
        var paths = (await response.JsonAsync(HttpStatusCode.OK)).GetProperty("paths");
        foreach (var path in new[]
        {
            "/api/cases/{id}/stage", "/api/cases/{id}/pause", "/api/cases/{id}/resume", "/api/cases/{id}/concern", "/api/cases/{id}/assessment",
            "/api/cases/{id}/goals", "/api/cases/{id}/goals/{goalId}/progress", "/api/cases/{id}/reviews", "/api/cases/{id}/close",
            "/api/cases/{id}/reopen", "/api/cases/pathways", "/api/cases/pathways/{pathwayId}/versions/{version}",
        })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"the document lacks {path}");
        }
        Assert.Contains("If-Match", paths.GetProperty("/api/cases/{id}/close").GetProperty("post").GetProperty("description").GetString());
    }

    private async Task SetNextReviewAsync(Guid caseId, DateOnly due)
    {
        var stored = (await fixture.Store.GetAsync<SupportCase>(caseId.ToString()))!;
        await using var session = fixture.Store.OpenSession();
        session.Update(stored.Id, stored.Document with { NextReviewOn = due }, stored.Version);
        await session.CommitAsync();
    }
}

/// <summary>Cases stored before the lifecycle existed are brought up to date, so worklists see them.</summary>
[Collection(CaseCollection.Name)]
public sealed class CaseShapeUpgradeTests(CaseFixture fixture)
{
    [Fact]
    public async Task A_case_stored_before_review_dates_gets_one_by_its_pathways_cadence_and_shows_in_the_due_list()
    {
        var caseId = Guid.NewGuid();
        var worker = "legacy-worker-" + Guid.NewGuid().ToString("N")[..6];
        // As the first version of Case wrote it: no pathway version, review date, concern rank or stage time.
        var legacy = $$"""
            {"id":"{{caseId}}","referralId":"{{Guid.NewGuid()}}","personId":"{{Guid.NewGuid()}}","personDisplayName":"Old Case",
             "pathwayId":"housing-support","teamId":"housing","status":"Open","stage":"Intake","concernLevel":"Critical",
             "openedAt":"2025-01-02T09:00:00+00:00","openedBy":"intake","timeline":[],"assignedWorkerId":"{{worker}}"}
            """;
        await fixture.Database.ScalarAsync<int>("INSERT INTO doc_cases (id, version, data) VALUES ($1, 1, $2::jsonb) RETURNING 1", caseId.ToString(), legacy);

        var upgrader = new DocumentUpgrader<SupportCase>(fixture.Store,
            fixture.Factory.Services.GetRequiredService<IDocumentUpgrade<SupportCase>>(), NullLogger<DocumentUpgrader<SupportCase>>.Instance);
        Assert.True(await upgrader.UpgradeAllAsync(CancellationToken.None) >= 1);

        var upgraded = (await fixture.Store.GetAsync<SupportCase>(caseId.ToString()))!;
        Assert.Equal(2, upgraded.Version);
        Assert.Equal(1, upgraded.Document.PathwayVersion);
        Assert.Equal(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7), upgraded.Document.NextReviewOn); // Critical on housing: 7 days
        Assert.Equal(4L, await fixture.Database.ScalarAsync<long>("SELECT (data->>'concernRank')::bigint FROM doc_cases WHERE id = $1", caseId.ToString()));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'ReviewScheduled' AND payload->>'caseId' = $1", caseId.ToString())); // announced like any other

        using var client = fixture.Client(CaseFixture.Staff(worker, "caseworker", "housing"));
        Assert.Equal([caseId], (await client.ItemsAsync("&assignedTo=me&review=due")).Select(i => i.Id()));
    }
}
