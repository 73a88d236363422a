using System.Net;
using System.Net.Http.Json;
using Casework.Assignment.Apis;
using Casework.Assignment.Assigning;
using Casework.Assignment.Hosting;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using Microsoft.Extensions.DependencyInjection;
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
        foreach (var caseId in cases)
        {
            Assert.Equal(1, await fixture.OutboxCountAsync(nameof(CaseAssigned), caseId));
        }
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
        // Heaviest first, each to the target with most free hours left: Critical 5 → A (8 free, then 3); High 3 → B (6, then 3);
        // Medium 2 → A (both have 3; A is named first, then 1); Low 1 → B (3 vs 1, then 2).
        Assert.Equal([a.Id, b.Id, a.Id, b.Id], cases.Select(c => moved[c]));
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

        // Closing frees exactly what the case weighs now (a second case stays, so a release clamped at zero would show).
        var other = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(other, team, "High"));
        await fixture.ActiveAssignmentAsync(other);
        await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Done", [], "user-1", DateTimeOffset.UtcNow, 8));
        await Eventually.Until(() => fixture.WorkerAsync(worker.Id), w => w.Load.OpenCases == 1, what: "the hours freed");
        Assert.Equal(new WorkerLoad(1, 3.5m, 0, 0, 1, 0), (await fixture.WorkerAsync(worker.Id)).Load);
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
    public async Task The_first_review_date_comes_with_CaseOpened_and_the_openings_ReviewScheduled_alone_writes_nothing()
    {
        var team = await fixture.AddTeamAsync();
        await fixture.AddWorkersAsync(AssignmentFixture.NewWorker(team, 20m));
        var caseId = Guid.NewGuid();
        var firstReview = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(28);

        // The opening's ReviewScheduled (case version 1) overtakes CaseOpened: it creates no record to race CaseOpened's insert.
        var schedule = Guid.NewGuid();
        await fixture.PublishAsync(new ReviewScheduled(caseId, firstReview, DateTimeOffset.UtcNow, CaseVersion: 1), schedule);
        await fixture.Consumed.WaitForAsync<ReviewScheduled>(schedule);
        Assert.Null(await fixture.Store.GetAsync<CaseAssignment>(CaseAssignment.DocumentId(caseId)));

        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team) with { NextReviewOn = firstReview });
        var assigned = await fixture.ActiveAssignmentAsync(caseId);
        Assert.Equal(firstReview, assigned.NextReviewOn);

        // A later schedule (a review recorded, version 4) moves it; the opening's one, redelivered, does not move it back.
        var later = Guid.NewGuid();
        await fixture.PublishAsync(new ReviewScheduled(caseId, firstReview.AddDays(-20), DateTimeOffset.UtcNow, CaseVersion: 4), later);
        await fixture.Consumed.WaitForAsync<ReviewScheduled>(later);
        var again = Guid.NewGuid();
        await fixture.PublishAsync(new ReviewScheduled(caseId, firstReview, DateTimeOffset.UtcNow, CaseVersion: 1), again);
        await fixture.Consumed.WaitForAsync<ReviewScheduled>(again);
        var stored = (await fixture.Store.GetAsync<CaseAssignment>(CaseAssignment.DocumentId(caseId)))!.Document;
        Assert.Equal(firstReview.AddDays(-20), stored.NextReviewOn);
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
    public async Task Workers_and_assignments_stored_before_hours_are_upgraded_at_start_weighed_by_their_teams_table_and_loads_set_from_them()
    {
        // A team whose table is not the default (Medium 2.5, not 2): an upgrade weighing by the wrong table would show.
        var team = await fixture.AddTeamAsync(new ConcernHours(1m, 2.5m, 4m, 6m));
        var workerId = "legacy-" + Guid.NewGuid().ToString("N")[..8];
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        // As the previous version wrote them: capacity as a count of cases, one team, no hours or concern level; and
        // an open-case count (3) out of step with the two cases the worker really holds.
        await fixture.Database.ScalarAsync<int>("INSERT INTO doc_workers (id, version, data) VALUES ($1, 3, $2::jsonb) RETURNING 1", workerId,
            $$"""{"id":"{{workerId}}","name":"Old Worker","teamId":"{{team}}","capacity":5,"openCases":3}""");
        foreach (var caseId in new[] { first, second })
        {
            await fixture.Database.ScalarAsync<int>("INSERT INTO doc_assignments (id, version, data) VALUES ($1, 1, $2::jsonb) RETURNING 1", caseId.ToString(),
                $$"""{"caseId":"{{caseId}}","teamId":"{{team}}","status":"Active","workerId":"{{workerId}}","workerName":"Old Worker","openedAt":"2025-01-02T09:00:00+00:00","assignedAt":"2025-01-02T09:00:01+00:00","releasedAt":null,"lifecycleVersion":0,"reopenedLast":false}""");
        }

        await fixture.Factory.Services.GetRequiredService<StoredDataAtStart>().RunAsync(CancellationToken.None);

        var worker = (await fixture.Store.GetAsync<Worker>(workerId))!.Document;
        Assert.Equal([team], worker.TeamIds);
        Assert.Equal((12.5m, new WorkerLoad(2, 5m, 0, 2, 0, 0)), (worker.CapacityHours, worker.Load));
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM doc_workers WHERE id = $1 AND (data ? 'capacity' OR data ? 'openCases')", workerId));
        foreach (var caseId in new[] { first, second })
        {
            var assignment = (await fixture.Store.GetAsync<CaseAssignment>(caseId.ToString()))!.Document;
            Assert.Equal(("Medium", 2.5m, 1L), (assignment.ConcernLevel, assignment.Hours, assignment.Sequence));
        }
        Assert.Equal(0L, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM doc_assignments WHERE NOT data ? 'concernLevel'"));
        Assert.Equal(1L, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'WorkerCapacityChanged' AND payload->>'workerId' = $1", workerId));

        // And they work as new ones: the closure frees exactly the stored hours of one case, the other stays.
        await fixture.PublishAsync(new CaseClosed(first, "housing-support", "Done", [], "user-1", DateTimeOffset.UtcNow, 9));
        await Eventually.Until(() => fixture.WorkerAsync(workerId), w => w.Load.OpenCases == 1, what: "the upgraded hours freed");
        Assert.Equal(new WorkerLoad(1, 2.5m, 0, 1, 0, 0), (await fixture.WorkerAsync(workerId)).Load);
        var next = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(next, team));
        Assert.Equal(workerId, (await fixture.ActiveAssignmentAsync(next)).WorkerId);
    }

    [Fact]
    public async Task The_recount_sets_a_drifted_load_to_the_workers_assignments_for_managers_and_admins_only_and_publishes_only_a_change()
    {
        var team = await fixture.AddTeamAsync();
        var worker = AssignmentFixture.NewWorker(team, 20m);
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team, "High"));
        await fixture.ActiveAssignmentAsync(caseId);
        var stored = (await fixture.Store.GetAsync<Worker>(worker.Id))!;
        await using (var session = fixture.Store.OpenSession())
        {
            session.Update(worker.Id, stored.Document with { Load = new WorkerLoad(4, 9m, 0, 3, 1, 0) }, stored.Version); // drifted
            await session.CommitAsync();
        }
        var path = $"/api/assignment/workers/{worker.Id}/recount";
        using (var supervisor = fixture.Staff("supervisor", team))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await supervisor.PostAsync(path, null)).StatusCode);
        }
        using var manager = fixture.Staff("manager");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.PostAsync("/api/assignment/workers/nobody-here/recount", null)).StatusCode);
        var published = () => fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = 'WorkerCapacityChanged' AND payload->>'workerId' = $1", worker.Id);
        var before = await published();

        var view = await (await manager.PostAsync(path, null)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal((1, 3m), (view.GetProperty("openCases").GetInt32(), view.GetProperty("loadHours").GetDecimal()));
        Assert.Equal(new WorkerLoad(1, 3m, 0, 0, 1, 0), (await fixture.WorkerAsync(worker.Id)).Load);
        Assert.Equal(before + 1, await published());
        (await manager.PostAsync(path, null)).EnsureSuccessStatusCode();
        Assert.Equal(before + 1, await published()); // nothing to change: nothing published
    }

    [Fact]
    public async Task Null_or_overlong_target_ids_in_a_handover_are_400_naming_the_entry_and_nothing_changes()
    {
        var (team, leaving, cases) = await LeavingWorkerAsync("Medium");
        using var manager = fixture.Staff("manager");
        var path = $"/api/assignment/workers/{leaving.Id}/handover";
        var bodies = new[]
        {
            ("""{"targetWorkerIds": [null], "handoverNote": "n", "reason": "r"}""", "targetWorkerIds[0]"),
            ($$"""{"targetWorkerIds": ["{{new string('w', 101)}}"], "handoverNote": "n", "reason": "r"}""", "targetWorkerIds[0]"),
            ($$"""{"targets": {"{{cases[0]}}": null}, "handoverNote": "n", "reason": "r"}""", $"targets.{cases[0]}"),
        };
        foreach (var (json, field) in bodies)
        {
            using var response = await manager.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal([field], (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
        var tooMany = Enumerable.Range(0, HandoverPlan.MaxCases + 1).ToDictionary(_ => Guid.NewGuid(), _ => "w");
        using (var response = await manager.PostAsJsonAsync(path, new { targets = tooMany, handoverNote = "n", reason = "r" }))
        {
            Assert.Contains("targets", (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
        Assert.Equal(leaving.Id, (await fixture.ActiveAssignmentAsync(cases[0])).WorkerId);
    }

    [Fact]
    public async Task A_target_in_a_team_the_supervisor_cannot_see_is_no_such_worker_and_nothing_about_them_is_told()
    {
        var (team, leaving, cases) = await LeavingWorkerAsync("Medium");
        var hidden = AssignmentFixture.NewWorker(AssignmentFixture.NewTeam(), 40m, name: "Hidden Person", availability: WorkerAvailability.Away);
        await fixture.AddWorkersAsync(hidden);
        using var supervisor = fixture.Staff("supervisor", team);

        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { targetWorkerIds = new[] { hidden.Id }, handoverNote = "n", reason = "r" }, "targetWorkerIds[0]"),
                     (new { targets = new Dictionary<Guid, string> { [cases[0]] = hidden.Id }, handoverNote = "n", reason = "r" }, $"targets.{cases[0]}"),
                 })
        {
            using var response = await supervisor.PostAsJsonAsync($"/api/assignment/workers/{leaving.Id}/handover", body);
            var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal([field], problem.ErrorFields());
            Assert.DoesNotContain("Hidden Person", problem.GetRawText());
            Assert.DoesNotContain("Away", problem.GetRawText());
        }
        Assert.Equal(leaving.Id, (await fixture.ActiveAssignmentAsync(cases[0])).WorkerId);
    }

    [Fact]
    public async Task A_handover_without_markAs_and_a_lowered_concern_level_free_room_that_queued_cases_then_take()
    {
        var team = await fixture.AddTeamAsync();
        var worker = AssignmentFixture.NewWorker(team, 3m, name: "Full");
        await fixture.AddWorkersAsync(worker);
        var (heavy, light) = (Guid.NewGuid(), Guid.NewGuid());
        await fixture.PublishAsync(AssignmentFixture.Opened(heavy, team, "Medium"));
        await fixture.PublishAsync(AssignmentFixture.Opened(light, team, "Low")); // 3 of 3
        await Eventually.Until(() => fixture.WorkerAsync(worker.Id), w => w.Load.OpenCases == 2, what: "both cases taken");
        var (queuedLow, queuedMedium) = (Guid.NewGuid(), Guid.NewGuid());
        await fixture.PublishAsync(AssignmentFixture.Opened(queuedLow, team, "Low"));
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(queuedLow)).Status);
        await fixture.PublishAsync(AssignmentFixture.Opened(queuedMedium, team, "Medium"));
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(queuedMedium)).Status);

        // Lowered Medium → Low: one hour frees, and the queued Low case (the oldest that fits) takes it.
        await fixture.PublishAsync(new ConcernLevelChanged(heavy, team, "Medium", "Low", "user-1", "Settled", DateTimeOffset.UtcNow, CaseVersion: 3));
        Assert.Equal(worker.Id, (await fixture.ActiveAssignmentAsync(queuedLow)).WorkerId);
        Assert.Equal(new WorkerLoad(3, 3m, 3, 0, 0, 0), (await fixture.WorkerAsync(worker.Id)).Load);

        // A handover of two Low cases (no markAs): the two hours freed take the queued Medium case.
        var target = AssignmentFixture.NewWorker(team, 10m, name: "Target");
        await fixture.AddWorkersAsync(target);
        using var supervisor = fixture.Staff("supervisor", team);
        using var response = await supervisor.PostAsJsonAsync($"/api/assignment/workers/{worker.Id}/handover", new
        {
            caseIds = new[] { heavy, light },
            targetWorkerIds = new[] { target.Id },
            handoverNote = "n",
            reason = "Balancing",
        });
        await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(worker.Id, (await fixture.ActiveAssignmentAsync(queuedMedium)).WorkerId);
        Assert.Equal(new WorkerLoad(2, 3m, 1, 1, 0, 0), (await fixture.WorkerAsync(worker.Id)).Load);
    }

    [Fact]
    public async Task Freed_room_is_offered_queued_cases_of_the_workers_pathways_even_behind_many_older_ones_of_other_pathways()
    {
        var team = await fixture.AddTeamAsync(null, "housing-support", "employment-programme");
        var old = DateTimeOffset.UtcNow.AddDays(-30);
        await using (var session = fixture.Store.OpenSession())
        {
            for (var i = 0; i < QueueFiller.MaxPerWorker * 5 + 5; i++)
            {
                var id = Guid.NewGuid();
                session.Insert(id.ToString(), new CaseAssignment(id, team, AssignmentStatus.Unassigned, null, null, old.AddMinutes(i), null, null)
                    { PathwayId = "housing-support", ConcernLevel = "Low", Hours = 1m });
            }
            await session.CommitAsync();
        }
        var mine = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(mine, team, "Medium", pathwayId: "employment-programme"));
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(mine)).Status);
        using var admin = fixture.Staff("admin");

        using var created = await admin.PostAsJsonAsync("/api/assignment/workers", new
        {
            id = "w-" + Guid.NewGuid().ToString("N")[..10], name = "Employment", teamIds = new[] { team }, pathwayIds = new[] { "employment-programme" },
            capacityHours = 2m, availability = "Available",
        });

        var view = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal((1, 0m), (view.GetProperty("openCases").GetInt32(), view.GetProperty("freeHours").GetDecimal())); // the answer shows what they took
        Assert.Equal(view.Text("id"), (await fixture.ActiveAssignmentAsync(mine)).WorkerId);
    }
}
