using System.Net;
using Casework.Contracts.Events;
using Casework.Testing;

namespace Casework.Case.Tests;

/// <summary>Pathways as versioned data: admins create and edit them, cases keep the version they started on.</summary>
[Collection(CaseCollection.Name)]
public sealed class PathwaysApiTests(CaseFixture fixture)
{
    private HttpClient Admin() => fixture.Client(CaseFixture.Staff("admin-1", "admin"));

    private static object Definition(string? id, string name = "Debt Advice", int lowCadence = 90, params string[] requiredToLeaveIntake) => new
    {
        id,
        name,
        teamId = "housing",
        stages = new[] { new { stage = "Intake", requiredToLeave = requiredToLeaveIntake } },
        assessmentQuestions = new object[]
        {
            new { id = "total-debt", text = "Total debt in pounds", kind = "number", required = true },
            new { id = "priority-debts", text = "Priority debts", kind = "choice", required = false, options = new[] { "rent", "council-tax", "energy" } },
        },
        screeningQuestions = new[] { new { id = "in-area", text = "Lives in the region?", kind = "yesno", required = true } },
        reviewCadenceDays = new { low = lowCadence, medium = 60, high = 28, critical = 7 },
        outcomes = new[] { new { id = "debt-managed", label = "Debt under a managed plan" }, new { id = "disengaged", label = "Disengaged" } },
    };

    private static string NewId() => "debt-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_admin_creates_a_pathway_and_each_edit_publishes_a_new_version_while_cases_keep_theirs()
    {
        var id = NewId();
        using var admin = Admin();
        using var created = await admin.PostJsonAsync("/api/cases/pathways", Definition(id));
        var v1 = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal((1, "admin-1"), (v1.GetProperty("version").GetInt32(), v1.Text("publishedBy")));
        Assert.Equal($"/api/cases/pathways/{id}", created.Headers.Location?.OriginalString);

        // A case opened now follows version 1, which lets a case leave Intake without a worker.
        var accepted = new ReferralAccepted(Guid.NewGuid(), Guid.NewGuid(), "Mary Seacole", id, "Low", "intake-worker", DateTimeOffset.UtcNow);
        await fixture.PublishAsync(accepted);
        var opened = (await Eventually.Until(() => fixture.CasesOfReferralAsync(accepted.ReferralId), p => p.Total > 0, what: "the case")).Items[0];
        Assert.Equal(1, opened.Document.PathwayVersion);

        using var get = await admin.GetAsync($"/api/cases/pathways/{id}");
        await get.JsonAsync(HttpStatusCode.OK);
        var etag = get.Headers.ETag!.Tag;
        using var edited = await admin.PutJsonAsync($"/api/cases/pathways/{id}", Definition(null, "Debt Advice (2027)", 60, "AssignedWorker"), ("If-Match", etag));
        var v2 = await edited.JsonAsync(HttpStatusCode.OK);
        Assert.Equal((2, "Debt Advice (2027)"), (v2.GetProperty("version").GetInt32(), v2.Text("name")));

        // The same definition again publishes nothing; a stale ETag is refused.
        using var again = await admin.PutJsonAsync($"/api/cases/pathways/{id}", Definition(id, "Debt Advice (2027)", 60, "AssignedWorker"));
        Assert.Equal(2, (await again.JsonAsync(HttpStatusCode.OK)).GetProperty("version").GetInt32());
        using var stale = await admin.PutJsonAsync($"/api/cases/pathways/{id}", Definition(id, "Debt Advice (old tab)"), ("If-Match", etag));
        await stale.JsonAsync(HttpStatusCode.PreconditionFailed);

        // Version 1 stays readable and binding for the case that started on it: no worker needed to leave Intake.
        using var versionOne = await admin.GetAsync($"/api/cases/pathways/{id}/versions/1");
        Assert.Equal("Debt Advice", (await versionOne.JsonAsync(HttpStatusCode.OK)).Text("name"));
        using var caseworker = fixture.Caseworker("housing");
        using var moved = await caseworker.PostJsonAsync($"/api/cases/{opened.Document.Id}/stage", new { stage = "Assessment" }, ("If-Match", "\"1\""));
        Assert.Equal(1, (await moved.JsonAsync(HttpStatusCode.OK)).GetProperty("pathwayVersion").GetInt32());

        // A case opened after the edit follows version 2 and its rule.
        var acceptedLater = new ReferralAccepted(Guid.NewGuid(), Guid.NewGuid(), "Florence Nightingale", id, "Low", "intake-worker", DateTimeOffset.UtcNow);
        await fixture.PublishAsync(acceptedLater);
        var openedLater = (await Eventually.Until(() => fixture.CasesOfReferralAsync(acceptedLater.ReferralId), p => p.Total > 0, what: "the case")).Items[0];
        Assert.Equal(2, openedLater.Document.PathwayVersion);
        using var refused = await caseworker.PostJsonAsync($"/api/cases/{openedLater.Document.Id}/stage", new { stage = "Assessment" }, ("If-Match", "\"1\""));
        Assert.Equal(["AssignedWorker"], (await refused.JsonAsync(HttpStatusCode.Conflict)).GetProperty("missing").EnumerateArray().Select(m => m.GetString()));

        Assert.Equal(2, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = 'PathwayPublished' AND payload->>'pathwayId' = $1", id));
    }

    [Fact]
    public async Task Only_admins_create_or_edit_pathways_and_ids_are_unique()
    {
        var id = NewId();
        using var caseworker = fixture.Caseworker("housing");
        using var refused = await caseworker.PostJsonAsync("/api/cases/pathways", Definition(id));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var manager = fixture.Manager();
        using var refusedEdit = await manager.PutJsonAsync("/api/cases/pathways/housing-support", Definition(null));
        Assert.Equal(HttpStatusCode.Forbidden, refusedEdit.StatusCode);

        using var admin = Admin();
        using var created = await admin.PostJsonAsync("/api/cases/pathways", Definition(id));
        await created.JsonAsync(HttpStatusCode.Created);
        using var duplicate = await admin.PostJsonAsync("/api/cases/pathways", Definition(id));
        await duplicate.JsonAsync(HttpStatusCode.Conflict);
        using var missing = await admin.PutJsonAsync("/api/cases/pathways/no-such-pathway", Definition(null));
        await missing.JsonAsync(HttpStatusCode.NotFound);
        using var missingVersion = await admin.GetAsync($"/api/cases/pathways/{id}/versions/7");
        await missingVersion.JsonAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_definition_with_mistakes_gets_a_problem_naming_each_field()
    {
        using var admin = Admin();
        using var response = await admin.PostJsonAsync("/api/cases/pathways", new
        {
            id = "Debt Advice!",
            teamId = "housing",
            stages = new[] { new { stage = "Closed", requiredToLeave = new[] { "Paperwork" } } },
            assessmentQuestions = new object[]
            {
                new { id = "q", text = "Pick", kind = "choice", options = new[] { "only-one" } },
                new { id = "q", text = "Again", kind = "essay" },
            },
            reviewCadenceDays = new { low = 7, medium = 60, high = 28, critical = 90 },
            outcomes = Array.Empty<object>(),
        });
        var errors = (await response.JsonAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        foreach (var field in new[]
        {
            "id", "name", "stages[0].stage", "stages[0].requiredToLeave", "assessmentQuestions[0].options", "assessmentQuestions[1].kind",
            "assessmentQuestions", "reviewCadenceDays", "outcomes",
        })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}: {errors}");
        }
    }

    [Fact]
    public async Task Null_entries_in_a_definition_are_named_not_a_server_error()
    {
        using var admin = Admin();
        using var content = new StringContent("""
            {"id":"nulls","name":"Nulls","teamId":"housing","stages":[null],"assessmentQuestions":[null],"screeningQuestions":[null],"outcomes":[null]}
            """, System.Text.Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync("/api/cases/pathways", content);
        var errors = (await response.JsonAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        foreach (var field in new[] { "stages[0]", "assessmentQuestions[0]", "screeningQuestions[0]", "outcomes[0]" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}: {errors}");
        }
    }
}
