using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Identity.Security;

/// <summary>
/// The API scopes this server grants and the resource (token audience) each one opens. Services check
/// the audience <c>casework-{service}</c> and the scope on every request.
/// </summary>
public static class CaseworkScopes
{
    public const string Intake = "intake";
    public const string ReferralsWrite = "intake.referrals.write";
    public const string ReferralsRead = "intake.referrals.read";
    public const string Cases = "cases";
    public const string Notes = "notes";
    public const string Assignment = "assignment";
    public const string Reporting = "reporting";

    public const string IntakeResource = "casework-intake";
    public const string CaseResource = "casework-case";
    public const string NotesResource = "casework-notes";
    public const string AssignmentResource = "casework-assignment";
    public const string ReportingResource = "casework-reporting";

    /// <summary>API scope → the resources (audiences) a token granted that scope is valid for.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Resources = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Intake] = [IntakeResource],
        [ReferralsWrite] = [IntakeResource],
        [ReferralsRead] = [IntakeResource],
        [Cases] = [CaseResource],
        [Notes] = [NotesResource],
        [Assignment] = [AssignmentResource],
        [Reporting] = [ReportingResource],
    };

    /// <summary>What partner portals (client credentials) may ask for.</summary>
    public static readonly string[] Partner = [ReferralsWrite, ReferralsRead];

    /// <summary>What the staff app (code flow) may ask for, besides <c>openid</c>.</summary>
    public static readonly string[] Staff = [Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, Intake, Cases, Notes, Assignment, Reporting];

    /// <summary>Every scope the server knows, published in the discovery document.</summary>
    public static readonly string[] All = [Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, .. Resources.Keys];
}
