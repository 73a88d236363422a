using System.Net;
using System.Net.Http.Json;
using Casework.Assignment.Apis;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using Xunit;

namespace Casework.Assignment.Tests;

/// <summary>Teams and workers as data: who may create and change them, what is checked, and the caseload views.</summary>
[Collection(AssignmentCollection.Name)]
public sealed class TeamsAndWorkersApiTests(AssignmentFixture fixture)
{
    private static object TeamBody(string? id, string name = "Money Advice", decimal low = 1, decimal medium = 1.5m, decimal high = 2.5m, decimal critical = 4,
        string[]? pathways = null) =>
        new { id, name, pathwayIds = pathways ?? ["money-advice"], hoursPerCase = new { low, medium, high, critical } };

    private static object WorkerBody(string? id, string[] teamIds, decimal? capacityHours = 20, string name = "New Worker", string[]? pathwayIds = null,
        string? availability = "Available") =>
        new { id, name, teamIds, region = "north", pathwayIds = pathwayIds ?? [], capacityHours, availability };

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Managers_create_and_edit_teams_with_If_Match_others_are_refused_and_bad_tables_are_named()
    {
        using var manager = fixture.Staff("manager");
        var teamId = NewId("money");
        using (var created = await manager.PostAsJsonAsync("/api/assignment/teams", TeamBody(teamId)))
        {
            var team = await created.JsonAsync(HttpStatusCode.Created);
            Assert.Equal(1.5m, team.GetProperty("hoursPerCase").GetProperty("medium").GetDecimal());
            Assert.Equal($"/api/assignment/teams/{teamId}", created.Headers.Location!.OriginalString);
        }
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = 'TeamSettingsChanged' AND payload->>'teamId' = $1", teamId));
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync("/api/assignment/teams", TeamBody(teamId))).StatusCode);

        var invalid = await (await manager.PostAsJsonAsync("/api/assignment/teams", TeamBody("Bad Id!", name: "", low: -1, critical: 41)))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["hoursPerCase.critical", "hoursPerCase.low", "id", "name"], invalid.ErrorFields().Order());
        using (var noTable = await manager.PostAsJsonAsync("/api/assignment/teams", new { id = NewId("t"), name = "No table" }))
        {
            Assert.Equal(["hoursPerCase"], (await noTable.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
        using (var partTable = await manager.PostAsJsonAsync("/api/assignment/teams", new { id = NewId("t"), name = "Part", hoursPerCase = new { low = 1, high = 2 } }))
        {
            Assert.Equal(["hoursPerCase.critical", "hoursPerCase.medium"], (await partTable.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order());
        }
        using (var notANumber = await manager.PostRawAsync("/api/assignment/teams", """{"id": "x", "name": "x", "hoursPerCase": {"low": "lots"}}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notANumber.StatusCode);
        }
        foreach (var role in new[] { "supervisor", "caseworker", "auditor" })
        {
            using var other = fixture.Staff(role, teamId);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsJsonAsync("/api/assignment/teams", TeamBody(NewId("t")))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await other.PutJsonAsync($"/api/assignment/teams/{teamId}", TeamBody(null), ("If-Match", "\"1\""))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await manager.PutAsJsonAsync($"/api/assignment/teams/{teamId}", TeamBody(null))).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await manager.PutJsonAsync($"/api/assignment/teams/{teamId}", TeamBody(null), ("If-Match", "\"7\""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PutJsonAsync($"/api/assignment/teams/{NewId("none")}", TeamBody(null), ("If-Match", "\"1\""))).StatusCode);
        using var edited = await manager.PutJsonAsync($"/api/assignment/teams/{teamId}", TeamBody(null, name: "Money Advice North", critical: 6), ("If-Match", "\"1\""));
        Assert.Equal(6m, (await edited.JsonAsync(HttpStatusCode.OK)).GetProperty("hoursPerCase").GetProperty("critical").GetDecimal());
        Assert.Equal("\"2\"", edited.Headers.ETag!.Tag);

        using var supervisor = fixture.Staff("supervisor", teamId);
        Assert.Equal("Money Advice North", (await supervisor.GetFromJsonAsync<TeamView>($"/api/assignment/teams/{teamId}"))!.Name);
        Assert.Contains((await supervisor.GetFromJsonAsync<List<TeamView>>("/api/assignment/teams"))!, t => t.Id == teamId);
        using var stranger = fixture.Staff("supervisor", AssignmentFixture.NewTeam());
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/assignment/teams/{teamId}")).StatusCode);
        Assert.DoesNotContain((await stranger.GetFromJsonAsync<List<TeamView>>("/api/assignment/teams"))!, t => t.Id == teamId);
    }

    [Fact]
    public async Task Admins_add_and_edit_workers_whose_teams_and_pathways_must_exist()
    {
        var team = await fixture.AddTeamAsync(null, "housing-support", "tenancy-sustainment");
        using var admin = fixture.Staff("admin");
        var workerId = NewId("staff");

        var invalid = await (await admin.PostAsJsonAsync("/api/assignment/workers",
            WorkerBody(workerId, [team, "no-such-team"], capacityHours: -3, pathwayIds: ["housing-support", "welfare"], availability: "Sometimes")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["availability", "capacityHours", "pathwayIds[1]", "teamIds[1]"], invalid.ErrorFields().Order());
        using (var caseworker = fixture.Caseworker(team))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.PostAsJsonAsync("/api/assignment/workers", WorkerBody(workerId, [team]))).StatusCode);
        }
        using (var supervisor = fixture.Staff("supervisor", team))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsJsonAsync("/api/assignment/workers", WorkerBody(workerId, [team]))).StatusCode);
        }

        using (var created = await admin.PostAsJsonAsync("/api/assignment/workers", WorkerBody(workerId, [team], 22.5m, pathwayIds: ["housing-support"])))
        {
            var view = await created.JsonAsync(HttpStatusCode.Created);
            Assert.Equal((22.5m, 22.5m, "Available"), (view.GetProperty("capacityHours").GetDecimal(), view.GetProperty("freeHours").GetDecimal(), view.Text("availability")));
        }
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/assignment/workers", WorkerBody(workerId, [team]))).StatusCode);
        Assert.True(await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = 'WorkerCapacityChanged' AND payload->>'workerId' = $1", workerId) >= 1);

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await admin.PutAsJsonAsync($"/api/assignment/workers/{workerId}", WorkerBody(null, [team]))).StatusCode);
        // availability is required on an edit: leaving it out must not quietly make an Away or Left worker Available.
        var noAvailability = await (await admin.PutJsonAsync($"/api/assignment/workers/{workerId}", WorkerBody(null, [team], availability: null), ("If-Match", "\"1\"")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["availability"], noAvailability.ErrorFields());
        using var edited = await admin.PutJsonAsync($"/api/assignment/workers/{workerId}", WorkerBody(null, [team], 30, name: "Renamed"), ("If-Match", "\"1\""));
        var after = await edited.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Renamed", 30m), (after.Text("name"), after.GetProperty("capacityHours").GetDecimal()));
        Assert.Equal(HttpStatusCode.PreconditionFailed,
            (await admin.PutJsonAsync($"/api/assignment/workers/{workerId}", WorkerBody(null, [team], 10), ("If-Match", "\"1\""))).StatusCode);
        var idChange = await (await admin.PutJsonAsync($"/api/assignment/workers/{workerId}", WorkerBody("other", [team]), ("If-Match", "\"2\"")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["id"], idChange.ErrorFields());
    }

    [Fact]
    public async Task Supervisors_set_their_teams_workers_away_and_back_and_a_worker_back_takes_queued_cases()
    {
        var team = await fixture.AddTeamAsync();
        var worker = AssignmentFixture.NewWorker(team, 10m, availability: WorkerAvailability.Away);
        await fixture.AddWorkersAsync(worker);
        var queued = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(queued, team));
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(queued)).Status);
        var path = $"/api/assignment/workers/{worker.Id}/availability";

        using (var caseworker = fixture.Caseworker(team))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.PutJsonAsync(path, new { availability = "Available" }, ("If-Match", "\"1\""))).StatusCode);
        }
        using (var stranger = fixture.Staff("supervisor", AssignmentFixture.NewTeam()))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutJsonAsync(path, new { availability = "Available" }, ("If-Match", "\"1\""))).StatusCode);
        }
        using var supervisor = fixture.Staff("supervisor", team);
        var invalid = await (await supervisor.PutJsonAsync(path, new { availability = "Gone", returnsOn = "2030-01-01" }, ("If-Match", "\"1\"")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["availability", "returnsOn"], invalid.ErrorFields().Order());
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await supervisor.PutAsJsonAsync(path, new { availability = "Available" })).StatusCode);

        using var back = await supervisor.PutJsonAsync(path, new { availability = "Available" }, ("If-Match", "\"1\""));

        Assert.Equal("Available", (await back.JsonAsync(HttpStatusCode.OK)).Text("availability"));
        Assert.Equal(worker.Id, (await fixture.ActiveAssignmentAsync(queued)).WorkerId); // offered right after the change committed
        using var away = await supervisor.PutJsonAsync(path, new { availability = "Away", returnsOn = "2030-01-01" }, ("If-Match", back.Headers.ETag!.Tag));
        var awayView = await away.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Away", "2030-01-01", 1), (awayView.Text("availability"), awayView.Text("returnsOn"), awayView.GetProperty("openCases").GetInt32()));
    }

    [Fact]
    public async Task The_team_caseload_shows_each_worker_by_concern_with_free_hours_and_the_queue_for_supervisors_only()
    {
        var team = await fixture.AddTeamAsync();
        var big = AssignmentFixture.NewWorker(team, 10m, name: "Big");
        var small = AssignmentFixture.NewWorker(team, 3m, name: "Small");
        var away = AssignmentFixture.NewWorker(team, 8m, name: "Zed Away", availability: WorkerAvailability.Away);
        await fixture.AddWorkersAsync(big, small, away);
        var critical = Guid.NewGuid();
        var low = Guid.NewGuid();
        var queued = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(critical, team, "Critical")); // Big: 5 of 10
        Assert.Equal(big.Id, (await fixture.ActiveAssignmentAsync(critical)).WorkerId);
        await fixture.PublishAsync(AssignmentFixture.Opened(low, team, "Low"));           // Big has 5 free, Small 3: Big, 6 of 10
        Assert.Equal(big.Id, (await fixture.ActiveAssignmentAsync(low)).WorkerId);
        await fixture.PublishAsync(AssignmentFixture.Opened(queued, team, "Critical"));   // 5: nobody has room
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(queued)).Status);

        using var supervisor = fixture.Staff("supervisor", team);
        var caseload = await supervisor.GetFromJsonAsync<CaseloadView>($"/api/assignment/teams/{team}/caseload");

        Assert.Equal(["Big", "Small", "Zed Away"], caseload!.Workers.Select(w => w.Name));
        var bigView = caseload.Workers[0];
        Assert.Equal((2, 6m, 4m, false), (bigView.OpenCases, bigView.LoadHours, bigView.FreeHours, bigView.OverCapacity));
        Assert.Equal(new ConcernCounts(1, 0, 0, 1), bigView.ByConcern);
        Assert.Equal((13m, 6m, 7m, 2, 1), (caseload.CapacityHours, caseload.LoadHours, caseload.FreeHours, caseload.OpenCases, caseload.UnassignedCases));

        using (var caseworker = fixture.Caseworker(team))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.GetAsync($"/api/assignment/teams/{team}/caseload")).StatusCode);
        }
        using (var stranger = fixture.Staff("supervisor", AssignmentFixture.NewTeam()))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/assignment/teams/{team}/caseload")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/api/assignment/unassigned?teamId={team}")).StatusCode);
        }
        using var auditor = fixture.Staff("auditor");
        Assert.Equal(2, (await auditor.GetFromJsonAsync<CaseloadView>($"/api/assignment/teams/{team}/caseload"))!.OpenCases);
        Assert.Equal([queued], (await auditor.GetFromJsonAsync<Page<AssignmentView>>($"/api/assignment/unassigned?teamId={team}"))!.Items.Select(i => i.CaseId));
        var available = await auditor.GetFromJsonAsync<Page<WorkerView>>($"/api/assignment/workers?teamId={team}&availability=Away");
        Assert.Equal([away.Id], available!.Items.Select(w => w.Id));
        using var badFilter = await auditor.GetAsync("/api/assignment/workers?availability=Maybe");
        Assert.Equal(["availability"], (await badFilter.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task A_worker_of_two_teams_is_listed_for_both_and_a_caseworker_of_both_sees_them_once()
    {
        var teamA = await fixture.AddTeamAsync();
        var teamB = await fixture.AddTeamAsync();
        var both = AssignmentFixture.NewWorker(teamA, 10m) with { TeamIds = [teamA, teamB] };
        await fixture.AddWorkersAsync(both);
        using var caseworker = fixture.Caseworker(teamA, teamB);
        var page = await caseworker.GetFromJsonAsync<Page<WorkerView>>("/api/assignment/workers");
        Assert.Equal([both.Id], page!.Items.Select(w => w.Id));
        var caseId = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, teamB));
        Assert.Equal(both.Id, (await fixture.ActiveAssignmentAsync(caseId)).WorkerId);
    }

    [Fact]
    public async Task A_worker_holding_cases_cannot_be_marked_Left_or_taken_out_of_their_team_the_409_points_to_the_handover()
    {
        var team = await fixture.AddTeamAsync(null, "housing-support");
        var other = await fixture.AddTeamAsync(null, "housing-support");
        var worker = AssignmentFixture.NewWorker(team, 10m) with { TeamIds = [team, other] };
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team));
        Assert.Equal(worker.Id, (await fixture.ActiveAssignmentAsync(caseId)).WorkerId);
        var etag = $"\"{(await fixture.Store.GetAsync<Worker>(worker.Id))!.Version}\"";
        using var admin = fixture.Staff("admin");

        var left = await (await admin.PutJsonAsync($"/api/assignment/workers/{worker.Id}/availability", new { availability = "Left" }, ("If-Match", etag)))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal($"/api/assignment/workers/{worker.Id}/handover", left.Text("handover"));
        var edited = await (await admin.PutJsonAsync($"/api/assignment/workers/{worker.Id}", WorkerBody(null, [other], 10m), ("If-Match", etag)))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains(team, edited.Text("detail"));
        var editedLeft = await (await admin.PutJsonAsync($"/api/assignment/workers/{worker.Id}", WorkerBody(null, [team, other], 10m, availability: "Left"), ("If-Match", etag)))
            .ProblemAsync(HttpStatusCode.Conflict);
        Assert.NotNull(editedLeft.Text("handover"));
        Assert.Equal(WorkerAvailability.Available, (await fixture.WorkerAsync(worker.Id)).Availability);
        Assert.Equal([team, other], (await fixture.WorkerAsync(worker.Id)).TeamIds);

        // Away keeps their cases; leaving the team they hold no cases of is fine.
        using var away = await admin.PutJsonAsync($"/api/assignment/workers/{worker.Id}", WorkerBody(null, [team], 10m, availability: "Away"), ("If-Match", etag));
        var view = await away.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Away", 1), (view.Text("availability"), view.GetProperty("openCases").GetInt32()));
    }
}
