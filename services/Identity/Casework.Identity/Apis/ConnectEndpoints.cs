using System.Security.Claims;
using Casework.Identity.Data;
using Casework.Identity.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Casework.Identity.Apis;

/// <summary>
/// The OpenID Connect endpoints OpenIddict passes through to us after validating the request (client,
/// redirect URI, PKCE, scopes, secrets): authorize, token, end session and userinfo. Their errors are
/// OAuth error responses written by OpenIddict.
/// </summary>
public static class ConnectEndpoints
{
    private const string OpenIddictScheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static WebApplication MapConnectEndpoints(this WebApplication app)
    {
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).ExcludeFromDescription();
        app.MapPost("/connect/token", ExchangeAsync).ExcludeFromDescription();
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], EndSessionAsync).ExcludeFromDescription();
        app.MapMethods("/connect/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Staff sign-in for the code flow. Not signed in: off to the login page, which comes back here.
    /// Signed in: the code is issued at once (first-party app, implicit consent).
    /// </summary>
    private static async Task<IResult> AuthorizeAsync(
        HttpContext http,
        UserManager<CaseworkUser> users,
        SignInManager<CaseworkUser> signIn,
        TokenIdentities identities)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = session.Succeeded ? await users.GetUserAsync(session.Principal!) : null;
        var tooOld = request.MaxAge is { } maxAge && session.Properties?.IssuedUtc is { } issued &&
            DateTimeOffset.UtcNow - issued > TimeSpan.FromSeconds(maxAge);

        if (user is null || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user) ||
            request.HasPromptValue(PromptValues.Login) || tooOld)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }
            if (session.Succeeded)
            {
                await signIn.SignOutAsync();
            }

            // Come back to this same request once signed in, without prompt=login (or it would loop).
            var parameters = (http.Request.HasFormContentType ? http.Request.Form.ToList() : http.Request.Query.ToList())
                .Where(parameter => parameter.Key != Parameters.Prompt)
                .ToList();
            var prompts = request.GetPromptValues().Remove(PromptValues.Login);
            if (!prompts.IsEmpty)
            {
                parameters.Add(KeyValuePair.Create(Parameters.Prompt, new StringValues(string.Join(' ', prompts))));
            }
            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters) },
                [IdentityConstants.ApplicationScheme]);
        }

        var identity = await identities.ForUserAsync(user, request.GetScopes(), previous: null, http.RequestAborted);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictScheme);
    }

    private static async Task<IResult> ExchangeAsync(
        HttpContext http,
        IOpenIddictApplicationManager applications,
        UserManager<CaseworkUser> users,
        SignInManager<CaseworkUser> signIn,
        TokenIdentities identities)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        if (request.IsClientCredentialsGrantType())
        {
            // OpenIddict has authenticated the client and checked its grant type and scope permissions.
            var application = await applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted)
                ?? throw new InvalidOperationException("The authenticated client no longer exists.");
            var identity = await identities.ForClientAsync(application, request.GetScopes(), http.RequestAborted);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token has been validated (signature, expiry, redemption, PKCE verifier).
            var principal = (await http.AuthenticateAsync(OpenIddictScheme)).Principal
                ?? throw new InvalidOperationException("The grant principal cannot be retrieved.");
            var user = await users.FindByIdAsync(principal.GetClaim(Claims.Subject) ?? "");
            if (user is null || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
            {
                return Refuse(Errors.InvalidGrant, "The user may no longer sign in.");
            }
            var identity = await identities.ForUserAsync(user, principal.GetScopes(), principal, http.RequestAborted);
            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictScheme);
        }

        return Refuse(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    /// <summary>
    /// Ends the staff session, then OpenIddict redirects to the client's registered
    /// <c>post_logout_redirect_uri</c>, or to the login page when none was given.
    /// </summary>
    private static async Task<IResult> EndSessionAsync(HttpContext http, SignInManager<CaseworkUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = http.Request.PathBase + AccountEndpoints.LoginPath + "?signedOut=true" },
            [OpenIddictScheme]);
    }

    private static async Task<IResult> UserInfoAsync(HttpContext http, UserManager<CaseworkUser> users)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictScheme)).Principal;
        var user = principal is null ? null : await users.FindByIdAsync(principal.GetClaim(Claims.Subject) ?? "");
        if (principal is null || user is null)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The access token is not valid for this user.",
                }),
                [OpenIddictScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserName ?? user.Id : user.DisplayName;
            claims[Claims.PreferredUsername] = user.UserName ?? user.Id;
            claims[TokenIdentities.TeamClaim] = (await users.GetClaimsAsync(user))
                .Where(claim => claim.Type == TokenIdentities.TeamClaim).Select(claim => claim.Value).ToArray();
        }
        if (principal.HasScope(Scopes.Roles))
        {
            claims[Claims.Role] = (await users.GetRolesAsync(user)).ToArray();
        }
        return Results.Json(claims);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictScheme]);
}
