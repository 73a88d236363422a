using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Casework.ServiceDefaults;

/// <summary>
/// Gives every request one id that follows it through the gateway and every service: the gateway's
/// <c>X-Request-Id</c> when present (the gateway overwrites whatever a caller sent), else the trace id.
/// It is echoed in the response and carried in every log line of the request.
/// </summary>
public sealed partial class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string HeaderName = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var requestId = IsWellFormed(incoming)
            ? incoming
            : Activity.Current?.TraceId.ToHexString() ?? context.TraceIdentifier;
        context.TraceIdentifier = requestId;
        context.Response.Headers[HeaderName] = requestId;
        using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }))
        {
            await next(context);
        }
    }

    public static bool IsWellFormed(string? value) => !string.IsNullOrEmpty(value) && WellFormed().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex WellFormed();
}
