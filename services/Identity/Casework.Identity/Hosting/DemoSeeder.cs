using System.Security.Claims;
using System.Text.Json;
using Casework.Identity.Data;
using Casework.Identity.Security;
using Casework.ServiceDefaults;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Identity.Hosting;

/// <summary>
/// Creates the demo users and clients of a local run (<c>Seed:DemoDataPath</c>) that do not exist yet.
/// Anything that exists is left as it is (a changed password or role is not reset), so a second start
/// changes nothing. Secrets and passwords are never logged.
/// </summary>
public sealed class DemoSeeder(IServiceScopeFactory scopes, ILogger<DemoSeeder> logger) : IDemoDataSeeder
{
    public async Task SeedAsync(JsonElement demoData, CancellationToken cancellationToken)
    {
        // The user and application managers are scoped (they hold a DbContext); seeding is one unit of work.
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CaseworkUser>>();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        foreach (var user in demoData.Section<DemoUser>("users"))
        {
            await SeedUserAsync(users, user);
        }
        foreach (var partner in demoData.Section<DemoPartner>("partners"))
        {
            await SeedPartnerAsync(applications, partner, cancellationToken);
        }
        if (demoData.TryGetProperty("staffClient", out var staffClient) && staffClient.Deserialize<DemoStaffClient>(DemoData.JsonOptions) is { } staff)
        {
            await SeedStaffClientAsync(applications, staff, cancellationToken);
        }
    }

    private async Task SeedUserAsync(UserManager<CaseworkUser> users, DemoUser demo)
    {
        if (string.IsNullOrWhiteSpace(demo.Id) || string.IsNullOrWhiteSpace(demo.UserName) || string.IsNullOrEmpty(demo.Password))
        {
            throw new InvalidDataException("Every demo user needs an id, a userName and a password.");
        }
        var roles = demo.Roles ?? [];
        var unknown = roles.Where(role => !CaseworkRoles.Staff.Contains(role, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidDataException(
                $"Demo user {demo.UserName} has unknown roles {string.Join(", ", unknown)}; staff roles are {string.Join(", ", CaseworkRoles.Staff)}.");
        }
        if (await users.FindByIdAsync(demo.Id) is not null)
        {
            return;
        }

        var user = new CaseworkUser
        {
            Id = demo.Id,
            UserName = demo.UserName,
            Email = demo.Email,
            EmailConfirmed = demo.Email is not null,
            DisplayName = demo.DisplayName,
        };
        Check(await users.CreateAsync(user, demo.Password), demo.UserName);
        if (roles.Count > 0)
        {
            Check(await users.AddToRolesAsync(user, roles.Distinct(StringComparer.Ordinal)), demo.UserName);
        }
        var teams = (demo.Teams ?? []).Distinct(StringComparer.Ordinal).Select(team => new Claim(TokenIdentities.TeamClaim, team)).ToList();
        if (teams.Count > 0)
        {
            Check(await users.AddClaimsAsync(user, teams), demo.UserName);
        }
        logger.LogInformation("Seeded demo user {UserName} ({UserId})", demo.UserName, demo.Id);
    }

    private async Task SeedPartnerAsync(IOpenIddictApplicationManager applications, DemoPartner partner, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(partner.ClientId) || string.IsNullOrEmpty(partner.Secret))
        {
            throw new InvalidDataException("Every demo partner needs a clientId and a secret.");
        }
        if (await applications.FindByClientIdAsync(partner.ClientId, cancellationToken) is not null)
        {
            return;
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = partner.ClientId,
            ClientSecret = partner.Secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = partner.DisplayName,
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.ClientCredentials,
            },
        };
        foreach (var scope in CaseworkScopes.Partner)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
        await applications.CreateAsync(descriptor, cancellationToken);
        logger.LogInformation("Seeded demo partner client {ClientId}", partner.ClientId);
    }

    private async Task SeedStaffClientAsync(IOpenIddictApplicationManager applications, DemoStaffClient staff, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(staff.ClientId))
        {
            throw new InvalidDataException("The demo staff client needs a clientId.");
        }
        if (await applications.FindByClientIdAsync(staff.ClientId, cancellationToken) is not null)
        {
            return;
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = staff.ClientId,
            ClientType = ClientTypes.Public,
            // First-party staff app: no consent screen.
            ConsentType = ConsentTypes.Implicit,
            DisplayName = staff.DisplayName,
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var scope in CaseworkScopes.Staff)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }
        foreach (var uri in staff.RedirectUris ?? [])
        {
            descriptor.RedirectUris.Add(AbsoluteUri(uri, staff.ClientId));
        }
        foreach (var uri in staff.PostLogoutRedirectUris ?? [])
        {
            descriptor.PostLogoutRedirectUris.Add(AbsoluteUri(uri, staff.ClientId));
        }
        await applications.CreateAsync(descriptor, cancellationToken);
        logger.LogInformation("Seeded demo staff client {ClientId}", staff.ClientId);
    }

    private static Uri AbsoluteUri(string value, string clientId) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidDataException($"Client {clientId} has a redirect URI that is not absolute: {value}");

    private static void Check(IdentityResult result, string userName)
    {
        if (!result.Succeeded)
        {
            // Identity's error descriptions name the rule broken, never the password itself.
            throw new InvalidOperationException(
                $"Could not seed demo user {userName}: {string.Join(" ", result.Errors.Select(error => error.Description))}");
        }
    }
}
