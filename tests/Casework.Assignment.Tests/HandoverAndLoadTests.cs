using System.Net;
using System.Net.Http.Json;
using Casework.Assignment.Apis;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Casework.Assignment.Tests;

/// <summary>Bulk handover, load kept in step with concern changes, review dates and the overdue view, and upgrading stored documents.</summary>
[Collection(AssignmentCollection.Name)]
public sealed class HandoverAndLoadTests(AssignmentFixture fixture)
{
    /// <summary>A team whose leaving worker holds the given cases (levels), with the given target workers.</summary>
    private async Task<(string Team, Worker Leaving, List<Guid> Cases)> LeavingWorkerAsync(params string[] levels)
    {
        var team = await fixture.AddTeamAsync();
        var leaving = AssignmentFixture.NewWorker(team, 40m, name: "Leaving");
        await fixture.AddWorkersAsync(leaving);
        var cases = new List<Guid>();
        foreach (var level in levels)
        {
            var caseId = Guid.NewGuid();
            await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team, level));
            Assert.Equal(leaving.Id, (await fixture.ActiveAssignmentAsync(caseId)).WorkerId);
            cases.Add(caseId);
        }
        return (team, leaving, cases);
    }

    /// <summary>Adds workers after the cases were assigned (so they did not take any).</summary>
    private async Task<Worker> TargetAsync(string team, decimal capacity, string name)
    {
        var worker = AssignmentFixture.NewWorker(team, capacity, name: name);
        await fixture.AddWorkersAsync(worker);
        return worker;
    }

    [Fact]
    public async Task A_handover_where_one_target_lacks_room_is_refused_whole_naming_the_case_and_the_target()
    {
        var (team, leaving, cases) = await LeavingWorkerAsync("Critical", "Medium");
        var roomy = await TargetAsync(team, 10m, "Roomy");
        var tight = await TargetAsync(team, 4m, "Tight");
        var leavingBefore = (await fixture.Store.GetAsync<Worker>(leaving.Id))!;
        using var supervisor = fixture.Staff("supervisor", team);

        // The Critical case (5 h) is mapped to Tight (4 h free): the whole handover is refused.
        using var refused = await supervisor.PostAsJsonAsync($"/api/assignment/workers/{leaving.Id}/handover", new
        {
            targetWorkerIds = new[] { roomy.Id },
            targets = new Dictionary<Guid, string> { [cases[0]] = tight.Id },
            handoverNote = "All files in the shared drive",
            reason = "Leaving the charity",
            markAs = "Left",
        });

        var problem = await refused.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal((cases[0].ToString(), tight.Id), (problem.Text("caseId"), problem.Text("targetWorkerId")));
        Assert.Contains(cases[0].ToString(), problem.Text("detail"));
        var leavingAfter = (await fixture.Store.GetAsync<Worker>(leaving.Id))!;
        Assert.Equal((leavingBefore.Version, WorkerAvailability.Available, 2), (leavingAfter.Version, leavingAfter.Document.Availability, leavingAfter.Document.Load.OpenCases));
        Assert.Equal(0, (await fixture.WorkerAsync(roomy.Id)).Load.OpenCases);
        Assert.All(cases, c => Assert.Equal(1, fixture.OutboxCountAsync(nameof(CaseAssigned), c).Result));
    }

    [Fact]
    public async Task A_handover_moves_every_case_in_one_commit_by_free_capacity_writes_each_worker_once_and_marks_the_worker_left()
    {
        var (team, leaving, cases) = await LeavingWorkerAsync("Critical", "High", "Medium", "Low");
        var a = await TargetAsync(team, 8m, "A");
        var b = await TargetAsync(team, 6m, "B");
        var versions = new Dictionary<string, long>();
        foreach (var id in new[] { leaving.Id, a.Id, b.Id })
        {
            versions[id] = (await fixture.Store.GetAsync<Worker>(id))!.Version;
        }
        using var caseworker = fixture.Caseworker(team);
        Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.PostAsJsonAsync($"/api/assignment/workers/{leaving.Id}/handover",
            new { targetWorkerIds = new[] { a.Id }, handoverNote = "n", reason = "r" })).StatusCode);
        using var manager = fixture.Staff("manager");
        var invalid = await (await manager.PostAsJsonAsync($"/api/assignment/workers/{leaving.Id}/handover",
            new { caseIds = new[] { Guid.NewGuid() }, targetWorkerIds = Array.Empty<string>(), markAs = "Retired" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["handoverNote", "markAs", "reason", "targetWorkerIds"], invalid.ErrorFields().Order());
        var notTheirs = await (await manager.PostAsJsonAsync($"/api/assignment/workers/{leaving.Id}/handover",
            new { caseIds = new[] { Guid.NewGuid() }, targetWorkerIds = new[] { a.Id }, handoverNote = "n", reason = "r" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["caseIds[0]"], notTheirs.ErrorFields());
        var toSelf = await (await manager.PostAsJsonAsync($"/api/assignment/workers/{leaving.Id}/handover",
            new { targetWorkerIds = new[] { leaving.Id }, handoverNote = "n", reason = "r" })).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["targetWorkerIds[0]"], toSelf.ErrorFields());

        using var response = await manager.PostAsJsonAsync($"/api/assignment/workers/{leaving.Id}/handover", new
        {
            targetWorkerIds = new[] { a.Id, b.Id },
            handoverNote = "Open letters are in the case notes",
            reason = "Leaving the charity",
            markAs = "Left",
        });

        var result = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Left", result.Text("availability"));
        var moved = result.GetProperty("moved").EnumerateArray().ToDictionary(m => Guid.Parse(m.Text("caseId")!), m => m.Text("toWorkerId"));
        // Critical 5 → A (8 free); High 3 → B (6); Medium 2 → B (3 left vs A's 3: A first given... both 3, A); Low 1 → B.
        Assert.Equal(a.Id, moved[cases[0]]);
        Assert.Equal(b.Id, moved[cases[1]]);
        Assert.Equal(cases.Order(), moved.Keys.Order());
        var loadA = (await fixture.WorkerAsync(a.Id)).Load.Hours;
        var loadB = (await fixture.WorkerAsync(b.Id)).Load.Hours;
        Assert.Equal(11m, loadA + loadB);
        Assert.True(loadA <= 8m && loadB <= 6m);
        var left = await fixture.WorkerAsync(leaving.Id);
        Assert.Equal((WorkerAvailability.Left, WorkerLoad.None), (left.Availability, left.Load));
        foreach (var (id, version) in versions)
        {
            Assert.Equal(version + 1, (await fixture.Store.GetAsync<Worker>(id))!.Version); // one write per worker
        }
        foreach (var caseId in cases)
        {
            var published = await Eventually.Until(() => Task.FromResult(fixture.Assigned.FirstOrDefault(e => e.CaseId == caseId && e.Sequence == 2)),
                e => e is not null, what: "CaseAssigned for the handed-over case");
            Assert.Equal(("Leaving the charity", leaving.Id), (published!.Reason, published.PreviousWorkerId));
            var history = await manager.GetFromJsonAsync<List<AssignmentChange>>($"/api/assignment/cases/{caseId}/history");
            Assert.Equal("Open letters are in the case notes", history![^1].HandoverNote);
        }
    }

    [Fact]
    public async Task A_concern_change_reweighs_the_case_and_moves_the_workers_load_and_older_or_repeated_changes_change_nothing()
    {
        var team = await fixture.AddTeamAsync(new ConcernHours(1m, 2m, 3.5m, 6m));
        var worker = AssignmentFixture.NewWorker(team, 20m);
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team));
        await fixture.ActiveAssignmentAsync(caseId);
        Assert.Equal(new WorkerLoad(1, 2m, 0, 1, 0, 0), (await fixture.WorkerAsync(worker.Id)).Load);

        var raised = Guid.NewGuid();
        await fixture.PublishAsync(new ConcernLevelChanged(caseId, team, "Medium", "Critical", "user-1", "Threats", DateTimeOffset.UtcNow, CaseVersion: 5), raised);
        await fixture.Consumed.WaitForAsync<ConcernLevelChanged>(raised);
        Assert.Equal(new WorkerLoad(1, 6m, 0, 0, 0, 1), (await fixture.WorkerAsync(worker.Id)).Load);
        Assert.Equal((6m, "Critical"), ((await fixture.ActiveAssignmentAsync(caseId)).Hours, (await fixture.ActiveAssignmentAsync(caseId)).ConcernLevel));
        Assert.Contains(fixture.CapacityChanges, c => c.WorkerId == worker.Id && c.LoadHours == 6m && c.CriticalCases == 1);

        // An older change (version 4) arriving late, and the same message again: nothing moves.
        var late = Guid.NewGuid();
        await fixture.PublishAsync(new ConcernLevelChanged(caseId, team, "Medium", "High", "user-1", "Earlier", DateTimeOffset.UtcNow, CaseVersion: 4), late);
        await fixture.PublishAsync(new ConcernLevelChanged(caseId, team, "Medium", "Critical", "user-1", "Threats", DateTimeOffset.UtcNow, CaseVersion: 5), raised);
        await fixture.Consumed.WaitForAsync<ConcernLevelChanged>(late);
        await fixture.Consumed.WaitForAsync<ConcernLevelChanged>(raised, times: 2);
        Assert.Equal(new WorkerLoad(1, 6m, 0, 0, 0, 1), (await fixture.WorkerAsync(worker.Id)).Load);

        var lowered = Guid.NewGuid();
        await fixture.PublishAsync(new ConcernLevelChanged(caseId, team, "Critical", "Low", "user-1", "Settled", DateTimeOffset.UtcNow, CaseVersion: 7), lowered);
        await fixture.Consumed.WaitForAsync<ConcernLevelChanged>(lowered);
        Assert.Equal(new WorkerLoad(1, 1m, 1, 0, 0, 0), (await fixture.WorkerAsync(worker.Id)).Load);

        // Closing frees exactly what the case weighs now.
        await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Done", [], "user-1", DateTimeOffset.UtcNow, 8));
        await Eventually.Until(() => fixture.WorkerAsync(worker.Id), w => w.Load == WorkerLoad.None, what: "the hours freed");
    }

    [Fact]
    public async Task A_concern_change_that_overtakes_CaseOpened_is_kept_and_the_case_is_weighed_by_it()
    {
        var team = await fixture.AddTeamAsync();
        var worker = AssignmentFixture.NewWorker(team, 20m);
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        var changed = Guid.NewGuid();
        await fixture.PublishAsync(new ConcernLevelChanged(caseId, team, "Medium", "High", "user-1", "Early", DateTimeOffset.UtcNow, CaseVersion: 2), changed);
        await fixture.Consumed.WaitForAsync<ConcernLevelChanged>(changed);

        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team, "Medium"));

        var assignment = await fixture.ActiveAssignmentAsync(caseId);
        Assert.Equal(("High", 3m), (assignment.ConcernLevel, assignment.Hours));
        Assert.Equal(new WorkerLoad(1, 3m, 0, 0, 1, 0), (await fixture.WorkerAsync(worker.Id)).Load);
    }

    [Fact]
    public async Task Reviews_before_the_regions_today_are_listed_by_worker_for_supervisors_and_the_newest_date_wins()
    {
        var team = await fixture.AddTeamAsync();
        var worker = AssignmentFixture.NewWorker(team, 20m, name: "Reviewer");
        await fixture.AddWorkersAsync(worker);
        var overdue = Guid.NewGuid();
        var due = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(overdue, team));
        await fixture.PublishAsync(AssignmentFixture.Opened(due, team));
        await fixture.ActiveAssignmentAsync(overdue);
        await fixture.ActiveAssignmentAsync(due);
        var today = DateOnly.FromDateTime(DateTime.UtcNow); // the fixture's region calendar is UTC
        var messages = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        await fixture.PublishAsync(new ReviewScheduled(overdue, today.AddDays(-3), DateTimeOffset.UtcNow, CaseVersion: 3), messages[0]);
        await fixture.PublishAsync(new ReviewScheduled(due, today.AddDays(-1), DateTimeOffset.UtcNow, CaseVersion: 6), messages[1]);
        await fixture.Consumed.WaitForAsync<ReviewScheduled>(messages[0]);
        await fixture.Consumed.WaitForAsync<ReviewScheduled>(messages[1]);
        // An older schedule for the second case arrives late: the newer (overdue) date stays... then a newer one moves it to today.
        await fixture.PublishAsync(new ReviewScheduled(due, today.AddDays(30), DateTimeOffset.UtcNow, CaseVersion: 5), messages[2]);
        await fixture.Consumed.WaitForAsync<ReviewScheduled>(messages[2]);

        using var supervisor = fixture.Staff("supervisor", team);
        var view = await supervisor.GetFromJsonAsync<OverdueReviewsView>($"/api/assignment/reviews/overdue?teamId={team}");
        var byWorker = Assert.Single(view!.Workers);
        Assert.Equal((worker.Id, "Reviewer"), (byWorker.WorkerId, byWorker.WorkerName));
        Assert.Equal([overdue, due], byWorker.Cases.Select(c => c.CaseId));
        Assert.Equal(3, byWorker.Cases[0].DaysOverdue);
        Assert.Equal(today, view.Today);

        var moved = Guid.NewGuid();
        await fixture.PublishAsync(new ReviewScheduled(due, today, DateTimeOffset.UtcNow, CaseVersion: 7), moved);
        await fixture.Consumed.WaitForAsync<ReviewScheduled>(moved);
        var after = await supervisor.GetFromJsonAsync<OverdueReviewsView>($"/api/assignment/reviews/overdue?teamId={team}");
        Assert.Equal([overdue], after!.Workers.Single().Cases.Select(c => c.CaseId)); // due today is not overdue

        using var caseworker = fixture.Caseworker(team);
        Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.GetAsync("/api/assignment/reviews/overdue")).StatusCode);
        using var stranger = fixture.Staff("supervisor", AssignmentFixture.NewTeam());
        Assert.Empty((await stranger.GetFromJsonAsync<OverdueReviewsView>("/api/assignment/reviews/overdue"))!.Workers);
    }

    [Fact]
    public async Task Workers_and_assignments_stored_before_hours_are_upgraded_and_keep_working()
    {
        var team = AssignmentFixture.NewTeam();
        var workerId = "legacy-" + Guid.NewGuid().ToString("N")[..8];
        var caseId = Guid.NewGuid();
        // As the previous version wrote them: capacity as a count of cases, one team, no hours or concern level.
        await fixture.Database.ScalarAsync<int>("INSERT INTO doc_workers (id, version, data) VALUES ($1, 3, $2::jsonb) RETURNING 1", workerId,
            $$"""{"id":"{{workerId}}","name":"Old Worker","teamId":"{{team}}","capacity":5,"openCases":1}""");
        await fixture.Database.ScalarAsync<int>("INSERT INTO doc_assignments (id, version, data) VALUES ($1, 1, $2::jsonb) RETURNING 1", caseId.ToString(),
            $$"""{"caseId":"{{caseId}}","teamId":"{{team}}","status":"Active","workerId":"{{workerId}}","workerName":"Old Worker","openedAt":"2025-01-02T09:00:00+00:00","assignedAt":"2025-01-02T09:00:01+00:00","releasedAt":null,"lifecycleVersion":0,"reopenedLast":false}""");

        await UpgradeAsync<Worker>();
        await UpgradeAsync<CaseAssignment>();

        var worker = (await fixture.Store.GetAsync<Worker>(workerId))!;
        Assert.Equal(4, worker.Version);
        Assert.Equal([team], worker.Document.TeamIds);
        Assert.Equal((10m, new WorkerLoad(1, 2m, 0, 1, 0, 0)), (worker.Document.CapacityHours, worker.Document.Load));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM doc_workers WHERE id = $1 AND data ? 'capacity'", workerId));
        var assignment = (await fixture.Store.GetAsync<CaseAssignment>(caseId.ToString()))!.Document;
        Assert.Equal(("Medium", 2m, 1L), (assignment.ConcernLevel, assignment.Hours, assignment.Sequence));

        // And they work as new ones: the closure frees the upgraded hours; the worker takes a new case.
        await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Done", [], "user-1", DateTimeOffset.UtcNow, 9));
        await Eventually.Until(() => fixture.WorkerAsync(workerId), w => w.Load == WorkerLoad.None, what: "the upgraded hours freed");
        var next = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(next, team));
        Assert.Equal(workerId, (await fixture.ActiveAssignmentAsync(next)).WorkerId);
    }

    [Fact]
    public async Task An_assignment_the_background_upgrade_has_not_reached_yet_is_weighed_as_a_Medium_case_of_its_team()
    {
        var team = await fixture.AddTeamAsync(new ConcernHours(1m, 2.5m, 3m, 5m));
        var worker = AssignmentFixture.NewWorker(team, 10m) with { Load = new WorkerLoad(1, 2.5m, 0, 1, 0, 0) };
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        await fixture.Database.ScalarAsync<int>("INSERT INTO doc_assignments (id, version, data) VALUES ($1, 1, $2::jsonb) RETURNING 1", caseId.ToString(),
            $$"""{"caseId":"{{caseId}}","teamId":"{{team}}","status":"Active","workerId":"{{worker.Id}}","workerName":"W","openedAt":"2025-01-02T09:00:00+00:00","assignedAt":null,"releasedAt":null}""");

        await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Done", [], "user-1", DateTimeOffset.UtcNow, 4));

        await Eventually.Until(() => fixture.WorkerAsync(worker.Id), w => w.Load == WorkerLoad.None, what: "the old case's hours freed");
        var closed = (await fixture.Store.GetAsync<CaseAssignment>(caseId.ToString()))!.Document;
        Assert.Equal((AssignmentStatus.Released, "Medium", 2.5m), (closed.Status, closed.ConcernLevel, closed.Hours));
    }

    private async Task UpgradeAsync<T>() where T : class
    {
        var upgrader = new DocumentUpgrader<T>(fixture.Store, fixture.Factory.Services.GetRequiredService<IDocumentUpgrade<T>>(), NullLogger<DocumentUpgrader<T>>.Instance);
        Assert.True(await upgrader.UpgradeAllAsync(CancellationToken.None) >= 1);
    }
}
