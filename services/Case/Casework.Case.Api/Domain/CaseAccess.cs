namespace Casework.Case.Domain;

/// <summary>
/// Who may see a case: staff of the case's team (caseworkers, supervisors), and managers, admins and
/// auditors of the region. Partners never see cases.
/// </summary>
public static class CaseAccess
{
    public static bool MaySee(SupportCase supportCase, CaseViewer viewer) =>
        !viewer.IsPartner && viewer.IsStaff && (viewer.SeesAllTeams || viewer.Teams.Contains(supportCase.TeamId));
}

/// <summary>What the access rule needs to know of the caller (taken from the validated token).</summary>
public sealed record CaseViewer(string? SubjectId, bool IsStaff, bool IsPartner, bool SeesAllTeams, IReadOnlyList<string> Teams);
