using System.Collections.Immutable;
using System.Security.Claims;
using Casework.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Identity.Security;

/// <summary>
/// Builds the identities OpenIddict turns into tokens. Access tokens carry <c>sub</c>, <c>name</c>,
/// <c>role</c> (one per role), <c>region</c>, <c>team</c> (one per team), plus <c>client_id</c>,
/// <c>scope</c> and <c>aud</c>, which OpenIddict adds from the client, the granted scopes and their resources.
/// </summary>
public sealed class TokenIdentities(
    UserManager<CaseworkUser> users,
    IOpenIddictApplicationManager applications,
    IOpenIddictScopeManager scopes,
    IOptions<IdentitySettings> settings)
{
    public const string TeamClaim = "team";
    public const string RegionClaim = "region";
    public const string PartnerRole = "partner";

    /// <summary>A partner portal or service using client credentials: it acts as itself.</summary>
    public async Task<ClaimsIdentity> ForClientAsync(object application, IEnumerable<string> requestedScopes, CancellationToken cancellationToken)
    {
        var clientId = await applications.GetClientIdAsync(application, cancellationToken)
            ?? throw new InvalidOperationException("The client has no client id.");
        var displayName = await applications.GetDisplayNameAsync(application, cancellationToken) ?? clientId;

        // OpenIddict has already refused scopes the client is not permitted; asking for none means all it may have.
        var granted = requestedScopes.ToImmutableArray();
        if (granted.IsEmpty)
        {
            granted = [.. (await applications.GetPermissionsAsync(application, cancellationToken))
                .Where(permission => permission.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
                .Select(permission => permission[Permissions.Prefixes.Scope.Length..])];
        }

        var identity = NewIdentity();
        identity.SetClaim(Claims.Subject, clientId)
            .SetClaim(Claims.Name, displayName)
            .SetClaims(Claims.Role, [PartnerRole])
            .SetClaim(RegionClaim, settings.Value.Region);
        await GrantAsync(identity, granted, cancellationToken);
        return identity;
    }

    /// <summary>
    /// A member of staff. <paramref name="previous"/> is the principal of the authorization code or refresh
    /// token being redeemed: its scopes and internal claims are kept, the profile claims are read afresh so a
    /// changed role or team takes effect at the next refresh.
    /// </summary>
    public async Task<ClaimsIdentity> ForUserAsync(CaseworkUser user, ImmutableArray<string> requestedScopes, ClaimsPrincipal? previous, CancellationToken cancellationToken)
    {
        var identity = previous is null
            ? NewIdentity()
            : new ClaimsIdentity(previous.Claims, TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

        var roles = await users.GetRolesAsync(user);
        var teams = (await users.GetClaimsAsync(user))
            .Where(claim => claim.Type == TeamClaim)
            .Select(claim => claim.Value)
            .Distinct(StringComparer.Ordinal)
            .ToImmutableArray();

        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName : user.DisplayName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaims(Claims.Role, [.. roles.Order(StringComparer.Ordinal)])
            .SetClaims(TeamClaim, teams)
            .SetClaim(RegionClaim, settings.Value.Region);

        if (previous is null)
        {
            await GrantAsync(identity, requestedScopes, cancellationToken);
        }
        identity.SetDestinations(Destinations);
        return identity;
    }

    private async Task GrantAsync(ClaimsIdentity identity, ImmutableArray<string> granted, CancellationToken cancellationToken)
    {
        identity.SetScopes(granted);
        var resources = new List<string>();
        await foreach (var resource in scopes.ListResourcesAsync(granted, cancellationToken))
        {
            resources.Add(resource);
        }
        identity.SetResources(resources.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        identity.SetDestinations(Destinations);
    }

    private static ClaimsIdentity NewIdentity() =>
        new(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);

    /// <summary>
    /// Which token each claim goes to. Nothing reaches a token without a destination, so anything new stays
    /// out until it is listed here. <c>sub</c> is always included by OpenIddict.
    /// </summary>
    public static IEnumerable<string> Destinations(Claim claim)
    {
        switch (claim.Type)
        {
            case Claims.Subject:
                yield return OpenIddictConstants.Destinations.AccessToken;
                yield return OpenIddictConstants.Destinations.IdentityToken;
                break;
            case Claims.Name:
                yield return OpenIddictConstants.Destinations.AccessToken;
                if (claim.Subject?.HasScope(Scopes.Profile) == true)
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }
                break;
            case Claims.Role:
                yield return OpenIddictConstants.Destinations.AccessToken;
                if (claim.Subject?.HasScope(Scopes.Roles) == true)
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }
                break;
            case Claims.PreferredUsername:
                if (claim.Subject?.HasScope(Scopes.Profile) == true)
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }
                break;
            case RegionClaim:
            case TeamClaim:
                yield return OpenIddictConstants.Destinations.AccessToken;
                break;
        }
    }
}
