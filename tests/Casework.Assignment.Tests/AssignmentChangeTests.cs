using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Assignment.Apis;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Testing;
using Xunit;

namespace Casework.Assignment.Tests;

/// <summary>Assigning, reassigning and unassigning by hand: who may, what must hold, what is recorded and published.</summary>
[Collection(AssignmentCollection.Name)]
public sealed class AssignmentChangeTests(AssignmentFixture fixture)
{
    /// <summary>A team with settings, two workers (the first gets the case: more room), and a Medium case assigned.</summary>
    private async Task<(string Team, Worker First, Worker Second, Guid CaseId)> AssignedCaseAsync(decimal secondCapacity = 10m)
    {
        var team = await fixture.AddTeamAsync(pathways: "housing-support");
        var first = AssignmentFixture.NewWorker(team, 20m, name: "First");
        var second = AssignmentFixture.NewWorker(team, secondCapacity, name: "Second");
        await fixture.AddWorkersAsync(first, second);
        var caseId = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team));
        Assert.Equal(first.Id, (await fixture.ActiveAssignmentAsync(caseId)).WorkerId);
        return (team, first, second, caseId);
    }

    private static object Assign(string workerId, string reason = "Better placed", bool? overrideCapacity = null, string? handoverNote = null) =>
        new { workerId, reason, overrideCapacity, handoverNote };

    [Fact]
    public async Task A_supervisor_reassigns_a_case_with_a_reason_loads_move_and_CaseAssigned_carries_the_previous_worker_and_sequence()
    {
        var (team, first, second, caseId) = await AssignedCaseAsync();
        using var supervisor = fixture.Staff("supervisor", team);
        var etag = await fixture.AssignmentETagAsync(caseId);

        using var response = await supervisor.PostJsonAsync($"/api/assignment/cases/{caseId}/assign",
            Assign(second.Id, "Speaks the person's language", handoverNote: "Call after 3pm"), ("If-Match", etag));

        var view = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal((second.Id, "Active", 2L), (view.Text("workerId"), view.Text("status"), view.GetProperty("sequence").GetInt64()));
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);
        Assert.Equal((0, 0m), ((await fixture.WorkerAsync(first.Id)).Load.OpenCases, (await fixture.WorkerAsync(first.Id)).Load.Hours));
        Assert.Equal((1, 2m, 1), ((await fixture.WorkerAsync(second.Id)).Load.OpenCases, (await fixture.WorkerAsync(second.Id)).Load.Hours,
            (await fixture.WorkerAsync(second.Id)).Load.Medium));
        var published = await Eventually.Until(() => Task.FromResult(fixture.Assigned.FirstOrDefault(e => e.CaseId == caseId && e.Sequence == 2)),
            e => e is not null, what: "the reassignment on the bus");
        Assert.Equal((second.Id, first.Id, "Speaks the person's language"), (published!.WorkerId, published.PreviousWorkerId, published.Reason));
        Assert.NotNull(published.AssignedBy);

        var history = await supervisor.GetFromJsonAsync<List<AssignmentChange>>($"/api/assignment/cases/{caseId}/history");
        Assert.Equal([AssignmentChange.Assigned, AssignmentChange.Reassigned], history!.Select(h => h.Kind));
        var last = history![^1];
        Assert.Equal((first.Id, second.Id, "Call after 3pm", false, 2L), (last.FromWorkerId, last.ToWorkerId, last.HandoverNote, last.OverrideCapacity, last.Sequence));
        Assert.Equal("Test supervisor", last.ByName);

        // The same request again (a retry with the old ETag) changes nothing.
        using var again = await supervisor.PostJsonAsync($"/api/assignment/cases/{caseId}/assign", Assign(second.Id), ("If-Match", etag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode);
        Assert.Equal(1, (await fixture.WorkerAsync(second.Id)).Load.OpenCases);
    }

    [Fact]
    public async Task Caseworkers_and_auditors_get_403_other_teams_404_and_If_Match_is_required()
    {
        var (team, _, second, caseId) = await AssignedCaseAsync();
        var etag = await fixture.AssignmentETagAsync(caseId);
        var path = $"/api/assignment/cases/{caseId}/assign";

        using (var caseworker = fixture.Caseworker(team))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.PostJsonAsync(path, Assign(second.Id), ("If-Match", etag))).StatusCode);
        }
        using (var auditor = fixture.Staff("auditor"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostJsonAsync(path, Assign(second.Id), ("If-Match", etag))).StatusCode);
        }
        using (var otherSupervisor = fixture.Staff("supervisor", AssignmentFixture.NewTeam()))
        {
            await (await otherSupervisor.PostJsonAsync(path, Assign(second.Id), ("If-Match", etag))).ProblemAsync(HttpStatusCode.NotFound);
            await (await otherSupervisor.PostJsonAsync($"/api/assignment/cases/{caseId}/unassign", new { reason = "x" }, ("If-Match", etag)))
                .ProblemAsync(HttpStatusCode.NotFound);
        }
        using var manager = fixture.Staff("manager");
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await manager.PostAsJsonAsync(path, Assign(second.Id))).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await manager.PostJsonAsync(path, Assign(second.Id), ("If-Match", "\"999\""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostJsonAsync(path, Assign(second.Id), ("If-Match", "nonsense"))).StatusCode);
        await (await manager.PostJsonAsync($"/api/assignment/cases/{Guid.NewGuid()}/assign", Assign(second.Id), ("If-Match", etag)))
            .ProblemAsync(HttpStatusCode.NotFound);

        var invalid = await (await manager.PostJsonAsync(path, new { workerId = "", reason = "" }, ("If-Match", etag))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["reason", "workerId"], invalid.ErrorFields().Order());
        var unknown = await (await manager.PostJsonAsync(path, Assign("nobody-" + Guid.NewGuid()), ("If-Match", etag))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["workerId"], unknown.ErrorFields());
        Assert.Equal(1, await fixture.OutboxCountAsync(nameof(CaseAssigned), caseId)); // nothing but the first assignment
    }

    [Theory]
    [InlineData("assign", """{"workerId": 12, "reason": "x"}""")]
    [InlineData("assign", "not json")]
    [InlineData("unassign", """{"reason": ["a"]}""")]
    [InlineData("handover", """{"targets": {"not-a-guid": "w"}, "handoverNote": "n", "reason": "r"}""")]
    [InlineData("handover", """{"caseIds": ["nope"], "targetWorkerIds": ["w"], "handoverNote": "n", "reason": "r"}""")]
    [InlineData("handover", """{"caseIds": [null], "targetWorkerIds": ["w"], "handoverNote": "n", "reason": "r"}""")]
    [InlineData("availability", """{"availability": "Away", "returnsOn": "next week"}""")]
    public async Task Malformed_bodies_get_400_problem_details_never_500(string action, string json)
    {
        var (_, first, _, caseId) = await AssignedCaseAsync();
        using var manager = fixture.Staff("manager");
        var path = action switch
        {
            "handover" => $"/api/assignment/workers/{first.Id}/handover",
            "availability" => $"/api/assignment/workers/{first.Id}/availability",
            _ => $"/api/assignment/cases/{caseId}/{action}",
        };
        using var request = new HttpRequestMessage(action == "availability" ? HttpMethod.Put : HttpMethod.Post, path)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", await fixture.AssignmentETagAsync(caseId));

        using var response = await manager.SendAsync(request);

        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(first.Id, (await fixture.ActiveAssignmentAsync(caseId)).WorkerId);
    }

    [Fact]
    public async Task A_target_must_be_in_the_team_available_on_the_pathway_and_have_room_unless_a_supervisor_overrides()
    {
        var (team, first, full, caseId) = await AssignedCaseAsync(secondCapacity: 1m);
        var outsider = AssignmentFixture.NewWorker(AssignmentFixture.NewTeam(), 40m);
        var away = AssignmentFixture.NewWorker(team, 40m, availability: WorkerAvailability.Away);
        var elsewhere = AssignmentFixture.NewWorker(team, 40m, pathways: ["employment-programme"]);
        await fixture.AddWorkersAsync(outsider, away, elsewhere);
        var etag = await fixture.AssignmentETagAsync(caseId);
        var path = $"/api/assignment/cases/{caseId}/assign";
        using var supervisor = fixture.Staff("supervisor", team);

        foreach (var (target, says) in new[] { (away, "Away"), (elsewhere, "pathway"), (full, "free hours") })
        {
            var refused = await (await supervisor.PostJsonAsync(path, Assign(target.Id), ("If-Match", etag))).ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains(says, refused.Text("detail"));
        }
        // A worker of a team the supervisor cannot see is no worker to them: nothing about them is told.
        using (var hidden = await supervisor.PostJsonAsync(path, Assign(outsider.Id), ("If-Match", etag)))
        {
            var problem = await hidden.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["workerId"], problem.ErrorFields());
            Assert.DoesNotContain(outsider.Name, problem.GetRawText());
        }
        using (var seesAll = fixture.Staff("manager"))
        {
            var refused = await (await seesAll.PostJsonAsync(path, Assign(outsider.Id), ("If-Match", etag))).ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("not in team", refused.Text("detail"));
        }
        using (var admin = fixture.Staff("admin"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostJsonAsync(path, Assign(full.Id, overrideCapacity: true), ("If-Match", etag))).StatusCode);
        }
        Assert.Equal(first.Id, (await fixture.ActiveAssignmentAsync(caseId)).WorkerId);

        using var overridden = await supervisor.PostJsonAsync(path, Assign(full.Id, "Knows the family", overrideCapacity: true), ("If-Match", etag));
        Assert.Equal(full.Id, (await overridden.JsonAsync(HttpStatusCode.OK)).Text("workerId"));
        var worker = await fixture.WorkerAsync(full.Id);
        Assert.True(worker.OverCapacity);
        Assert.Equal(-1m, worker.FreeHours);
        var history = await supervisor.GetFromJsonAsync<List<AssignmentChange>>($"/api/assignment/cases/{caseId}/history");
        Assert.True(history![^1].OverrideCapacity);

        using var manager = fixture.Staff("manager");
        var over = await manager.GetFromJsonAsync<Casework.Persistence.Page<WorkerView>>($"/api/assignment/workers?teamId={team}&overCapacity=true");
        Assert.Equal([full.Id], over!.Items.Select(w => w.Id));
        var same = await (await supervisor.PostJsonAsync(path, Assign(full.Id), ("If-Match", overridden.Headers.ETag!.Tag))).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("already", same.Text("title"));
    }

    [Fact]
    public async Task Unassigning_puts_the_case_in_the_queue_publishes_CaseUnassigned_and_the_freed_worker_takes_the_oldest_queued_case_that_fits()
    {
        var team = await fixture.AddTeamAsync();
        var worker = AssignmentFixture.NewWorker(team, 4m);
        await fixture.AddWorkersAsync(worker);
        var mine = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(mine, team, "High")); // 3 of 4 hours
        await fixture.ActiveAssignmentAsync(mine);
        var tooHeavy = Guid.NewGuid();
        var fits = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(tooHeavy, team, "Critical")); // 5: waits
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(tooHeavy)).Status);
        await fixture.PublishAsync(AssignmentFixture.Opened(fits, team, "High")); // 3: waits
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(fits)).Status);

        using var supervisor = fixture.Staff("supervisor", team);
        Assert.Equal([tooHeavy, fits], (await supervisor.GetFromJsonAsync<Casework.Persistence.Page<AssignmentView>>("/api/assignment/unassigned"))!.Items.Select(i => i.CaseId));
        using (var caseworker = fixture.Caseworker(team))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.GetAsync("/api/assignment/unassigned")).StatusCode);
        }
        using (var missingReason = await supervisor.PostJsonAsync($"/api/assignment/cases/{mine}/unassign", new { }, ("If-Match", await fixture.AssignmentETagAsync(mine))))
        {
            Assert.Equal(["reason"], (await missingReason.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }

        using var response = await supervisor.PostJsonAsync($"/api/assignment/cases/{mine}/unassign", new { reason = "Conflict of interest" },
            ("If-Match", await fixture.AssignmentETagAsync(mine)));

        var view = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Unassigned", JsonValueKind.Null), (view.Text("status"), view.GetProperty("workerId").ValueKind));
        var unassigned = await Eventually.Until(() => Task.FromResult(fixture.Unassigned.FirstOrDefault(e => e.CaseId == mine)), e => e is not null,
            what: "CaseUnassigned on the bus");
        Assert.Equal((worker.Id, "Conflict of interest", 2L, team), (unassigned!.WorkerId, unassigned.Reason, unassigned.Sequence, unassigned.TeamId));
        // The freed 4 hours go to the oldest queued case that fits (the Critical one does not), not back to the unassigned one.
        Assert.Equal(worker.Id, (await fixture.ActiveAssignmentAsync(fits)).WorkerId);
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(tooHeavy)).Status);
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(mine)).Status);
        var load = (await fixture.WorkerAsync(worker.Id)).Load;
        Assert.Equal((1, 3m, 1), (load.OpenCases, load.Hours, load.High));
        var history = await supervisor.GetFromJsonAsync<List<AssignmentChange>>($"/api/assignment/cases/{mine}/history");
        Assert.Equal([AssignmentChange.Assigned, AssignmentChange.Unassigned], history!.Select(h => h.Kind));

        using var twice = await supervisor.PostJsonAsync($"/api/assignment/cases/{mine}/unassign", new { reason = "again" }, ("If-Match", response.Headers.ETag!.Tag));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        // Assigned from the queue by hand.
        using var assigned = await supervisor.PostJsonAsync($"/api/assignment/cases/{tooHeavy}/assign", Assign(worker.Id, overrideCapacity: true),
            ("If-Match", await fixture.AssignmentETagAsync(tooHeavy)));
        Assert.Equal(1L, (await assigned.JsonAsync(HttpStatusCode.OK)).GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task A_closure_frees_the_hours_and_the_worker_takes_the_oldest_queued_case_that_now_fits()
    {
        var team = await fixture.AddTeamAsync();
        var worker = AssignmentFixture.NewWorker(team, 3m);
        await fixture.AddWorkersAsync(worker);
        var first = Guid.NewGuid();
        var queued = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(first, team, "High"));
        await fixture.ActiveAssignmentAsync(first);
        await fixture.PublishAsync(AssignmentFixture.Opened(queued, team, "Medium"));
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(queued)).Status);

        await fixture.PublishAsync(new CaseClosed(first, "housing-support", "Goals met", [], "user-1", DateTimeOffset.UtcNow, 5));

        var taken = await fixture.ActiveAssignmentAsync(queued);
        Assert.Equal(worker.Id, taken.WorkerId);
        var load = (await fixture.WorkerAsync(worker.Id)).Load;
        Assert.Equal(new WorkerLoad(1, 2m, 0, 1, 0, 0), load);
        var published = await Eventually.Until(() => Task.FromResult(fixture.Assigned.FirstOrDefault(e => e.CaseId == queued)), e => e is not null, what: "CaseAssigned");
        Assert.Equal("system", published!.AssignedBy);
    }

    [Fact]
    public async Task Unassigning_offers_the_case_to_another_worker_of_the_team_with_room_and_never_back_to_the_previous_one()
    {
        var (team, first, second, caseId) = await AssignedCaseAsync();
        using var supervisor = fixture.Staff("supervisor", team);

        using var response = await supervisor.PostJsonAsync($"/api/assignment/cases/{caseId}/unassign", new { reason = "Conflict of interest" },
            ("If-Match", await fixture.AssignmentETagAsync(caseId)));

        var view = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(("Active", second.Id, 2L), (view.Text("status"), view.Text("workerId"), view.GetProperty("sequence").GetInt64()));
        var published = await Eventually.Until(() => Task.FromResult(fixture.Assigned.FirstOrDefault(e => e.CaseId == caseId && e.Sequence == 2)),
            e => e is not null, what: "CaseAssigned to the other worker");
        Assert.Equal((second.Id, first.Id, "Conflict of interest"), (published!.WorkerId, published.PreviousWorkerId, published.Reason));
        Assert.Equal(WorkerLoad.None, (await fixture.WorkerAsync(first.Id)).Load);
        Assert.Equal(new WorkerLoad(1, 2m, 0, 1, 0, 0), (await fixture.WorkerAsync(second.Id)).Load);
    }

    [Fact]
    public async Task A_hand_reassignment_frees_the_previous_worker_who_then_takes_the_queued_case_that_fits()
    {
        var team = await fixture.AddTeamAsync(pathways: "housing-support");
        var first = AssignmentFixture.NewWorker(team, 3m, name: "First");
        await fixture.AddWorkersAsync(first);
        var held = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(held, team, "High")); // 3 of 3
        await fixture.ActiveAssignmentAsync(held);
        var queued = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(queued, team, "Medium"));
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(queued)).Status);
        var second = AssignmentFixture.NewWorker(team, 3m, name: "Second");
        await fixture.AddWorkersAsync(second); // straight to the store: takes nothing from the queue
        using var supervisor = fixture.Staff("supervisor", team);

        using var response = await supervisor.PostJsonAsync($"/api/assignment/cases/{held}/assign", Assign(second.Id), ("If-Match", await fixture.AssignmentETagAsync(held)));

        Assert.Equal(second.Id, (await response.JsonAsync(HttpStatusCode.OK)).Text("workerId"));
        Assert.Equal(first.Id, (await fixture.ActiveAssignmentAsync(queued)).WorkerId);
        Assert.Equal(new WorkerLoad(1, 2m, 0, 1, 0, 0), (await fixture.WorkerAsync(first.Id)).Load);
    }

    [Fact]
    public async Task A_closure_commits_and_frees_the_hours_even_when_offering_the_queue_fails_and_the_queued_case_stays_queued()
    {
        var team = await fixture.AddTeamAsync();
        var worker = AssignmentFixture.NewWorker(team, 3m);
        await fixture.AddWorkersAsync(worker);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        await fixture.PublishAsync(AssignmentFixture.Opened(first, team, "Low"));
        await fixture.PublishAsync(AssignmentFixture.Opened(second, team, "Medium")); // 3 of 3
        await Eventually.Until(() => fixture.WorkerAsync(worker.Id), w => w.Load.OpenCases == 2, what: "both cases taken");
        var queued = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(queued, team, "Low"));
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(queued)).Status);
        // Taking the queued case will always fail (its first history entry is already there): the fill step fails every time.
        await using (var session = fixture.Store.OpenSession())
        {
            session.Insert(AssignmentChange.DocumentId(queued, 1), new AssignmentChange(queued, 1, AssignmentChange.Assigned, null, null, "x", "X", "In the way",
                null, false, "test", "Test", DateTimeOffset.UtcNow));
            await session.CommitAsync();
        }
        var closed = Guid.NewGuid();

        await fixture.PublishAsync(new CaseClosed(first, "housing-support", "Done", [], "user-1", DateTimeOffset.UtcNow, 4), closed);
        await fixture.Consumed.WaitForAsync<CaseClosed>(closed);

        Assert.Equal(new WorkerLoad(1, 2m, 0, 1, 0, 0), (await fixture.WorkerAsync(worker.Id)).Load);
        Assert.Equal(AssignmentStatus.Released, (await fixture.Store.GetAsync<CaseAssignment>(first.ToString()))!.Document.Status);
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(queued)).Status);
        Assert.True(await fixture.Store.HasConsumedAsync(closed, "CaseClosedConsumer"));
    }
}
