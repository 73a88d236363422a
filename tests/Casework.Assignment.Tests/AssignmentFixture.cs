using System.Collections.Concurrent;
using System.Net.Http.Json;
using Casework.Assignment.Apis;
using Casework.Assignment.Domain;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using MassTransit;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Casework.Assignment.Tests;

[CollectionDefinition(Name)]
public sealed class AssignmentCollection : ICollectionFixture<AssignmentFixture>
{
    public const string Name = "assignment service";
}

/// <summary>
/// One real Assignment service for the whole assembly: its own database, the test-assignment vhost,
/// the demo workers seeded. Tests use teams of their own so they never share workers.
/// </summary>
public sealed class AssignmentFixture() : ServiceFixture<Program>("assignment", "test-assignment", new Dictionary<string, string?>
{
    ["Seed:DemoDataPath"] = TestEnvironment.DemoDataPath,
})
{
    public const string Audience = "casework-assignment";
    public const string Scope = "assignment";

    private HostReceiveEndpointHandle? _observer;

    /// <summary>What the service published, as another service's queue receives it.</summary>
    public ConcurrentQueue<CaseAssigned> Assigned { get; } = new();
    public ConcurrentQueue<WorkerCapacityChanged> CapacityChanges { get; } = new();
    public ConcurrentQueue<CaseUnassigned> Unassigned { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _observer = Bus.ConnectReceiveEndpoint("assignment-tests-observer", endpoint =>
        {
            if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                rabbit.AutoDelete = true;
            }
            endpoint.Handler<CaseAssigned>(context =>
            {
                Assigned.Enqueue(context.Message);
                return Task.CompletedTask;
            });
            endpoint.Handler<WorkerCapacityChanged>(context =>
            {
                CapacityChanges.Enqueue(context.Message);
                return Task.CompletedTask;
            });
            endpoint.Handler<CaseUnassigned>(context =>
            {
                Unassigned.Enqueue(context.Message);
                return Task.CompletedTask;
            });
        });
        await _observer.Ready;
    }

    public override async Task DisposeAsync()
    {
        if (_observer is not null)
        {
            await _observer.StopAsync();
        }
        await base.DisposeAsync();
    }

    public static string NewTeam() => "team-" + Guid.NewGuid().ToString("N")[..10];

    public HttpClient Caseworker(params string[] teams) => Staff("caseworker", teams);

    public HttpClient Staff(string role, params string[] teams) => Factory.CreateClient(StaffToken(role, teams));

    public string StaffToken(string role, params string[] teams) =>
        TestTokens.Staff("user-" + Guid.NewGuid().ToString("N")[..8], "Test " + role, [role], teams, [Audience], Scope);

    /// <summary>A worker of <paramref name="team"/> (Available, every pathway) carrying <paramref name="mediumCases"/> Medium cases of 2 hours.</summary>
    public static Worker NewWorker(string team, decimal capacityHours, int mediumCases = 0, string? name = null, string availability = WorkerAvailability.Available,
        IReadOnlyList<string>? pathways = null) => new()
    {
        Id = "w-" + Guid.NewGuid().ToString("N")[..10],
        Name = name ?? $"Worker {capacityHours}h",
        TeamIds = [team],
        CapacityHours = capacityHours,
        Availability = availability,
        PathwayIds = pathways ?? [],
        Load = new WorkerLoad(mediumCases, mediumCases * 2m, 0, mediumCases, 0, 0),
    };

    /// <summary>Adds workers straight to the store (tests that are not about the workers API).</summary>
    public async Task AddWorkersAsync(params Worker[] workers)
    {
        await using var session = Store.OpenSession();
        foreach (var worker in workers)
        {
            session.Insert(worker.Id, worker);
        }
        await session.CommitAsync();
    }

    /// <summary>The cases a worker is accountable for now, from the assignments.</summary>
    public async Task<IReadOnlyList<Guid>> ActiveCaseIdsAsync(string workerId)
    {
        var page = await Store.QueryAsync<CaseAssignment>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("workerId", workerId).Equal("status", AssignmentStatus.Active),
            Limit = 500,
        });
        return page.Items.Select(a => a.Document.CaseId).ToList();
    }

    public async Task<Worker> WorkerAsync(string id) => (await Store.GetAsync<Worker>(id))?.Document ?? throw new InvalidOperationException($"No worker {id}");

    public static CaseOpened Opened(Guid caseId, string teamId, string concernLevel = "Medium", string pathwayId = "housing-support") =>
        new(caseId, Guid.NewGuid(), Guid.NewGuid(), pathwayId, teamId, concernLevel, DateTimeOffset.UtcNow);

    /// <summary>Waits until the case has an active worker, as the API shows it to a manager.</summary>
    public async Task<AssignmentView> ActiveAssignmentAsync(Guid caseId)
    {
        using var manager = Staff("manager");
        return (await Eventually.Until(
            async () => await AssignmentOrNullAsync(manager, caseId),
            view => view is { Status: AssignmentStatus.Active },
            what: $"case {caseId} to be assigned"))!;
    }

    /// <summary>Waits until the case is open here, assigned or queued.</summary>
    public async Task<AssignmentView> OpenAssignmentAsync(Guid caseId)
    {
        using var manager = Staff("manager");
        return (await Eventually.Until(
            async () => await AssignmentOrNullAsync(manager, caseId),
            view => view is not null,
            what: $"case {caseId} to be open here"))!;
    }

    /// <summary>The assignment's ETag as GET /cases/{caseId} gives it.</summary>
    public async Task<string> AssignmentETagAsync(Guid caseId)
    {
        using var manager = Staff("manager");
        using var response = await manager.GetAsync($"/api/assignment/cases/{caseId}");
        response.EnsureSuccessStatusCode();
        return response.Headers.ETag!.Tag;
    }

    /// <summary>A team with settings (hours per case: Low 1, Medium 2, High 3, Critical 5 unless given), stored directly.</summary>
    public async Task<string> AddTeamAsync(ConcernHours? hours = null, params string[] pathways)
    {
        var team = new Team(NewTeam(), "Team", pathways, hours ?? ConcernHours.Default);
        await using var session = Store.OpenSession();
        session.Insert(team.Id, team);
        await session.CommitAsync();
        return team.Id;
    }

    private static async Task<AssignmentView?> AssignmentOrNullAsync(HttpClient client, Guid caseId)
    {
        var response = await client.GetAsync($"/api/assignment/cases/{caseId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<AssignmentView>() : null;
    }

    /// <summary>Outbox rows (events the service committed) of a type for a case.</summary>
    public async Task<long> OutboxCountAsync(string type, Guid caseId) =>
        await Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = $1 AND payload->>'caseId' = $2", type, caseId.ToString());
}
