using System.Net;
using System.Text.RegularExpressions;
using Casework.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Casework.Identity.Tests;

/// <summary>What a client of the identity server does: PKCE, the browser round trip, token requests, JWT checks.</summary>
public static partial class Oidc
{
    public static string AuthorizeUrl(string challenge, string state = "state-123", string scope = DemoSignIn.StaffScopes) =>
        QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = DemoSignIn.StaffClientId,
            ["redirect_uri"] = DemoSignIn.RedirectUri,
            ["scope"] = scope,
            ["state"] = state,
            ["nonce"] = "nonce-456",
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        });

    /// <summary>Reads the login form: its action and the antiforgery token, both HTML-decoded.</summary>
    public static (string Action, string Token, string? ReturnUrl) ReadLoginForm(string html)
    {
        var action = FormAction().Match(html);
        var token = AntiforgeryInput().Match(html);
        Assert.True(action.Success, "The login page has no form posting back to it.");
        Assert.True(token.Success, "The login form has no antiforgery token.");
        var returnUrl = ReturnUrlInput().Match(html);
        return (WebUtility.HtmlDecode(action.Groups[1].Value), WebUtility.HtmlDecode(token.Groups[1].Value),
            returnUrl.Success ? WebUtility.HtmlDecode(returnUrl.Groups[1].Value) : null);
    }

    /// <summary>GET the login page the browser was sent to and POST the credentials through its form.</summary>
    public static async Task<HttpResponseMessage> SubmitLoginAsync(HttpClient browser, string loginUrl, string userName, string password)
    {
        var page = await browser.GetAsync(loginUrl);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var (action, token, returnUrl) = ReadLoginForm(await page.Content.ReadAsStringAsync());
        var fields = new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["username"] = userName,
            ["password"] = password,
        };
        if (returnUrl is not null)
        {
            fields["ReturnUrl"] = returnUrl;
        }
        return await browser.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>
    /// The browser part of the code flow: authorize → login page → credentials → back to authorize →
    /// redirect to the client. Returns the final redirect to the client's redirect URI.
    /// </summary>
    public static async Task<Uri> SignInAndAuthorizeAsync(HttpClient browser, string userName, string password, string challenge)
    {
        var authorize = AuthorizeUrl(challenge);
        var first = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var login = first.Headers.Location!;
        Assert.StartsWith("/account/login?ReturnUrl=", login.OriginalString);

        var posted = await SubmitLoginAsync(browser, login.OriginalString, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var returnTo = posted.Headers.Location!.OriginalString;
        Assert.StartsWith("/connect/authorize?", returnTo);
        Assert.Contains("code_challenge=" + challenge, returnTo);

        var back = await browser.GetAsync(posted.Headers.Location);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        return back.Headers.Location!;
    }

    public static string CodeFrom(Uri redirect)
    {
        Assert.StartsWith(DemoSignIn.RedirectUri + "?", redirect.AbsoluteUri);
        var query = QueryHelpers.ParseQuery(redirect.Query);
        Assert.Equal("state-123", query["state"].ToString());
        var code = query["code"].ToString();
        Assert.False(string.IsNullOrEmpty(code), "The redirect carries no authorization code: " + redirect);
        return code;
    }

    public static Task<HttpResponseMessage> RedeemCodeAsync(HttpClient client, string code, string verifier) =>
        client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = DemoSignIn.RedirectUri,
            ["client_id"] = DemoSignIn.StaffClientId,
            ["code_verifier"] = verifier,
        }));

    public static Task<HttpResponseMessage> ClientCredentialsAsync(HttpClient client, string clientId, string secret, string? scope) =>
        client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = scope ?? "",
        }.Where(pair => pair.Value.Length > 0)));

    /// <summary>
    /// Validates an access token the way a Casework service does (JwtBearer defaults: signature from the
    /// published JWKS, issuer, audience, lifetime) and returns it.
    /// </summary>
    public static async Task<JsonWebToken> ValidateAccessTokenAsync(HttpClient client, string token, string audience)
    {
        var jwks = new JsonWebKeySet(await client.GetStringAsync("/.well-known/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = IdentityFixture.Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateLifetime = true,
        });
        Assert.True(result.IsValid, "The access token does not validate: " + result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    public static string[] Values(this JsonWebToken token, string type) =>
        [.. token.Claims.Where(claim => claim.Type == type).Select(claim => claim.Value)];

    [GeneratedRegex("<form method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("name=\"ReturnUrl\" value=\"([^\"]+)\"")]
    private static partial Regex ReturnUrlInput();
}
