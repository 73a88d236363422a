using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Casework.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Casework.Testing;

/// <summary>
/// Gets tokens through the gateway exactly as a partner portal and a staff browser would (end-to-end
/// tests and the benchmark). A step that goes wrong throws with what the server answered.
/// </summary>
public static partial class GatewaySignIn
{
    /// <summary>Client credentials, as a partner portal's back end does.</summary>
    public static async Task<string> PartnerAsync(Uri gateway, string clientId, string secret)
    {
        using var client = new HttpClient { BaseAddress = gateway };
        using var response = await client.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = "intake.referrals.write intake.referrals.read",
        }));
        var body = await response.Content.ReadAsStringAsync();
        Ensure(response.IsSuccessStatusCode, $"token request failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// Authorization code + PKCE as a staff member's browser does it: authorize, get redirected to the
    /// login page, post the form (with its antiforgery token), follow back, exchange the code.
    /// </summary>
    public static async Task<string> StaffAsync(Uri gateway, string userName, string password = DemoSignIn.Password)
    {
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = gateway };

        var (verifier, challenge) = DemoSignIn.NewPkce();
        var state = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16));
        var authorize = "connect/authorize?" + string.Join("&", new Dictionary<string, string>
        {
            ["client_id"] = DemoSignIn.StaffClientId,
            ["response_type"] = "code",
            ["redirect_uri"] = DemoSignIn.RedirectUri,
            ["scope"] = DemoSignIn.StaffScopes,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = state,
        }.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

        var toLogin = await browser.GetAsync(authorize);
        Ensure(toLogin.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, $"authorize should redirect to login, got {(int)toLogin.StatusCode}");
        var loginPage = await browser.GetAsync(toLogin.Headers.Location!);
        var html = await loginPage.Content.ReadAsStringAsync();
        Ensure(loginPage.IsSuccessStatusCode, $"login page: {(int)loginPage.StatusCode}");

        var form = HiddenInputs(html);
        form["username"] = userName;
        form["password"] = password;
        var loginUri = new Uri(loginPage.RequestMessage!.RequestUri!, FormAction(html) ?? loginPage.RequestMessage.RequestUri!.PathAndQuery);
        var signedIn = await browser.PostAsync(loginUri, new FormUrlEncodedContent(form));
        Ensure(signedIn.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found,
            $"login should redirect back to authorize, got {(int)signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}");

        var withCode = await browser.GetAsync(new Uri(loginUri, signedIn.Headers.Location!));
        var callback = withCode.Headers.Location;
        Ensure(callback is not null && callback.ToString().StartsWith(DemoSignIn.RedirectUri, StringComparison.Ordinal),
            $"authorize should redirect to the app with a code, got {(int)withCode.StatusCode} {callback}");
        var query = System.Web.HttpUtility.ParseQueryString(callback!.Query);
        Ensure(query["state"] == state, "authorize returned another state than was sent");

        using var exchange = await browser.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = DemoSignIn.StaffClientId,
            ["code"] = query["code"]!,
            ["redirect_uri"] = DemoSignIn.RedirectUri,
            ["code_verifier"] = verifier,
        }));
        var token = await exchange.Content.ReadFromJsonAsync<JsonElement>();
        Ensure(exchange.IsSuccessStatusCode, $"code exchange failed: {token}");
        return token.GetProperty("access_token").GetString()!;
    }

    private static void Ensure(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException(failure);
        }
    }

    private static Dictionary<string, string> HiddenInputs(string html)
    {
        var inputs = new Dictionary<string, string>();
        foreach (Match input in Input().Matches(html))
        {
            var tag = input.Value;
            if (!tag.Contains("type=\"hidden\"", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var name = Attribute(tag, "name");
            if (name is not null)
            {
                inputs[name] = WebUtility.HtmlDecode(Attribute(tag, "value") ?? "");
            }
        }
        return inputs;
    }

    private static string? FormAction(string html)
    {
        var form = Form().Match(html);
        var action = form.Success ? Attribute(form.Value, "action") : null;
        return string.IsNullOrEmpty(action) ? null : WebUtility.HtmlDecode(action);
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\b{name}=\"([^\"]*)\"", RegexOptions.IgnoreCase);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("<input[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Input();

    [GeneratedRegex("<form[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Form();
}
