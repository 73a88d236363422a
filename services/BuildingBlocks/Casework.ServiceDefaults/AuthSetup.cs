using Microsoft.Extensions.Configuration;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.ServiceDefaults;

/// <summary>The claim and role names Casework tokens carry (issued by the Identity service).</summary>
public static class CaseworkClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string Scope = "scope";
    public const string ClientId = "client_id";
    public const string Region = "region";
    public const string Team = "team";
}

public static class CaseworkRoles
{
    public const string Caseworker = "caseworker";
    public const string Supervisor = "supervisor";
    public const string Manager = "manager";
    public const string Admin = "admin";
    public const string Auditor = "auditor";
    public const string Partner = "partner";

    public static readonly string[] Staff = [Caseworker, Supervisor, Manager, Admin, Auditor];
}

public static class AuthSetup
{
    /// <summary>
    /// Validates bearer tokens from the Casework identity server (<c>Auth:Authority</c>) for this
    /// service's audience (<c>casework-{service}</c>). Claims keep their JWT names.
    /// </summary>
    public static WebApplicationBuilder AddCaseworkAuthentication(this WebApplicationBuilder builder, params string[] audiences)
    {
        // Read now, not in the options callback (first request): start-up then names a setting nothing read.
        var authority = builder.Configuration["Auth:Authority"] ?? throw new InvalidOperationException("Auth:Authority is not set.");
        var requireHttpsMetadata = builder.Configuration.GetValue("Auth:RequireHttpsMetadata", true);
        var metadataAddress = builder.Configuration["Auth:MetadataAddress"];
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.Authority = authority;
            options.RequireHttpsMetadata = requireHttpsMetadata;
            if (!string.IsNullOrEmpty(metadataAddress))
            {
                options.MetadataAddress = metadataAddress;
            }
            options.MapInboundClaims = false;
            options.TokenValidationParameters.ValidAudiences = audiences;
            options.TokenValidationParameters.NameClaimType = CaseworkClaims.Name;
            options.TokenValidationParameters.RoleClaimType = CaseworkClaims.Role;
            options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>Requires an authenticated caller whose token grants at least one of the scopes.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params string[] scopes) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireAssertion(context => scopes.Any(context.User.HasScope)));

    /// <summary>Requires a staff member (one of the staff roles, or the ones given).</summary>
    public static TBuilder RequireStaff<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy.RequireAuthenticatedUser().RequireRole(roles.Length > 0 ? roles : CaseworkRoles.Staff));

    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.FindAll(CaseworkClaims.Scope).Any(claim => claim.Value.Split(' ').Contains(scope, StringComparer.Ordinal));

    public static string? SubjectId(this ClaimsPrincipal user) => user.FindFirstValue(CaseworkClaims.Subject);

    public static string? ClientId(this ClaimsPrincipal user) => user.FindFirstValue(CaseworkClaims.ClientId) ?? user.FindFirstValue("azp");

    public static string DisplayName(this ClaimsPrincipal user) =>
        user.FindFirstValue(CaseworkClaims.Name) ?? user.SubjectId() ?? user.ClientId() ?? "unknown";

    public static IReadOnlyList<string> Teams(this ClaimsPrincipal user) =>
        user.FindAll(CaseworkClaims.Team).SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToList();

    public static bool IsInAnyRole(this ClaimsPrincipal user, IEnumerable<string> roles) => roles.Any(user.IsInRole);

    public static bool IsPartner(this ClaimsPrincipal user) => user.IsInRole(CaseworkRoles.Partner);

    /// <summary>Managers, admins and auditors see every team's records in their region.</summary>
    public static bool SeesAllTeams(this ClaimsPrincipal user) =>
        user.IsInRole(CaseworkRoles.Manager) || user.IsInRole(CaseworkRoles.Admin) || user.IsInRole(CaseworkRoles.Auditor);

    /// <summary>The actor recorded on changes: the subject, else the client.</summary>
    public static string ActorId(this HttpContext context) =>
        context.User.SubjectId() ?? context.User.ClientId() ?? "anonymous";
}
