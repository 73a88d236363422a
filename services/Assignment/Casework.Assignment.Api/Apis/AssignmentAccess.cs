using System.Security.Claims;
using Casework.ServiceDefaults;

namespace Casework.Assignment.Apis;

/// <summary>
/// Who may do what here. Caseworkers see their teams' workers and cases; supervisors also oversee and assign within
/// their teams; managers and admins do so everywhere (and alone edit teams and workers); auditors see everything and
/// change nothing.
/// </summary>
internal static class AssignmentAccess
{
    public static readonly string[] Assigners = [CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin];

    public static readonly string[] Overseers = [CaseworkRoles.Supervisor, CaseworkRoles.Manager, CaseworkRoles.Admin, CaseworkRoles.Auditor];

    public static readonly string[] Administrators = [CaseworkRoles.Manager, CaseworkRoles.Admin];

    public static bool CanSeeTeam(ClaimsPrincipal user, string teamId) => user.SeesAllTeams() || user.Teams().Contains(teamId, StringComparer.Ordinal);

    /// <summary>
    /// The worker themself, anyone sharing a team with them, and those who see every team. A worker the caller cannot
    /// see is answered as no worker at all, wherever they are named (nothing about their team, availability or hours).
    /// </summary>
    public static bool CanSeeWorker(ClaimsPrincipal user, Domain.Worker worker) =>
        user.SeesAllTeams() || worker.Id == user.SubjectId() || worker.TeamIds.Any(t => CanSeeTeam(user, t));

    public static bool IsAdministrator(ClaimsPrincipal user) => user.IsInAnyRole(Administrators);

    /// <summary>Assign, unassign, hand over and set availability in <paramref name="teamId"/>.</summary>
    public static bool CanAssignIn(ClaimsPrincipal user, string teamId) =>
        IsAdministrator(user) || (user.IsInRole(CaseworkRoles.Supervisor) && user.Teams().Contains(teamId, StringComparer.Ordinal));

    /// <summary>Override a worker's capacity: people who answer for the team's workload, not the system's admins.</summary>
    public static bool CanOverrideCapacity(ClaimsPrincipal user) => user.IsInRole(CaseworkRoles.Supervisor) || user.IsInRole(CaseworkRoles.Manager);

    /// <summary>The supervisor views of <paramref name="teamId"/> (caseload, queue, overdue reviews).</summary>
    public static bool CanOversee(ClaimsPrincipal user, string teamId) =>
        user.SeesAllTeams() || (user.IsInRole(CaseworkRoles.Supervisor) && user.Teams().Contains(teamId, StringComparer.Ordinal));

    public static IResult NotFound(string title) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title);

    public static IResult Forbidden(string title, string? detail = null) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail);

    public static IResult ForbiddenTeam() => Forbidden("You cannot see this team.", "Caseworkers and supervisors see only their own teams.");
}
