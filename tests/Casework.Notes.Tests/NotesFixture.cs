extern alias CaseApi;

using Casework.Contracts.Events;
using Casework.Contracts.Grpc.Case.V1;
using Casework.Persistence;
using Casework.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using CaseProgram = CaseApi::Program;
using SupportCase = CaseApi::Casework.Case.Domain.SupportCase;

namespace Casework.Notes.Tests;

/// <summary>
/// The Notes service, whose Case gRPC client (with its user-token forwarding and deadline, as the
/// service registers it) reaches the in-process Case test server instead of the network.
/// </summary>
public sealed class NotesFactory(TestDatabase database, string vhost, IReadOnlyDictionary<string, string?> settings, Func<HttpMessageHandler> caseHandler)
    : ServiceFactory<Program>(database, vhost, settings)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Same named client as AddUserForwardingGrpcClient registered: only its primary handler changes.
        builder.ConfigureTestServices(services => services
            .AddGrpcClient<CaseQueries.CaseQueriesClient>()
            .ConfigurePrimaryHttpMessageHandler(caseHandler));
    }
}

/// <summary>
/// Both real services on vhost test-notes, each with a fresh database: Case (pathways seeded, cases opened
/// by ReferralAccepted on its bus) and Notes (<see cref="ServiceFixture{TProgram}.Factory"/>), which asks
/// Case over gRPC whether the user may see a case.
/// </summary>
public sealed class NotesFixture() : ServiceFixture<Program>("notes", Vhost)
{
    public const string Vhost = "test-notes";
    public static readonly string[] Audiences = ["casework-notes", "casework-case"];

    private TestDatabase _caseDatabase = null!;

    public ServiceFactory<CaseProgram> Case { get; private set; } = null!;
    private IDocumentStore CaseStore => Case.Services.GetRequiredService<IDocumentStore>();
    private IBus CaseBus => Case.Services.GetRequiredService<IBus>();

    public override async Task InitializeAsync()
    {
        // Case first: Notes is configured with its address.
        _caseDatabase = await TestDatabase.CreateAsync("notes_case");
        Case = new ServiceFactory<CaseProgram>(_caseDatabase, Vhost, new Dictionary<string, string?>
        {
            ["Seed:DemoDataPath"] = TestEnvironment.DemoDataPath,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _ = Case.Server;
        await base.InitializeAsync();
    }

    protected override ServiceFactory<Program> CreateFactory(TestDatabase database) =>
        new NotesFactory(database, Vhost, new Dictionary<string, string?>
        {
            ["Services:Case:Grpc"] = Case.Server.BaseAddress.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
            // As in the local run: managers read restricted notes in this region.
            ["Notes:RestrictedNotes:ReaderRoles:0"] = "manager",
            ["Seed:DemoDataPath"] = TestEnvironment.DemoDataPath,
        }, () => Case.Server.CreateHandler());

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Case is not null)
        {
            await Case.DisposeAsync();
        }
        if (_caseDatabase is not null)
        {
            await _caseDatabase.DisposeAsync();
        }
    }

    public static string Staff(string subject, string role, params string[] teams) =>
        TestTokens.Staff(subject, subject + " name", [role], teams, Audiences, "notes cases");

    public HttpClient Client(string subject, string role, params string[] teams) => Factory.CreateClient(Staff(subject, role, teams));

    /// <summary>
    /// Opens a case in Case (as Intake would, by ReferralAccepted), optionally assigns it, and waits until Case and Notes' own
    /// case record (from CaseOpened and CaseAssigned) have applied both.
    /// </summary>
    public async Task<Guid> OpenCaseAsync(string pathwayId = "housing-support", string? assignedWorker = null)
    {
        var accepted = new ReferralAccepted(Guid.NewGuid(), Guid.NewGuid(), "Ada Lovelace", pathwayId, "High", "intake-worker", DateTimeOffset.UtcNow);
        await CaseBus.Publish(accepted, context => context.MessageId = NewId.NextGuid());
        var opened = await Eventually.Until(
            () => CaseStore.QueryAsync<SupportCase>(new DocumentQuery { Filter = new DocumentFilter().Equal("referralId", accepted.ReferralId.ToString()) }),
            page => page.Total > 0, what: "Case to open the case");
        var caseId = opened.Items[0].Document.Id;
        if (assignedWorker is not null)
        {
            var team = opened.Items[0].Document.TeamId;
            await CaseBus.Publish(new CaseAssigned(caseId, assignedWorker, assignedWorker + " name", team, DateTimeOffset.UtcNow, Sequence: 100),
                context => context.MessageId = NewId.NextGuid());
            await Eventually.Until(() => CaseStore.GetAsync<SupportCase>(caseId.ToString()),
                stored => stored!.Document.AssignedWorkerId == assignedWorker, what: "Case to assign the worker");
        }
        await Eventually.Until(() => Store.GetAsync<Domain.CaseRecord>(caseId.ToString()),
            record => record?.Document.TeamId is not null && (assignedWorker is null || record.Document.AssignedWorkerId == assignedWorker),
            what: "Notes to record the case");
        return caseId;
    }

    /// <summary>Gives the case a support-plan goal (written straight into Case's store: Case's own tests cover its goal API).</summary>
    public async Task<Guid> AddGoalAsync(Guid caseId)
    {
        var goalId = Guid.NewGuid();
        var stored = (await CaseStore.GetAsync<SupportCase>(caseId.ToString()))!;
        await using var session = CaseStore.OpenSession();
        session.Update(stored.Id, stored.Document with
        {
            Goals = [.. stored.Document.Goals, new CaseApi::Casework.Case.Domain.Goal(goalId, "Keep the tenancy", null, "InProgress", [], [], "test", DateTimeOffset.UtcNow)],
        }, stored.Version);
        await session.CommitAsync();
        return goalId;
    }

    /// <summary>
    /// Reassigns the case in Case's store only, as if the CaseAssigned event had not reached Notes yet: Notes' own copy of the
    /// case still names the previous worker.
    /// </summary>
    public async Task ReassignInCaseOnlyAsync(Guid caseId, string workerId)
    {
        var stored = (await CaseStore.GetAsync<SupportCase>(caseId.ToString()))!;
        await using var session = CaseStore.OpenSession();
        session.Update(stored.Id, stored.Document with { AssignedWorkerId = workerId, AssignedWorkerName = workerId + " name" }, stored.Version);
        await session.CommitAsync();
    }

    /// <summary>Closes the case through Case's API (as its supervisor): Notes hears it from Case's answer to CheckAccess.</summary>
    public async Task CloseCaseAsync(Guid caseId)
    {
        using var supervisor = Case.CreateClient(Staff("sup-closer", "supervisor", "housing", "employment"));
        using var read = await supervisor.GetAsync($"/api/cases/{caseId}");
        read.EnsureSuccessStatusCode();
        using var closed = await supervisor.PostJsonAsync($"/api/cases/{caseId}/close",
            new { reason = "Moved out of area", outcomes = new[] { "referred-on" }, summary = "Referred to the new area's service." },
            ("If-Match", read.Headers.ETag!.Tag));
        await closed.JsonAsync(System.Net.HttpStatusCode.OK);
    }

    public async Task<IReadOnlyList<Casework.ServiceDefaults.AuditEntry>> AuditOfAsync(Guid noteId) =>
        (await Store.QueryAsync<Casework.ServiceDefaults.AuditEntry>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("recordId", noteId.ToString()),
            OrderBy = "at",
        })).Items.Select(i => i.Document).ToList();

    public async Task<long> NotesOfCaseAsync(Guid caseId) =>
        (await Store.QueryAsync<Domain.CaseNote>(new DocumentQuery { Filter = new DocumentFilter().Equal("caseId", caseId.ToString()), Limit = 1 })).Total;
}

[CollectionDefinition(Name)]
public sealed class NotesCollection : ICollectionFixture<NotesFixture>
{
    public const string Name = "notes";
}
