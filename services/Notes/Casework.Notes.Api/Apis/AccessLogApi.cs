using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes.Apis;

/// <summary>Who read, wrote or amended which restricted note, and when: for auditors (and admins).</summary>
public static class AccessLogApi
{
    public sealed record AccessLogQuery(Guid? CaseId, Guid? NoteId, string? ActorId, DateTimeOffset? From, DateTimeOffset? To, int? Offset, int? Limit);

    public static IEndpointRouteBuilder MapAccessLogApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/notes/access-log", QueryAsync)
            .WithTags("Notes access log").RequireScope(NotesService.Scope).RequireStaff(CaseworkRoles.Auditor, CaseworkRoles.Admin)
            .WithName("NotesAccessLog")
            .WithSummary("The audit log of restricted notes, newest first")
            .WithDescription("Every write, amendment and read of a restricted note's content: action (write, amend, read), recordId (the note), " +
                "parentId (its case), actor and time. Filters: caseId, noteId, actorId, from/to. Auditors and admins only (403 otherwise).")
            .Produces<Page<AuditEntry>>()
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> QueryAsync([AsParameters] AccessLogQuery query, IDocumentStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors().Paging(query.Offset, query.Limit);
        errors.Optional("actorId", query.ActorId);
        errors.Check(query.From is null || query.To is null || query.From <= query.To, "to", "The field must not be before from.");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var page = await store.QueryAsync<AuditEntry>(new DocumentQuery
        {
            Filter = new DocumentFilter()
                .Equal("recordType", NoteReading.AuditRecordType)
                .Equal("parentId", query.CaseId?.ToString())
                .Equal("recordId", query.NoteId?.ToString())
                .Equal("actorId", query.ActorId)
                .AtLeast("at", query.From is { } from ? SortableUtc.Format(from) : null)
                .AtMost("at", query.To is { } to ? SortableUtc.Format(to) : null),
            OrderBy = "at",
            Descending = true,
            Offset = query.Offset ?? 0,
            Limit = query.Limit ?? 50,
        }, cancellationToken);
        return TypedResults.Ok(page.With(page.Items.Select(i => i.Document).ToList()));
    }
}
