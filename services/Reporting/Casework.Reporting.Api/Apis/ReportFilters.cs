using Casework.ServiceDefaults;

namespace Casework.Reporting.Apis;

/// <summary>The team and pathway filters every report takes, and whose teams' figures the caller may see.</summary>
internal static class ReportFilters
{
    /// <summary>
    /// Checks the optional filters (given means meant: a blank one is a 400, not "all") with whatever else
    /// <paramref name="errors"/> already holds, and that the caller may see the team (supervisors: their own only, 403).
    /// <paramref name="teams"/>: the teams the figures cover (null: every team).
    /// </summary>
    public static IResult? Check(HttpContext http, ValidationErrors errors, string? teamId, string? pathwayId, out IReadOnlyList<string>? teams)
    {
        teams = null;
        if (teamId is not null)
        {
            errors.Required("teamId", teamId, 100);
        }
        if (pathwayId is not null)
        {
            errors.Required("pathwayId", pathwayId, 100);
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var user = http.User;
        if (teamId is not null && !user.SeesAllTeams() && !user.Teams().Contains(teamId, StringComparer.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "You cannot see this team.",
                detail: "Supervisors see the figures of their own teams only.");
        }
        teams = teamId is not null ? [teamId] : user.SeesAllTeams() ? null : user.Teams();
        return null;
    }
}
