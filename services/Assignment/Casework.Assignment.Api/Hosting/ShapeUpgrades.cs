using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Contracts;
using Casework.Persistence;

namespace Casework.Assignment.Hosting;

/// <summary>
/// Workers stored before hours (one <c>teamId</c>, <c>capacity</c> as a count of cases, <c>openCases</c>) become
/// current: their team as a list and their capacity in hours, as that many Medium cases of their team's table. Their
/// load is set afterwards from their assignments (<see cref="StoredDataAtStart"/>).
/// </summary>
public sealed class WorkerShapeUpgrade : IDocumentUpgrade<Worker>
{
    public string MarkerField => "teamIds";

    public async Task<Worker> UpgradeAsync(Worker worker, IDocumentSession session, CancellationToken cancellationToken)
    {
        var teamId = worker.LegacyTeamId ?? "";
        var medium = (await session.HoursOfTeamAsync(teamId, cancellationToken)).Medium;
        return worker with
        {
            TeamIds = teamId == "" ? [] : [teamId],
            CapacityHours = (worker.LegacyCaseCapacity ?? 0) * medium,
            LegacyTeamId = null,
            LegacyCaseCapacity = null,
            LegacyOpenCases = null,
        };
    }
}

/// <summary>
/// Assignments stored before hours get a concern level (Medium: the level is not known here until the case's next
/// ConcernLevelChanged), its hours by their team's table as it is now (the default table for a team without
/// settings), and a sequence of 1 if they ever had a worker (their first CaseAssigned went out with 0, which
/// consumers always apply).
/// </summary>
public sealed class AssignmentShapeUpgrade : IDocumentUpgrade<CaseAssignment>
{
    public string MarkerField => "concernLevel";

    public async Task<CaseAssignment> UpgradeAsync(CaseAssignment assignment, IDocumentSession session, CancellationToken cancellationToken) =>
        (await session.WeighAsync(assignment with { ConcernLevel = ConcernLevels.Medium }, cancellationToken)) with
        {
            Sequence = Math.Max(assignment.Sequence, assignment.WorkerId is null ? 0 : 1),
        };
}

/// <summary>
/// Brings the stored data in line with the current code before the service takes traffic or consumes a message
/// (registered before the seeder and the bus, and run to the end, synchronously, in batches): assignments stored
/// before hours first (weighed and their hours stored), then workers stored before hours, then, when anything was
/// upgraded, every worker's load set to the sum of their Active assignments. Afterwards no old-format document remains,
/// so nothing else has to expect one; and a load that had drifted from its assignments is corrected (with WorkerCapacityChanged).
/// </summary>
public sealed class StoredDataAtStart(
    IDocumentStore store, IDocumentUpgrade<CaseAssignment> assignments, IDocumentUpgrade<Worker> workers, IServiceScopeFactory scopes,
    ILogger<StoredDataAtStart> logger, ILogger<DocumentUpgrader<CaseAssignment>> assignmentLogger, ILogger<DocumentUpgrader<Worker>> workerLogger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await RunAsync(cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var upgradedAssignments = await new DocumentUpgrader<CaseAssignment>(store, assignments, assignmentLogger).UpgradeAllAsync(cancellationToken);
        var upgradedWorkers = await new DocumentUpgrader<Worker>(store, workers, workerLogger).UpgradeAllAsync(cancellationToken);
        if (upgradedAssignments + upgradedWorkers == 0)
        {
            // Every path keeps loads in step with the assignments: recounting them all (every open assignment read) on every
            // start would make start-up grow with the caseload for nothing. POST /workers/{id}/recount repairs one worker.
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        var recount = scope.ServiceProvider.GetRequiredService<LoadRecount>();
        var recounted = 0;
        foreach (var worker in await store.QueryAllAsync<Worker>(new DocumentFilter(), cancellationToken))
        {
            if (await recount.RecountAsync(worker.Id, cancellationToken) is { } after && after.Load != worker.Document.Load)
            {
                recounted++;
            }
        }
        await scope.ServiceProvider.GetRequiredService<CapacityUnit>().FillFreedAsync(cancellationToken);
        logger.LogInformation("Stored data at start: {Assignments} assignments and {Workers} workers upgraded; {Recounted} workers' loads set from their assignments",
            upgradedAssignments, upgradedWorkers, recounted);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
