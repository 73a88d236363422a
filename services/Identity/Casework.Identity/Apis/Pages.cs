using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Casework.Identity.Apis;

/// <summary>
/// The few server-rendered pages of the identity server. Plain HTML that works without scripts, labelled
/// fields, an error summary announced to screen readers, and every dynamic value HTML-encoded.
/// </summary>
internal static class Pages
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1b1f24;margin:0;line-height:1.5}
        main{max-width:26rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
        h1{font-size:1.5rem;margin:0 0 1.5rem}
        label{display:block;font-weight:600;margin:1rem 0 .25rem}
        input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:2px solid #5a6270;border-radius:.25rem}
        input:focus,button:focus{outline:3px solid #ffbf47;outline-offset:1px}
        button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;font-weight:600;color:#fff;background:#1d5fa8;border:0;border-radius:.25rem;cursor:pointer}
        .error{border-left:5px solid #b00020;background:#fdecee;padding:.75rem 1rem;margin-bottom:1rem}
        .notice{border-left:5px solid #1d5fa8;background:#e8f0fa;padding:.75rem 1rem;margin-bottom:1rem}
        """;

    public static IResult Login(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? userName, string? error, string? notice,
        int statusCode = StatusCodes.Status200OK)
    {
        var body = new StringBuilder();
        body.Append("<h1>Sign in to Casework</h1>");
        AppendMessages(body, error, notice);
        body.Append("<form method=\"post\" action=\"").Append(Encode(http.Request.PathBase + AccountEndpoints.LoginPath)).Append("\" novalidate>");
        AppendAntiforgery(body, http, antiforgery);
        if (returnUrl is not null)
        {
            body.Append("<input type=\"hidden\" name=\"").Append(AccountEndpoints.ReturnUrlField).Append("\" value=\"").Append(Encode(returnUrl)).Append("\">");
        }
        var describedBy = error is null ? "" : " aria-describedby=\"form-error\" aria-invalid=\"true\"";
        body.Append("<label for=\"username\">Username</label>")
            .Append("<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required")
            .Append(describedBy).Append(" value=\"").Append(Encode(userName ?? "")).Append("\"")
            .Append(error is null || string.IsNullOrEmpty(userName) ? " autofocus" : "").Append('>')
            .Append("<label for=\"password\">Password</label>")
            .Append("<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required").Append(describedBy)
            .Append(error is not null && !string.IsNullOrEmpty(userName) ? " autofocus" : "").Append('>')
            .Append("<button type=\"submit\">Sign in</button></form>");
        return Page(http, error is null ? "Sign in – Casework" : "Error: Sign in – Casework", body.ToString(), statusCode);
    }

    public static IResult SignedIn(HttpContext http, IAntiforgery antiforgery, string displayName)
    {
        var body = new StringBuilder();
        body.Append("<h1>Casework</h1><p>You are signed in as <strong>").Append(Encode(displayName)).Append("</strong>.</p>");
        AppendLogoutForm(body, http, antiforgery);
        return Page(http, "Signed in – Casework", body.ToString(), StatusCodes.Status200OK);
    }

    public static IResult Logout(HttpContext http, IAntiforgery antiforgery, string? error = null, int statusCode = StatusCodes.Status200OK)
    {
        var body = new StringBuilder();
        body.Append("<h1>Sign out of Casework</h1>");
        AppendMessages(body, error, null);
        body.Append("<p>Do you want to sign out?</p>");
        AppendLogoutForm(body, http, antiforgery);
        return Page(http, "Sign out – Casework", body.ToString(), statusCode);
    }

    private static void AppendLogoutForm(StringBuilder body, HttpContext http, IAntiforgery antiforgery)
    {
        body.Append("<form method=\"post\" action=\"").Append(Encode(http.Request.PathBase + AccountEndpoints.LogoutPath)).Append("\">");
        AppendAntiforgery(body, http, antiforgery);
        body.Append("<button type=\"submit\">Sign out</button></form>");
    }

    private static void AppendMessages(StringBuilder body, string? error, string? notice)
    {
        if (error is not null)
        {
            body.Append("<div class=\"error\" id=\"form-error\" role=\"alert\"><p><strong>There is a problem.</strong> ")
                .Append(Encode(error)).Append("</p></div>");
        }
        if (notice is not null)
        {
            body.Append("<div class=\"notice\" role=\"status\"><p>").Append(Encode(notice)).Append("</p></div>");
        }
    }

    private static void AppendAntiforgery(StringBuilder body, HttpContext http, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        body.Append("<input type=\"hidden\" name=\"").Append(Encode(tokens.FormFieldName)).Append("\" value=\"")
            .Append(Encode(tokens.RequestToken ?? "")).Append("\">");
    }

    private static IResult Page(HttpContext http, string title, string body, int statusCode)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // No scripts, no framing (clickjacking), only the inline stylesheet below.
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";
        var html = $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Encode(title)}</title>
            <style>{Style}</style>
            </head>
            <body>
            <main>{body}</main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, statusCode);
    }

    private static string Encode(string value) => HtmlEncoder.Default.Encode(value);
}
