using System.Net;
using Casework.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Casework.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class AuthorizationCodeFlowTests(IdentityFixture fixture)
{
    [Fact]
    public async Task Alice_signs_in_and_the_staff_app_gets_her_tokens()
    {
        using var browser = fixture.Factory.CreateBrowser();
        var (verifier, challenge) = DemoSignIn.NewPkce();

        var redirect = await Oidc.SignInAndAuthorizeAsync(browser, "alice", DemoSignIn.Password, challenge);
        var code = Oidc.CodeFrom(redirect);
        Assert.Equal(IdentityFixture.Issuer, QueryHelpers.ParseQuery(redirect.Query)["iss"].ToString());

        var response = await Oidc.RedeemCodeAsync(browser, code, verifier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        var token = await Oidc.ValidateAccessTokenAsync(browser, body.GetProperty("access_token").GetString()!, "casework-case");

        Assert.Equal(["6f1c2a1e-0a01-4c1e-9a01-000000000001"], token.Values("sub"));
        Assert.Equal(["Alice Adeyemi"], token.Values("name"));
        Assert.Equal(["caseworker"], token.Values("role"));
        Assert.Equal(["housing"], token.Values("team"));
        Assert.Equal(["local"], token.Values("region"));
        Assert.Equal([DemoSignIn.StaffClientId], token.Values("client_id"));
        Assert.Contains("casework-case", token.Audiences);
        Assert.Equal(
            ["casework-assignment", "casework-case", "casework-intake", "casework-notes", "casework-reporting"],
            token.Audiences.Order().ToArray());
        var scopes = Assert.Single(token.Values("scope")).Split(' ');
        Assert.Contains("cases", scopes);
        Assert.Contains("intake", scopes);
        Assert.Empty(token.Values("preferred_username"));
        Assert.Empty(token.Values("AspNet.Identity.SecurityStamp"));

        // The identity token tells the staff app who signed in, with the name and roles it asked for.
        var idToken = new JsonWebToken(body.GetProperty("id_token").GetString()!);
        Assert.Equal(["Alice Adeyemi"], idToken.Values("name"));
        Assert.Equal(["caseworker"], idToken.Values("role"));
        Assert.Equal(["nonce-456"], idToken.Values("nonce"));
        Assert.Equal([DemoSignIn.StaffClientId], idToken.Audiences.ToArray());

        // offline_access was granted: the refresh token yields a fresh access token with the same claims.
        var refreshed = await browser.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = body.GetProperty("refresh_token").GetString()!,
            ["client_id"] = DemoSignIn.StaffClientId,
        }));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var again = await Oidc.ValidateAccessTokenAsync(browser, (await refreshed.ReadJsonAsync()).GetProperty("access_token").GetString()!, "casework-case");
        Assert.Equal(["caseworker"], again.Values("role"));
        Assert.Equal(["housing"], again.Values("team"));
        Assert.Equal(["Alice Adeyemi"], again.Values("name"));
    }

    [Fact]
    public async Task A_manager_of_two_teams_gets_one_team_claim_per_team()
    {
        using var browser = fixture.Factory.CreateBrowser();
        var (verifier, challenge) = DemoSignIn.NewPkce();
        var code = Oidc.CodeFrom(await Oidc.SignInAndAuthorizeAsync(browser, "maria", DemoSignIn.Password, challenge));

        var response = await Oidc.RedeemCodeAsync(browser, code, verifier);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await Oidc.ValidateAccessTokenAsync(browser, (await response.ReadJsonAsync()).GetProperty("access_token").GetString()!, "casework-reporting");
        Assert.Equal(["employment", "housing"], token.Values("team").Order().ToArray());
        Assert.Equal(["manager"], token.Values("role"));
    }

    [Fact]
    public async Task A_wrong_password_shows_the_form_again_and_issues_no_code()
    {
        using var browser = fixture.Factory.CreateBrowser();
        var (_, challenge) = DemoSignIn.NewPkce();
        var first = await browser.GetAsync(Oidc.AuthorizeUrl(challenge));
        var login = first.Headers.Location!.OriginalString;

        var posted = await Oidc.SubmitLoginAsync(browser, login, "alice", "not-her-password");
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Null(posted.Headers.Location);
        var html = await posted.Content.ReadAsStringAsync();
        Assert.Contains("Sign-in failed. Check your username and password", html);
        Assert.Contains("role=\"alert\"", html);
        Assert.Contains("value=\"alice\"", html); // the username is kept, the password is not
        Assert.DoesNotContain("not-her-password", html);
        var (_, _, returnUrl) = Oidc.ReadLoginForm(html);
        Assert.StartsWith("/connect/authorize?", returnUrl);

        // Still not signed in: authorize sends the browser back to the login page, not to the client.
        var retry = await browser.GetAsync(Oidc.AuthorizeUrl(challenge));
        Assert.Equal(HttpStatusCode.Redirect, retry.StatusCode);
        Assert.StartsWith("/account/login?", retry.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task An_unknown_user_gets_the_same_message_as_a_wrong_password()
    {
        using var browser = fixture.Factory.CreateBrowser();
        var posted = await Oidc.SubmitLoginAsync(browser, "/account/login", "nobody-here", "whatever-password");
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Sign-in failed. Check your username and password", await posted.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_login_without_the_antiforgery_token_is_refused()
    {
        using var browser = fixture.Factory.CreateBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/login")).StatusCode);
        var posted = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = "alice",
            ["password"] = DemoSignIn.Password,
            ["ReturnUrl"] = "/account/login",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Null(posted.Headers.Location);
        var check = await browser.GetAsync("/account/login");
        Assert.DoesNotContain("You are signed in", await check.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task After_login_only_a_local_return_url_is_followed()
    {
        foreach (var target in new[] { "https://evil.example/steal", "//evil.example/steal", "/\\evil.example" })
        {
            using var browser = fixture.Factory.CreateBrowser();
            var page = await browser.GetAsync("/account/login");
            var (action, token, _) = Oidc.ReadLoginForm(await page.Content.ReadAsStringAsync());
            var posted = await browser.PostAsync(action, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["username"] = "bola",
                ["password"] = DemoSignIn.Password,
                ["ReturnUrl"] = target,
            }));
            Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
            Assert.Equal("/account/login", posted.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task A_PKCE_verifier_that_does_not_match_is_refused()
    {
        using var browser = fixture.Factory.CreateBrowser();
        var (_, challenge) = DemoSignIn.NewPkce();
        var code = Oidc.CodeFrom(await Oidc.SignInAndAuthorizeAsync(browser, "sam", DemoSignIn.Password, challenge));

        var (otherVerifier, _) = DemoSignIn.NewPkce();
        var response = await Oidc.RedeemCodeAsync(browser, code, otherVerifier);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task An_authorization_request_without_PKCE_is_refused()
    {
        using var browser = fixture.Factory.CreateBrowser();
        var url = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = DemoSignIn.StaffClientId,
            ["redirect_uri"] = DemoSignIn.RedirectUri,
            ["scope"] = "openid cases",
            ["state"] = "s",
        });
        var response = await browser.GetAsync(url);

        // Refused on the spot (OpenIddict's plain-text OAuth error), never redirected with a code.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid_request", body);
        Assert.Contains("code_challenge", body);
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_is_never_redirected_to()
    {
        using var browser = fixture.Factory.CreateBrowser();
        var (_, challenge) = DemoSignIn.NewPkce();
        var url = Oidc.AuthorizeUrl(challenge).Replace(Uri.EscapeDataString(DemoSignIn.RedirectUri), Uri.EscapeDataString("https://evil.example/callback"));
        var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account()
    {
        using var browser = fixture.Factory.CreateBrowser();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var failed = await Oidc.SubmitLoginAsync(browser, "/account/login", "hamid", "wrong-password-" + attempt);
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        }

        // Locked out: even the right password is refused, with the same message.
        var locked = await Oidc.SubmitLoginAsync(browser, "/account/login", "hamid", DemoSignIn.Password);
        Assert.Equal(HttpStatusCode.OK, locked.StatusCode);
        Assert.Null(locked.Headers.Location);
        Assert.Contains("Sign-in failed. Check your username and password", await locked.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Logout_ends_the_session()
    {
        using var browser = fixture.Factory.CreateBrowser();
        var (_, challenge) = DemoSignIn.NewPkce();
        Oidc.CodeFrom(await Oidc.SignInAndAuthorizeAsync(browser, "admin", DemoSignIn.Password, challenge));
        Assert.Contains("You are signed in as", await browser.GetStringAsync("/account/login"));

        var end = await browser.GetAsync("/connect/endsession");
        Assert.Equal(HttpStatusCode.Redirect, end.StatusCode);
        Assert.Equal("/account/login?signedOut=true", end.Headers.Location!.OriginalString);

        var again = await browser.GetAsync(Oidc.AuthorizeUrl(challenge));
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("/account/login?", again.Headers.Location!.OriginalString);
    }
}
