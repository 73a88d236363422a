using System.Text.Json;
using Casework.Domain;
using Casework.Persistence;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Casework.ServiceDefaults;

internal static class ProblemDetailsSetup
{
    public static IServiceCollection AddCaseworkProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}

/// <summary>
/// Turns the exceptions that mean "the caller's fault" into problem details with the right status;
/// anything else is a logged 500 that reveals nothing of the failure.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            BadHttpRequestException { InnerException: JsonException json } => new ValidationProblemDetails(
                new Dictionary<string, string[]> { [FieldFromJsonPath(json.Path)] = ["The value is not valid JSON of the expected type."] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid.",
            },
            BadHttpRequestException bad when BoundParameter(bad.Message) is { } parameter => new ValidationProblemDetails(
                new Dictionary<string, string[]> { [parameter] = ["The value is missing or not of the expected type."] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid.",
                Detail = bad.Message,
            },
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "The request is not valid.", Detail = bad.Message },
            DomainRuleException rule => WithMissing(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The change is not allowed now.",
                Detail = rule.Message,
            }, rule.Missing),
            DomainInputException input => new ValidationProblemDetails(new Dictionary<string, string[]> { [input.Field] = [input.Message] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid.",
            },
            DomainNotFoundException notFound => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = notFound.Message },
            // A change that lost a race: with If-Match the caller's precondition failed (412, as when the version was stale on
            // reading); without one it is a conflict.
            StaleVersionException => new ProblemDetails
            {
                Status = string.IsNullOrEmpty(httpContext.Request.Headers.IfMatch.ToString())
                    ? StatusCodes.Status409Conflict
                    : StatusCodes.Status412PreconditionFailed,
                Title = "The record was changed by someone else.",
                Detail = "Reload it and apply your change again.",
            },
            DuplicateDocumentException => new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "The record already exists." },
            // No connection to the store could be had, so nothing was sent: the request changed nothing and
            // may be retried. (A failure after a statement was sent may have changed data: that stays a 500.)
            StoreUnavailableException => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is overloaded or its store is unavailable.",
                Detail = "Nothing was changed; try again shortly.",
            },
            // A backstop for text validation missed: PostgreSQL cannot store NUL (22P05) or a character outside its encoding
            // (22021). The statement failed, so nothing was written.
            _ when UnstorableText(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid.",
                Detail = "A text holds a character that cannot be stored (e.g. NUL or another control character).",
            },
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => new ProblemDetails { Status = 499, Title = "The client closed the request." },
            _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An unexpected error occurred." },
        };
        if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }
        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static bool UnstorableText(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is Npgsql.PostgresException { SqlState: "22P05" or "22021" })
            {
                return true;
            }
        }
        return false;
    }

    private static ProblemDetails WithMissing(ProblemDetails problem, IReadOnlyList<string> missing)
    {
        if (missing.Count > 0)
        {
            problem.Extensions["missing"] = missing;
        }
        return problem;
    }

    /// <summary>
    /// The parameter a minimal-API binding failure names ('Failed to bind parameter "int? offset" from "abc".' or 'Required
    /// parameter "string name" was not provided ...'), as the caller spells it: a property of an [AsParameters] record ("From")
    /// is the query parameter "from".
    /// </summary>
    private static string? BoundParameter(string message)
    {
        var match = BindingFailure().Match(message);
        return match.Success ? JsonNamingPolicy.CamelCase.ConvertName(match.Groups["name"].Value) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex("parameter \"(?:[^\"]*\\s)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\"")]
    private static partial System.Text.RegularExpressions.Regex BindingFailure();

    /// <summary>"$.person.dateOfBirth" → "person.dateOfBirth", the name the caller sent.</summary>
    private static string FieldFromJsonPath(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');
}
