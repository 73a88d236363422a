using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Contracts;
using Casework.Persistence;

namespace Casework.Assignment.Hosting;

/// <summary>
/// Workers stored before hours (one <c>teamId</c>, <c>capacity</c> as a count of cases, <c>openCases</c>) become
/// current: their team as a list, and counts turned into hours as if every case were Medium (cases stored before
/// levels were kept are weighed as Medium too, see <see cref="AssignmentShapeUpgrade"/>), by their team's table.
/// The load stays equal to what their assignments hold.
/// </summary>
public sealed class WorkerShapeUpgrade : IDocumentUpgrade<Worker>
{
    public string MarkerField => "teamIds";

    public async Task<Worker> UpgradeAsync(Worker worker, IDocumentSession session, CancellationToken cancellationToken)
    {
        var teamId = worker.LegacyTeamId ?? "";
        var medium = (await session.HoursOfTeamAsync(teamId, cancellationToken)).Medium;
        var open = worker.LegacyOpenCases ?? 0;
        return worker with
        {
            TeamIds = teamId == "" ? [] : [teamId],
            CapacityHours = (worker.LegacyCaseCapacity ?? 0) * medium,
            Load = new WorkerLoad(open, open * medium, 0, open, 0, 0),
            LegacyTeamId = null,
            LegacyCaseCapacity = null,
            LegacyOpenCases = null,
        };
    }
}

/// <summary>
/// Assignments stored before hours get a concern level (Medium: the level is not known here until the case's next
/// ConcernLevelChanged) and its hours by the team's table, and a sequence of 1 if they ever had a worker (their
/// first CaseAssigned went out with 0, which consumers always apply).
/// </summary>
public sealed class AssignmentShapeUpgrade : IDocumentUpgrade<CaseAssignment>
{
    public string MarkerField => "concernLevel";

    public async Task<CaseAssignment> UpgradeAsync(CaseAssignment assignment, IDocumentSession session, CancellationToken cancellationToken) =>
        Upgraded(assignment, await session.HoursOfTeamAsync(assignment.TeamId, cancellationToken));

    public CaseAssignment Upgraded(CaseAssignment assignment, ConcernHours teamHours) => assignment with
    {
        ConcernLevel = ConcernLevels.Medium,
        Hours = teamHours.Medium,
        Sequence = Math.Max(assignment.Sequence, assignment.WorkerId is null ? 0 : 1),
    };
}

/// <summary>
/// Upgrades the stored workers before the service takes traffic or consumes a message (registered before the bus):
/// a worker still in the old shape would be in no team and, once written by a consumer, look current to the
/// background upgrader. Workers are few, so start-up waits a moment at most, once.
/// </summary>
public sealed class WorkerUpgradeAtStart(IDocumentStore store, IDocumentUpgrade<Worker> upgrade, ILogger<DocumentUpgrader<Worker>> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await new DocumentUpgrader<Worker>(store, upgrade, logger).UpgradeAllAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
