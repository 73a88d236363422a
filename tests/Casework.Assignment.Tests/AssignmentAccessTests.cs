using System.Net;
using System.Net.Http.Json;
using Casework.Assignment.Apis;
using Casework.Assignment.Domain;
using Casework.Assignment.Hosting;
using Casework.Contracts.Events;
using Casework.Contracts.Grpc.Assignment.V1;
using Casework.Persistence;
using Casework.Testing;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Casework.Assignment.Tests;

[Collection(AssignmentCollection.Name)]
public sealed class AssignmentAccessTests(AssignmentFixture fixture)
{
    private async Task<(string Team, Worker Worker, Guid CaseId)> AssignedCaseAsync()
    {
        var team = AssignmentFixture.NewTeam();
        var worker = AssignmentFixture.NewWorker(team, 10m, name: "Access Worker");
        await fixture.AddWorkersAsync(worker);
        var caseId = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team));
        await fixture.ActiveAssignmentAsync(caseId);
        return (team, worker, caseId);
    }

    [Fact]
    public async Task A_caseworker_sees_the_worker_of_a_case_of_their_team_but_gets_404_for_another_team()
    {
        var (team, worker, caseId) = await AssignedCaseAsync();

        using var own = fixture.Caseworker(team);
        var response = await own.GetAsync($"/api/assignment/cases/{caseId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(worker.Id, (await response.Content.ReadFromJsonAsync<AssignmentView>())!.WorkerId);
        Assert.NotNull(response.Headers.ETag);

        using var other = fixture.Caseworker(AssignmentFixture.NewTeam());
        var hidden = await other.GetAsync($"/api/assignment/cases/{caseId}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(worker.Id, await hidden.Content.ReadAsStringAsync());

        using var unknown = fixture.Caseworker(team);
        Assert.Equal(HttpStatusCode.NotFound, (await unknown.GetAsync($"/api/assignment/cases/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_the_api_answers_401()
    {
        using var anonymous = fixture.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/assignment/workers")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/assignment/cases/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/assignment/unassigned")).StatusCode);
    }

    [Fact]
    public async Task A_partner_token_gets_403_even_with_the_scope()
    {
        var (_, _, caseId) = await AssignedCaseAsync();
        using var partner = fixture.Factory.CreateClient(TestTokens.Partner("partner-shelter", [AssignmentFixture.Audience], AssignmentFixture.Scope));
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync("/api/assignment/workers")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await partner.GetAsync($"/api/assignment/cases/{caseId}")).StatusCode);
    }

    [Fact]
    public async Task A_staff_token_without_the_assignment_scope_or_for_another_audience_is_refused()
    {
        using var noScope = fixture.Factory.CreateClient(
            TestTokens.Staff("u1", "No Scope", ["manager"], [], [AssignmentFixture.Audience], "intake"));
        Assert.Equal(HttpStatusCode.Forbidden, (await noScope.GetAsync("/api/assignment/workers")).StatusCode);

        using var wrongAudience = fixture.Factory.CreateClient(
            TestTokens.Staff("u1", "Wrong Audience", ["manager"], [], ["casework-intake"], AssignmentFixture.Scope));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrongAudience.GetAsync("/api/assignment/workers")).StatusCode);
    }

    [Fact]
    public async Task Caseworkers_see_their_teams_workers_and_managers_see_every_team()
    {
        var teamA = AssignmentFixture.NewTeam();
        var teamB = AssignmentFixture.NewTeam();
        var a = AssignmentFixture.NewWorker(teamA, 8m, name: "A");
        var b = AssignmentFixture.NewWorker(teamB, 8m, name: "B");
        await fixture.AddWorkersAsync(a, b);

        using var caseworker = fixture.Caseworker(teamA);
        var mine = await caseworker.GetFromJsonAsync<Page<WorkerView>>("/api/assignment/workers");
        Assert.Equal([a.Id], mine!.Items.Select(w => w.Id));
        Assert.Equal(HttpStatusCode.Forbidden, (await caseworker.GetAsync($"/api/assignment/workers?teamId={teamB}")).StatusCode);

        using var manager = fixture.Staff("manager");
        var all = await manager.GetFromJsonAsync<Page<WorkerView>>("/api/assignment/workers?limit=200");
        Assert.Contains(all!.Items, w => w.Id == a.Id);
        Assert.Contains(all.Items, w => w.Id == b.Id);
        var onlyB = await manager.GetFromJsonAsync<Page<WorkerView>>($"/api/assignment/workers?teamId={teamB}");
        Assert.Equal([b.Id], onlyB!.Items.Select(w => w.Id));
    }

    [Fact]
    public async Task Bad_paging_gets_a_problem_naming_the_field()
    {
        using var manager = fixture.Staff("manager");
        var response = await manager.GetAsync("/api/assignment/workers?limit=0&offset=-1");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"limit\"", body);
        Assert.Contains("\"offset\"", body);
    }

    [Fact]
    public async Task The_demo_workers_are_seeded_once_and_seeding_again_keeps_their_caseload()
    {
        const string alice = "6f1c2a1e-0a01-4c1e-9a01-000000000001";
        using var caseworker = fixture.Caseworker("housing");
        var housing = await caseworker.GetFromJsonAsync<Page<WorkerView>>("/api/assignment/workers?teamId=housing");
        var seeded = Assert.Single(housing!.Items, w => w.Id == alice);
        Assert.Equal("Alice Adeyemi", seeded.Name);
        Assert.Equal(30m, seeded.CapacityHours);
        Assert.Equal(["housing"], seeded.TeamIds);
        Assert.Contains(housing.Items, w => w.Name == "Hamid Karimi" && w.CapacityHours == 20m);

        // Give Alice a case, then run the seeder again as a restart would.
        var stored = (await fixture.Store.GetAsync<Worker>(alice))!;
        await using (var session = fixture.Store.OpenSession())
        {
            session.Update(alice, stored.Document.Take("High", 3m), stored.Version);
            await session.CommitAsync();
        }
        var seeder = fixture.Factory.Services.GetRequiredService<WorkerSeeder>();
        using (var demoData = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(TestEnvironment.DemoDataPath)))
        {
            await seeder.SeedAsync(demoData.RootElement, CancellationToken.None);
        }

        var after = await caseworker.GetFromJsonAsync<Page<WorkerView>>("/api/assignment/workers?teamId=housing");
        Assert.Equal(housing.Total, after!.Total);
        Assert.Equal(stored.Document.Load.OpenCases + 1, after.Items.Single(w => w.Id == alice).OpenCases);
        Assert.Equal(stored.Document.Load.Hours + 3m, after.Items.Single(w => w.Id == alice).LoadHours);
        Assert.Equal(stored.Version + 1, (await fixture.Store.GetAsync<Worker>(alice))!.Version);

        await using (var session = fixture.Store.OpenSession())
        {
            var current = (await fixture.Store.GetAsync<Worker>(alice))!;
            session.Update(alice, current.Document.Release("High", 3m), current.Version);
            await session.CommitAsync();
        }
    }

    [Fact]
    public async Task Seeding_publishes_team_and_worker_changes_and_a_worker_given_more_hours_takes_queued_cases()
    {
        var team = AssignmentFixture.NewTeam();
        var workerId = "seeded-" + Guid.NewGuid().ToString("N")[..8];
        var seeder = fixture.Factory.Services.GetRequiredService<WorkerSeeder>();
        async Task SeedAsync(decimal capacityHours)
        {
            using var demoData = System.Text.Json.JsonDocument.Parse($$$"""
                {"teams": [{"id": "{{{team}}}", "name": "Seeded", "pathwayIds": ["housing-support"], "hoursPerCase": {"low": 1, "medium": 2.5, "high": 3, "critical": 5}}],
                 "workers": [{"id": "{{{workerId}}}", "name": "Seeded Worker", "teamIds": ["{{{team}}}"], "capacityHours": {{{capacityHours}}}}]}
                """);
            await seeder.SeedAsync(demoData.RootElement, CancellationToken.None);
        }
        async Task<long> OutboxAsync(string type, string field, string value) =>
            await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = $1 AND payload->>$2 = $3", type, field, value);

        await SeedAsync(0m);
        Assert.Equal(1, await OutboxAsync(nameof(TeamSettingsChanged), "teamId", team));
        Assert.Equal(1, await OutboxAsync(nameof(WorkerCapacityChanged), "workerId", workerId));
        var caseId = Guid.NewGuid();
        await fixture.PublishAsync(AssignmentFixture.Opened(caseId, team));
        Assert.Equal(AssignmentStatus.Unassigned, (await fixture.OpenAssignmentAsync(caseId)).Status);

        await SeedAsync(5m);

        Assert.Equal(workerId, (await fixture.ActiveAssignmentAsync(caseId)).WorkerId);
        Assert.Equal(new WorkerLoad(1, 2.5m, 0, 1, 0, 0), (await fixture.WorkerAsync(workerId)).Load);
        Assert.Equal(1, await OutboxAsync(nameof(TeamSettingsChanged), "teamId", team)); // unchanged team: nothing published
        Assert.True(await OutboxAsync(nameof(WorkerCapacityChanged), "workerId", workerId) >= 2);
    }

    [Fact]
    public async Task Grpc_answers_the_current_worker_and_caseload_for_the_forwarded_user_only()
    {
        var (team, worker, caseId) = await AssignedCaseAsync();
        using var channel = GrpcChannel.ForAddress(fixture.Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = fixture.Factory.Server.CreateHandler() });
        var invoker = channel.CreateCallInvoker();

        var current = await CallAsync(invoker, GetCurrentWorkerMethod, new GetCurrentWorkerRequest { CaseId = caseId.ToString() }, fixture.StaffToken("caseworker", team));
        Assert.Equal(worker.Id, current.WorkerId);
        Assert.Equal(team, current.TeamId);

        var caseload = await CallAsync(invoker, GetCaseloadMethod, new GetCaseloadRequest { WorkerId = worker.Id }, fixture.StaffToken("supervisor", team));
        Assert.Equal(("10", "2", "8", "Available"), (caseload.CapacityHours, caseload.LoadHours, caseload.FreeHours, caseload.Availability));
        Assert.Equal([caseId.ToString()], caseload.CaseIds);

        var otherTeam = await Assert.ThrowsAsync<RpcException>(() =>
            CallAsync(invoker, GetCurrentWorkerMethod, new GetCurrentWorkerRequest { CaseId = caseId.ToString() }, fixture.StaffToken("caseworker", "elsewhere")));
        Assert.Equal(StatusCode.NotFound, otherTeam.StatusCode);

        var partner = await Assert.ThrowsAsync<RpcException>(() =>
            CallAsync(invoker, GetCaseloadMethod, new GetCaseloadRequest { WorkerId = worker.Id },
                TestTokens.Partner("partner-shelter", [AssignmentFixture.Audience], AssignmentFixture.Scope)));
        Assert.Equal(StatusCode.PermissionDenied, partner.StatusCode);

        var anonymous = await Assert.ThrowsAsync<RpcException>(() =>
            CallAsync(invoker, GetCaseloadMethod, new GetCaseloadRequest { WorkerId = worker.Id }, token: null));
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
    }

    // The service compiles the proto as a server only; a client call needs just the method descriptions.
    private static readonly Method<GetCurrentWorkerRequest, CurrentWorker> GetCurrentWorkerMethod =
        Unary<GetCurrentWorkerRequest, CurrentWorker>("GetCurrentWorker", GetCurrentWorkerRequest.Parser, CurrentWorker.Parser);

    private static readonly Method<GetCaseloadRequest, Caseload> GetCaseloadMethod =
        Unary<GetCaseloadRequest, Caseload>("GetCaseload", GetCaseloadRequest.Parser, Caseload.Parser);

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name, MessageParser<TRequest> request, MessageParser<TResponse> response)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse> =>
        new(MethodType.Unary, "casework.assignment.v1.AssignmentQueries", name,
            Marshallers.Create(m => m.ToByteArray(), request.ParseFrom), Marshallers.Create(m => m.ToByteArray(), response.ParseFrom));

    private static async Task<TResponse> CallAsync<TRequest, TResponse>(CallInvoker invoker, Method<TRequest, TResponse> method, TRequest request, string? token)
        where TRequest : class where TResponse : class
    {
        var headers = new Metadata();
        if (token is not null)
        {
            headers.Add("Authorization", "Bearer " + token);
        }
        return await invoker.AsyncUnaryCall(method, null, new CallOptions(headers, deadline: DateTime.UtcNow.AddSeconds(10)), request);
    }
}
