using Casework.Identity.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace Casework.Identity.Apis;

/// <summary>
/// The staff login and logout pages: plain server-rendered HTML forms with antiforgery tokens. Failed
/// sign-ins all get the same message (no hint whether the user exists or is locked out); Identity locks
/// an account for 15 minutes after 5 failures in a row.
/// </summary>
public static class AccountEndpoints
{
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string AntiforgeryField = "__RequestVerificationToken";
    public const string ReturnUrlField = "ReturnUrl";

    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        app.MapGet(LoginPath, ShowLoginAsync).ExcludeFromDescription();
        app.MapPost(LoginPath, LoginAsync).DisableAntiforgery().ExcludeFromDescription();
        app.MapGet(LogoutPath, ShowLogoutAsync).ExcludeFromDescription();
        app.MapPost(LogoutPath, LogoutAsync).DisableAntiforgery().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ShowLoginAsync(HttpContext http, IAntiforgery antiforgery, UserManager<CaseworkUser> users,
        string? returnUrl, bool? signedOut)
    {
        var user = http.User.Identity?.IsAuthenticated == true ? await users.GetUserAsync(http.User) : null;
        if (user is not null && string.IsNullOrEmpty(returnUrl))
        {
            return Pages.SignedIn(http, antiforgery, user.DisplayName);
        }
        return Pages.Login(http, antiforgery, LocalOrNull(returnUrl), userName: null,
            error: null, notice: signedOut == true ? "You have signed out." : null);
    }

    private static async Task<IResult> LoginAsync(
        HttpContext http,
        IAntiforgery antiforgery,
        UserManager<CaseworkUser> users,
        SignInManager<CaseworkUser> signIn,
        IPasswordHasher<CaseworkUser> hasher,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("Casework.Identity.Login");
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return Pages.Login(http, antiforgery, null, null,
                "Your sign-in form expired. Please enter your username and password again.", null, StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var userName = form["username"].ToString().Trim();
        var password = form["password"].ToString();
        var returnUrl = LocalOrNull(form[ReturnUrlField].ToString());
        if (userName.Length == 0 || password.Length == 0 || userName.Length > 256 || password.Length > 1024)
        {
            return Pages.Login(http, antiforgery, returnUrl, userName.Length > 256 ? null : userName,
                "Enter your username and password.", null, StatusCodes.Status400BadRequest);
        }

        var user = await users.FindByNameAsync(userName);
        if (user is null)
        {
            // Spend the same time as a real password check so response times do not reveal unknown usernames.
            hasher.VerifyHashedPassword(DummyUser, DummyHash.Value, password);
            logger.LogWarning("Sign-in failed: unknown username");
            return Failed();
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (!result.Succeeded)
        {
            logger.LogWarning("Sign-in failed for user {UserId} (locked out: {LockedOut})", user.Id, result.IsLockedOut);
            return Failed();
        }

        logger.LogInformation("User {UserId} signed in", user.Id);
        return Results.Redirect(returnUrl ?? LoginPath);

        IResult Failed() => Pages.Login(http, antiforgery, returnUrl, userName,
            "Sign-in failed. Check your username and password and try again. After several failed attempts, " +
            "sign-in is paused for 15 minutes.", null, StatusCodes.Status200OK);
    }

    private static IResult ShowLogoutAsync(HttpContext http, IAntiforgery antiforgery) => Pages.Logout(http, antiforgery);

    private static async Task<IResult> LogoutAsync(HttpContext http, IAntiforgery antiforgery, SignInManager<CaseworkUser> signIn)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return Pages.Logout(http, antiforgery, "Your sign-out form expired. Please try again.", StatusCodes.Status400BadRequest);
        }
        await signIn.SignOutAsync();
        return Results.Redirect(LoginPath + "?signedOut=true");
    }

    /// <summary>Only a path on this site (through the gateway): never another host, scheme-relative or backslash URL.</summary>
    public static string? LocalOrNull(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 4096 || url[0] != '/')
        {
            return null;
        }
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
        {
            return null;
        }
        return url.Any(char.IsControl) ? null : url;
    }

    private static readonly CaseworkUser DummyUser = new() { UserName = "nobody" };
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<CaseworkUser>().HashPassword(DummyUser, Guid.NewGuid().ToString("N")));
}
