using System.Net;
using System.Net.Http.Json;
using Casework.Assignment.Apis;
using Casework.Assignment.Consumers;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Casework.Assignment.Tests;

[Collection(AssignmentCollection.Name)]
public sealed class AssignmentFlowTests(AssignmentFixture fixture)
{
    /// <summary>A worker with room for <paramref name="capacity"/> Medium cases (2 hours each by the default table), holding <paramref name="open"/>.</summary>
    private static Worker NewWorker(string team, int capacity, int open = 0) => AssignmentFixture.NewWorker(team, capacity * 2m, open);

    [Fact]
    public async Task CaseOpened_assigns_the_worker_with_most_free_capacity_and_publishes_CaseAssigned()
    {
        var team = AssignmentFixture.NewTeam();
        var busy = NewWorker(team, capacity: 5, open: 3);      // 2 free
        var freest = NewWorker(team, capacity: 4, open: 1);    // 3 free
        var big = NewWorker(team, capacity: 10, open: 8);      // 2 free
        await fixture.AddWorkersAsync(busy, freest, big);
        var caseId = Guid.NewGuid();

        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team));

        var assignment = await fixture.ActiveAssignmentAsync(caseId);
        Assert.Equal(freest.Id, assignment.WorkerId);
        Assert.Equal(team, assignment.TeamId);
        Assert.Equal(AssignmentStatus.Active, assignment.Status);

        // The event left through the outbox and reached the broker.
        var published = await Eventually.Until(
            () => Task.FromResult(fixture.Assigned.FirstOrDefault(e => e.CaseId == caseId)), e => e is not null, what: "CaseAssigned on the bus");
        Assert.Equal(freest.Id, published!.WorkerId);
        Assert.Equal(team, published.TeamId);
        Assert.Equal(1, await fixture.OutboxCountAsync(nameof(CaseAssigned), caseId));

        using var caseworker = fixture.Caseworker(team);
        var workers = await caseworker.GetFromJsonAsync<Page<WorkerView>>($"/api/assignment/workers?teamId={team}");
        var view = Assert.Single(workers!.Items, w => w.Id == freest.Id);
        Assert.Equal(2, view.OpenCases);
        Assert.Equal(4m, view.FreeHours);
        Assert.Equal(new[] { caseId }, await fixture.ActiveCaseIdsAsync(freest.Id));
        Assert.Equal(3, workers.Total);
        Assert.Equal([3, 8], workers.Items.Where(w => w.Id != freest.Id).Select(w => w.OpenCases).Order());
    }

    [Fact]
    public async Task The_same_CaseOpened_delivered_twice_assigns_once_and_counts_once()
    {
        var team = AssignmentFixture.NewTeam();
        var worker = NewWorker(team, capacity: 5);
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        var messageId = Guid.NewGuid();
        var opened = AssignmentFixture.Opened(caseId, team);

        await fixture.PublishAsync(opened, messageId);
        await fixture.ActiveAssignmentAsync(caseId);
        await fixture.PublishAsync(opened, messageId);
        await fixture.Consumed.WaitForAsync<CaseOpened>(messageId, times: 2);

        Assert.Equal(1, (await fixture.WorkerAsync(worker.Id)).Load.OpenCases);
        Assert.Equal(1, await fixture.OutboxCountAsync(nameof(CaseAssigned), caseId));
    }

    [Fact]
    public async Task A_second_CaseOpened_for_the_same_case_with_a_new_message_id_changes_nothing()
    {
        var team = AssignmentFixture.NewTeam();
        var first = NewWorker(team, capacity: 5);
        var second = NewWorker(team, capacity: 5);
        await fixture.AddWorkersAsync(first, second);
        var caseId = Guid.NewGuid();
        var opened = AssignmentFixture.Opened(caseId, team);

        await fixture.PublishAsync(opened);
        var assignment = await fixture.ActiveAssignmentAsync(caseId);
        var again = Guid.NewGuid();
        await fixture.PublishAsync(opened, again);
        await fixture.Consumed.WaitForAsync<CaseOpened>(again);

        var total = (await fixture.WorkerAsync(first.Id)).Load.OpenCases + (await fixture.WorkerAsync(second.Id)).Load.OpenCases;
        Assert.Equal(1, total);
        Assert.Equal(assignment.WorkerId, (await fixture.ActiveAssignmentAsync(caseId)).WorkerId);
        Assert.Equal(1, await fixture.OutboxCountAsync(nameof(CaseAssigned), caseId));
    }

    [Fact]
    public async Task Cases_opened_at_once_for_a_team_are_spread_without_lost_updates()
    {
        var team = AssignmentFixture.NewTeam();
        var a = NewWorker(team, capacity: 10);
        var b = NewWorker(team, capacity: 10);
        await fixture.AddWorkersAsync(a, b);
        var caseIds = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToList();

        await Task.WhenAll(caseIds.Select(id => fixture.PublishAsync(AssignmentFixture.Opened(id, team))));

        var assignments = new List<AssignmentView>();
        foreach (var id in caseIds)
        {
            assignments.Add(await fixture.ActiveAssignmentAsync(id));
        }
        var workerA = await fixture.WorkerAsync(a.Id);
        var workerB = await fixture.WorkerAsync(b.Id);
        // Every case counted exactly once, against the worker it was assigned to, and the load is even.
        Assert.Equal(4, workerA.Load.OpenCases);
        Assert.Equal(4, workerB.Load.OpenCases);
        var casesOfA = await fixture.ActiveCaseIdsAsync(a.Id);
        var casesOfB = await fixture.ActiveCaseIdsAsync(b.Id);
        Assert.Equal(caseIds.Order(), casesOfA.Concat(casesOfB).Order());
        Assert.All(assignments, x => Assert.Contains(x.CaseId, x.WorkerId == a.Id ? casesOfA : casesOfB));
    }

    [Fact]
    public async Task A_commit_based_on_a_stale_caseload_is_refused_and_succeeds_when_retried()
    {
        var team = AssignmentFixture.NewTeam();
        var worker = NewWorker(team, capacity: 5);
        await fixture.AddWorkersAsync(worker);
        using var scope = fixture.Factory.Services.CreateScope();
        var assigner = scope.ServiceProvider.GetRequiredService<CaseAssigner>();
        var first = AssignmentFixture.Opened(Guid.NewGuid(), team);
        var second = AssignmentFixture.Opened(Guid.NewGuid(), team);

        // Both read the worker at the same version, as two concurrent consumers would.
        await using var one = fixture.Store.OpenSession();
        await using var two = fixture.Store.OpenSession();
        await assigner.OpenedAsync(first, one, CancellationToken.None);
        await assigner.OpenedAsync(second, two, CancellationToken.None);
        await one.CommitAsync();
        await Assert.ThrowsAsync<StaleVersionException>(() => two.CommitAsync());
        Assert.Equal(1, (await fixture.WorkerAsync(worker.Id)).Load.OpenCases);
        Assert.Equal(new[] { first.CaseId }, await fixture.ActiveCaseIdsAsync(worker.Id));
        Assert.Null(await fixture.Store.GetAsync<CaseAssignment>(second.CaseId.ToString()));

        // The retry reads afresh and counts both.
        await using var retry = fixture.Store.OpenSession();
        await assigner.OpenedAsync(second, retry, CancellationToken.None);
        await retry.CommitAsync();
        Assert.Equal(2, (await fixture.WorkerAsync(worker.Id)).Load.OpenCases);
        Assert.Equal(new[] { first.CaseId, second.CaseId }.Order(), (await fixture.ActiveCaseIdsAsync(worker.Id)).Order());
    }

    [Fact]
    public async Task CaseClosed_releases_the_assignment_and_frees_capacity()
    {
        var team = AssignmentFixture.NewTeam();
        var worker = NewWorker(team, capacity: 3);
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team));
        await fixture.ActiveAssignmentAsync(caseId);
        Assert.Equal(1, (await fixture.WorkerAsync(worker.Id)).Load.OpenCases);

        await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Goals met", ["housed"], "user-1", DateTimeOffset.UtcNow));

        var freed = await Eventually.Until(() => fixture.WorkerAsync(worker.Id), w => w.Load.OpenCases == 0, what: "capacity freed");
        Assert.Equal(6m, freed.FreeHours);
        var stored = await fixture.Store.GetAsync<CaseAssignment>(caseId.ToString());
        Assert.Equal(AssignmentStatus.Released, stored!.Document.Status);
        Assert.NotNull(stored.Document.ReleasedAt);
        using var manager = fixture.Staff("manager");
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync($"/api/assignment/cases/{caseId}")).StatusCode);
        await Eventually.Until(
            () => Task.FromResult(fixture.CapacityChanges.Any(c => c.WorkerId == worker.Id && c.OpenCases == 0 && c.CapacityHours == 6m && c.LoadHours == 0m)),
            seen => seen, what: "WorkerCapacityChanged with the freed capacity");
    }

    /// <summary>A new team with one worker, and a case of it that was opened (assigned to them) and, if a version is given, closed at it.</summary>
    private async Task<(Worker Worker, Guid CaseId, string Team)> AssignedCaseAsync(int capacity, long? closedAtVersion = null)
    {
        var team = AssignmentFixture.NewTeam();
        var worker = NewWorker(team, capacity);
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team));
        await fixture.ActiveAssignmentAsync(caseId);
        if (closedAtVersion is { } version)
        {
            await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Goals met", ["housed"], "user-1", DateTimeOffset.UtcNow, version));
            await Eventually.Until(() => fixture.WorkerAsync(worker.Id), w => w.Load.OpenCases == 0, what: "capacity freed");
        }
        return (worker, caseId, team);
    }

    [Fact]
    public async Task A_reopened_case_goes_back_to_its_worker_and_counts_again_even_above_capacity()
    {
        var (worker, caseId, team) = await AssignedCaseAsync(capacity: 1, closedAtVersion: 5);
        var closedAt = DateTimeOffset.UtcNow;
        // Meanwhile the worker took another case: full.
        await fixture.PublishAsync(AssignmentFixture.Opened(Guid.NewGuid(), team));
        await Eventually.Until(() => fixture.WorkerAsync(worker.Id), w => w.Load.OpenCases == 1, what: "another case taken");

        var reopenedMessage = Guid.NewGuid();
        await fixture.PublishAsync(new CaseReopened(caseId, "New notice served", "user-1", closedAt.AddDays(3), CaseVersion: 6), reopenedMessage);
        await fixture.Consumed.WaitForAsync<CaseReopened>(reopenedMessage);

        Assert.Equal(2, (await fixture.WorkerAsync(worker.Id)).Load.OpenCases);
        var back = await fixture.ActiveAssignmentAsync(caseId);
        Assert.Equal((worker.Id, 1L, "Medium", 2m), (back.WorkerId, back.Sequence, back.ConcernLevel, back.Hours));
        Assert.Contains(caseId, await fixture.ActiveCaseIdsAsync(worker.Id));
        // Not silently over capacity: the return is in the history, by the system, with the override and why.
        using var manager = fixture.Staff("manager");
        var history = await manager.GetFromJsonAsync<List<AssignmentChange>>($"/api/assignment/cases/{caseId}/history");
        var returned = Assert.Single(history!, h => h.Kind == AssignmentChange.Returned);
        Assert.Equal((true, "system", worker.Id), (returned.OverrideCapacity, returned.By, returned.ToWorkerId));
        Assert.Contains("over capacity", returned.Reason);

        // A redelivery changes nothing.
        await fixture.PublishAsync(new CaseReopened(caseId, "New notice served", "user-1", closedAt.AddDays(3), CaseVersion: 6), reopenedMessage);
        await fixture.Consumed.WaitForAsync<CaseReopened>(reopenedMessage, times: 2);
        Assert.Equal(2, (await fixture.WorkerAsync(worker.Id)).Load.OpenCases);
        Assert.Single((await manager.GetFromJsonAsync<List<AssignmentChange>>($"/api/assignment/cases/{caseId}/history"))!, h => h.Kind == AssignmentChange.Returned);
    }

    [Fact]
    public async Task A_reopened_case_within_capacity_goes_back_without_a_history_entry_and_one_of_an_Away_worker_is_assigned_anew_weighed_by_todays_table()
    {
        var (worker, caseId, team) = await AssignedCaseAsync(capacity: 3, closedAtVersion: 3);
        var reopened = Guid.NewGuid();
        await fixture.PublishAsync(new CaseReopened(caseId, "Back in touch", "user-1", DateTimeOffset.UtcNow, CaseVersion: 4), reopened);
        await fixture.Consumed.WaitForAsync<CaseReopened>(reopened);
        Assert.Equal((worker.Id, 1L), ((await fixture.ActiveAssignmentAsync(caseId)).WorkerId, (await fixture.ActiveAssignmentAsync(caseId)).Sequence));
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM doc_assignment_history WHERE data->>'caseId' = $1", caseId.ToString()));

        // Closed again; the worker goes Away; the team's table changes; a colleague joins; then it reopens.
        await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Goals met", [], "user-1", DateTimeOffset.UtcNow, 5));
        await Eventually.Until(() => fixture.WorkerAsync(worker.Id), w => w.Load.OpenCases == 0, what: "capacity freed");
        var stored = (await fixture.Store.GetAsync<Worker>(worker.Id))!;
        var colleague = NewWorker(team, capacity: 3);
        await using (var session = fixture.Store.OpenSession())
        {
            session.Update(stored.Id, stored.Document with { Availability = WorkerAvailability.Away }, stored.Version);
            session.Insert(team, new Team(team, "Team", [], new ConcernHours(1m, 2.5m, 3m, 5m)));
            await session.CommitAsync();
        }
        await fixture.AddWorkersAsync(colleague);
        await fixture.PublishAsync(new CaseReopened(caseId, "Back again", "user-1", DateTimeOffset.UtcNow, CaseVersion: 6));

        var anew = await Eventually.Until(() => fixture.ActiveAssignmentAsync(caseId), a => a.WorkerId == colleague.Id, what: "the colleague to get the case");
        Assert.Equal((2L, "Medium", 2.5m), (anew.Sequence, anew.ConcernLevel, anew.Hours));
        Assert.Equal(new WorkerLoad(1, 2.5m, 0, 1, 0, 0), (await fixture.WorkerAsync(colleague.Id)).Load);
        Assert.Equal(WorkerLoad.None, (await fixture.WorkerAsync(worker.Id)).Load);
    }

    [Fact]
    public async Task A_case_closed_then_opened_then_reopened_in_that_order_ends_with_a_worker()
    {
        var team = AssignmentFixture.NewTeam();
        var worker = NewWorker(team, capacity: 3);
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        var closed = Guid.NewGuid();
        var opened = Guid.NewGuid();
        await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Withdrawn", [], "user-1", DateTimeOffset.UtcNow, CaseVersion: 2), closed);
        await fixture.Consumed.WaitForAsync<CaseClosed>(closed);
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team, "High"), opened);
        await fixture.Consumed.WaitForAsync<CaseOpened>(opened);
        var recorded = (await fixture.Store.GetAsync<CaseAssignment>(caseId.ToString()))!.Document;
        Assert.Equal((AssignmentStatus.Released, team, "housing-support", "High"), (recorded.Status, recorded.TeamId, recorded.PathwayId, recorded.ConcernLevel));

        await fixture.PublishAsync(new CaseReopened(caseId, "Back in touch", "user-1", DateTimeOffset.UtcNow, CaseVersion: 3));

        var active = await fixture.ActiveAssignmentAsync(caseId);
        Assert.Equal((worker.Id, "High", 3m, 1L), (active.WorkerId, active.ConcernLevel, active.Hours, active.Sequence));
        Assert.Equal(new WorkerLoad(1, 3m, 0, 0, 1, 0), (await fixture.WorkerAsync(worker.Id)).Load);
    }

    [Fact]
    public async Task A_reopening_that_overtakes_its_closure_leaves_the_case_with_its_worker()
    {
        var (worker, caseId, _) = await AssignedCaseAsync(capacity: 3);
        var closedAt = DateTimeOffset.UtcNow;

        // The reopening (case version 4) arrives before its closure (version 3); the replica that closed it had a clock ahead.
        var reopenedMessage = Guid.NewGuid();
        await fixture.PublishAsync(new CaseReopened(caseId, "Closed by mistake", "user-1", closedAt.AddSeconds(-1), CaseVersion: 4), reopenedMessage);
        await fixture.Consumed.WaitForAsync<CaseReopened>(reopenedMessage);
        var closedMessage = Guid.NewGuid();
        await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Goals met", ["housed"], "user-1", closedAt, CaseVersion: 3), closedMessage);
        await fixture.Consumed.WaitForAsync<CaseClosed>(closedMessage);

        Assert.Equal(AssignmentStatus.Active, (await fixture.Store.GetAsync<CaseAssignment>(caseId.ToString()))!.Document.Status);
        Assert.Equal(1, (await fixture.WorkerAsync(worker.Id)).Load.OpenCases);
    }

    [Fact]
    public async Task A_reopened_case_whose_worker_moved_team_goes_to_another_worker_or_waits_in_the_queue()
    {
        var (leaving, caseId, team) = await AssignedCaseAsync(capacity: 3, closedAtVersion: 3);

        // The worker moves to another team; a colleague joins this one.
        var colleague = NewWorker(team, capacity: 3);
        await fixture.AddWorkersAsync(colleague);
        var stored = (await fixture.Store.GetAsync<Worker>(leaving.Id))!;
        await using (var session = fixture.Store.OpenSession())
        {
            session.Update(stored.Id, stored.Document with { TeamIds = [AssignmentFixture.NewTeam()] }, stored.Version);
            await session.CommitAsync();
        }
        await fixture.PublishAsync(new CaseReopened(caseId, "Back in touch", "user-1", DateTimeOffset.UtcNow, CaseVersion: 4));

        var reassigned = await Eventually.Until(() => fixture.ActiveAssignmentAsync(caseId), a => a.WorkerId == colleague.Id, what: "the colleague to get the case");
        Assert.Equal(colleague.Id, reassigned.WorkerId);
        Assert.Equal(1, (await fixture.WorkerAsync(colleague.Id)).Load.OpenCases);
        Assert.Equal(0, (await fixture.WorkerAsync(leaving.Id)).Load.OpenCases);
        Assert.Equal(2, await fixture.OutboxCountAsync(nameof(CaseAssigned), caseId)); // Case learns the new accountable worker
        var published = await Eventually.Until(() => Task.FromResult(fixture.Assigned.FirstOrDefault(e => e.CaseId == caseId && e.Sequence == 2)),
            e => e is not null, what: "the reassignment on the bus");
        Assert.Equal((colleague.Id, leaving.Id), (published!.WorkerId, published.PreviousWorkerId));
    }

    [Fact]
    public async Task A_reopened_case_whose_worker_left_and_nobody_has_room_for_is_queued_and_Case_is_told_they_are_no_longer_accountable()
    {
        var (leaving, caseId, _) = await AssignedCaseAsync(capacity: 3, closedAtVersion: 3);
        var stored = (await fixture.Store.GetAsync<Worker>(leaving.Id))!;
        await using (var session = fixture.Store.OpenSession())
        {
            session.Update(stored.Id, stored.Document with { Availability = WorkerAvailability.Left }, stored.Version);
            await session.CommitAsync();
        }
        var reopened = Guid.NewGuid();
        await fixture.PublishAsync(new CaseReopened(caseId, "Back in touch", "user-1", DateTimeOffset.UtcNow, CaseVersion: 4), reopened);
        await fixture.Consumed.WaitForAsync<CaseReopened>(reopened);

        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(caseId)).Status);
        var unassigned = await Eventually.Until(() => Task.FromResult(fixture.Unassigned.FirstOrDefault(e => e.CaseId == caseId)), e => e is not null,
            what: "CaseUnassigned for the reopened case");
        Assert.Equal((leaving.Id, 2L), (unassigned!.WorkerId, unassigned.Sequence));
        Assert.Equal(0, (await fixture.WorkerAsync(leaving.Id)).Load.OpenCases);
    }

    [Fact]
    public async Task A_case_closed_before_its_CaseOpened_arrives_is_never_assigned()
    {
        var team = AssignmentFixture.NewTeam();
        var worker = NewWorker(team, capacity: 3);
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        var closedMessage = Guid.NewGuid();
        var openedMessage = Guid.NewGuid();

        await fixture.PublishAsync(new CaseClosed(caseId, "housing-support", "Withdrawn", [], "user-1", DateTimeOffset.UtcNow), closedMessage);
        await fixture.Consumed.WaitForAsync<CaseClosed>(closedMessage);
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team), openedMessage);
        await fixture.Consumed.WaitForAsync<CaseOpened>(openedMessage);

        Assert.Equal(0, (await fixture.WorkerAsync(worker.Id)).Load.OpenCases);
        Assert.Equal(0, await fixture.OutboxCountAsync(nameof(CaseAssigned), caseId));
    }

    [Fact]
    public async Task A_case_nobody_has_room_for_waits_in_the_queue_and_never_goes_over_capacity()
    {
        var team = AssignmentFixture.NewTeam();
        var over = NewWorker(team, capacity: 1, open: 2);   // -2 h free
        var full = NewWorker(team, capacity: 2, open: 2);   // 0 h free
        var away = AssignmentFixture.NewWorker(team, 40m, availability: WorkerAvailability.Away);
        await fixture.AddWorkersAsync(over, full, away);
        var caseId = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team), messageId);
        await fixture.Consumed.WaitForAsync<CaseOpened>(messageId);

        var queued = await fixture.OpenAssignmentAsync(caseId);
        Assert.Equal((AssignmentStatus.Unassigned, (string?)null, 2m), (queued.Status, queued.WorkerId, queued.Hours));
        Assert.Equal(2, (await fixture.WorkerAsync(full.Id)).Load.OpenCases);
        Assert.Equal(2, (await fixture.WorkerAsync(over.Id)).Load.OpenCases);
        Assert.Equal(0, (await fixture.WorkerAsync(away.Id)).Load.OpenCases);
        Assert.Equal(0, await fixture.OutboxCountAsync(nameof(CaseAssigned), caseId));
    }

    [Fact]
    public async Task A_case_of_a_team_without_workers_is_listed_as_unassigned_and_nothing_is_published()
    {
        var team = AssignmentFixture.NewTeam();
        var caseId = Guid.NewGuid();
        var messageId = Guid.NewGuid();

        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team), messageId);
        await fixture.Consumed.WaitForAsync<CaseOpened>(messageId);

        using var supervisor = fixture.Staff("supervisor", team);
        var unassigned = await supervisor.GetFromJsonAsync<Page<AssignmentView>>("/api/assignment/unassigned");
        var view = Assert.Single(unassigned!.Items);
        Assert.Equal(caseId, view.CaseId);
        Assert.Equal(AssignmentStatus.Unassigned, view.Status);
        Assert.Null(view.WorkerId);
        var asCase = await supervisor.GetFromJsonAsync<AssignmentView>($"/api/assignment/cases/{caseId}");
        Assert.Equal((AssignmentStatus.Unassigned, (string?)null), (asCase!.Status, asCase.WorkerId));
        Assert.Equal(0, await fixture.OutboxCountAsync(nameof(CaseAssigned), caseId));

        // Another team's supervisor does not see it.
        using var other = fixture.Staff("supervisor", AssignmentFixture.NewTeam());
        Assert.Empty((await other.GetFromJsonAsync<Page<AssignmentView>>("/api/assignment/unassigned"))!.Items);
    }
}
