using Casework.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Casework.ServiceDefaults;

/// <summary>
/// Optimistic concurrency over HTTP: responses carry the document version as an ETag; a write may
/// send it back in If-Match, and a stale one gets 412 rather than overwriting someone's change.
/// </summary>
public static class ETags
{
    public static string Format(long version) => $"\"{version}\"";

    public static void Set(HttpResponse response, long version) => response.Headers.ETag = Format(version);

    /// <summary>
    /// The version the caller expects, from If-Match. Null when absent (the write then checks against
    /// the version it read). False when the header is present but not one of our ETags.
    /// </summary>
    public static bool TryReadIfMatch(HttpRequest request, out long? version)
    {
        version = null;
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(header) || header == "*")
        {
            return true;
        }
        var value = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        if (value.Length > 2 && value[0] == '"' && value[^1] == '"' && long.TryParse(value[1..^1], out var parsed))
        {
            version = parsed;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Reads a document to change it, honouring If-Match: the current version, or why not (400 for a bad If-Match,
    /// 428 without one when <paramref name="required"/>, <paramref name="notFound"/> when it does not exist or the
    /// caller may not see it, 412 when it moved on since the caller read it). Not found comes before stale, so a
    /// version guess tells nobody that a record they may not see exists. The write then commits with the version
    /// read, so a change in between still fails (409).
    /// </summary>
    public static async Task<(Stored<T>? Current, IResult? Refusal)> ReadForChangeAsync<T>(
        this IDocumentSession session, string id, HttpRequest request, Func<IResult> notFound, CancellationToken cancellationToken,
        Func<T, bool>? visible = null, bool required = false) where T : class
    {
        if (!TryReadIfMatch(request, out var expectedVersion))
        {
            return (null, InvalidIfMatch());
        }
        if (required && expectedVersion is null)
        {
            return (null, PreconditionRequired());
        }
        var current = await session.GetAsync<T>(id, cancellationToken);
        if (current is null || (visible is not null && !visible(current.Document)))
        {
            return (null, notFound());
        }
        return expectedVersion is { } expected && expected != current.Version ? (null, PreconditionFailed()) : (current, null);
    }

    public static IResult PreconditionFailed() => TypedResultsProblem(StatusCodes.Status412PreconditionFailed,
        "The record was changed since you read it.", "Reload it and apply your change again.");

    public static IResult PreconditionRequired() => TypedResultsProblem(StatusCodes.Status428PreconditionRequired,
        "Send If-Match with the ETag of the version you read.", "Changes to this record need it, so a change sent twice cannot apply twice.");

    public static IResult InvalidIfMatch() => TypedResultsProblem(StatusCodes.Status400BadRequest,
        "The If-Match header is not valid.", "Send back the ETag of the version you read, e.g. If-Match: \"3\".");

    private static IResult TypedResultsProblem(int status, string title, string detail) =>
        Microsoft.AspNetCore.Http.TypedResults.Problem(title: title, detail: detail, statusCode: status);

    /// <summary>
    /// Documents a change that needs If-Match: the changed record as <typeparamref name="TResponse"/>, and the refusals every
    /// such change can give (400 named fields, 403 role, 404 not found or not visible, 409 a rule, 412 stale, 428 no If-Match).
    /// </summary>
    public static RouteHandlerBuilder ProducesVersionedChange<TResponse>(this RouteHandlerBuilder endpoint) => endpoint
        .Produces<TResponse>()
        .ProducesValidationProblem()
        .ProducesProblem(StatusCodes.Status403Forbidden)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);
}
