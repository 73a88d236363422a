using Casework.Assignment.Apis;
using Casework.Assignment.Domain;
using Casework.Contracts.Grpc.Assignment.V1;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Grpc.Core;

namespace Casework.Assignment.Grpc;

/// <summary>
/// The current worker of a case and the caseload of a worker, for other services, answered for the
/// forwarded end user: staff only, and only for teams that user can see.
/// </summary>
public sealed class AssignmentQueriesService(IDocumentStore store) : AssignmentQueries.AssignmentQueriesBase
{
    public override async Task<CurrentWorker> GetCurrentWorker(GetCurrentWorkerRequest request, ServerCallContext context)
    {
        var user = RequireStaff(context);
        var assignment = Guid.TryParse(request.CaseId, out var caseId)
            ? await store.GetAsync<CaseAssignment>(CaseAssignment.DocumentId(caseId), context.CancellationToken)
            : null;
        if (assignment is null || !AssignmentAccess.CanSeeTeam(user, assignment.Document.TeamId))
        {
            throw new RpcException(new Status(StatusCode.NotFound, "No such case."));
        }
        var a = assignment.Document;
        var active = a.Status == AssignmentStatus.Active;
        return new CurrentWorker
        {
            CaseId = a.CaseId.ToString(),
            WorkerId = active ? a.WorkerId ?? "" : "",
            WorkerName = active ? a.WorkerName ?? "" : "",
            TeamId = a.TeamId,
        };
    }

    public override async Task<Caseload> GetCaseload(GetCaseloadRequest request, ServerCallContext context)
    {
        var user = RequireStaff(context);
        var worker = string.IsNullOrEmpty(request.WorkerId) ? null : await store.GetAsync<Worker>(request.WorkerId, context.CancellationToken);
        if (worker is null || (worker.Id != user.SubjectId() && !worker.Document.TeamIds.Any(team => AssignmentAccess.CanSeeTeam(user, team))))
        {
            throw new RpcException(new Status(StatusCode.NotFound, "No such worker."));
        }
        var w = worker.Document;
        var caseload = new Caseload
        {
            WorkerId = worker.Id,
            CapacityHours = Hours(w.CapacityHours),
            LoadHours = Hours(w.Load.Hours),
            FreeHours = Hours(w.FreeHours),
            Availability = w.Availability,
        };
        var active = await store.QueryAllAsync<CaseAssignment>(
            new DocumentFilter().Equal("workerId", worker.Id).Equal("status", AssignmentStatus.Active), context.CancellationToken);
        caseload.CaseIds.AddRange(active.Select(a => a.Document.CaseId.ToString()));
        return caseload;
    }

    private static string Hours(decimal hours) => hours.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static System.Security.Claims.ClaimsPrincipal RequireStaff(ServerCallContext context)
    {
        var user = context.GetHttpContext().User;
        return CaseworkRoles.Staff.Any(user.IsInRole)
            ? user
            : throw new RpcException(new Status(StatusCode.PermissionDenied, "Only staff can look up assignments."));
    }
}
