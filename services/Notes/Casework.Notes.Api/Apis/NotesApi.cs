using Casework.Contracts.Events;
using Casework.Contracts.Grpc.Case.V1;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Grpc.Core;

namespace Casework.Notes.Apis;

public sealed record AddNoteRequest(string? Type, string? Text, bool? Restricted);

/// <summary>A note as the API returns it; a restricted note the caller may not read comes back redacted.</summary>
public sealed record NoteView(Guid Id, Guid CaseId, string Type, string? Text, bool Restricted, bool Redacted, string AuthorId, string AuthorName, DateTimeOffset CreatedAt)
{
    public static NoteView From(CaseNote note, bool redact) =>
        new(note.Id, note.CaseId, note.Type, redact ? null : note.Text, note.Restricted, redact, note.AuthorId, note.AuthorName, note.CreatedAt);
}

public static class NotesApi
{
    public static IEndpointRouteBuilder MapNotesApi(this IEndpointRouteBuilder app)
    {
        var notes = app.MapGroup("/api/notes/cases/{caseId:guid}/notes").WithTags("Notes").RequireScope(NotesService.Scope).RequireStaff();

        notes.MapPost("", AddAsync)
            .WithName("AddNote")
            .WithSummary("Add a note to a case")
            .WithDescription("The caller must be allowed to see the case (404 otherwise). Closed cases take no new notes (409). " +
                "Restricted notes are readable only by the case's worker, the note's author, supervisors and managers.")
            .Produces<NoteView>(StatusCodes.Status201Created)
            .ProducesValidationProblem();

        notes.MapGet("", ListAsync)
            .WithName("ListNotes")
            .WithSummary("List a case's notes, oldest first");
        return app;
    }

    private static async Task<IResult> AddAsync(
        Guid caseId, AddNoteRequest request, HttpContext http, IDocumentStore store, CaseQueries.CaseQueriesClient cases, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.OneOf("type", request.Type, NoteTypes.All);
        errors.Required("text", request.Text, 20_000);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var access = await CheckAccessAsync(cases, caseId, cancellationToken);
        if (access.Result is { } refused)
        {
            return refused;
        }
        if (access.Reply!.Closed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The case is closed.", detail: "Reopen the case to add notes.");
        }

        var now = clock.GetUtcNow();
        var restricted = request.Restricted == true || request.Type == NoteTypes.Safeguarding;
        var note = new CaseNote(Guid.CreateVersion7(now), caseId, request.Type!, request.Text!, restricted, http.ActorId(), http.User.DisplayName(), now);
        await using var session = store.OpenSession();
        session.Insert(note.Id.ToString(), note);
        if (restricted)
        {
            session.Audit(http, "write", "note", note.Id.ToString(), now, note.CaseId.ToString());
        }
        session.Publish(new NoteAdded(note.Id, caseId, note.AuthorId, note.Type, restricted, now));
        await session.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/notes/cases/{caseId}/notes/{note.Id}", NoteView.From(note, redact: false));
    }

    private static async Task<IResult> ListAsync(
        Guid caseId, HttpContext http, IDocumentStore store, CaseQueries.CaseQueriesClient cases, TimeProvider clock,
        int? offset, int? limit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        errors.Paging(offset, limit);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var access = await CheckAccessAsync(cases, caseId, cancellationToken);
        if (access.Result is { } refused)
        {
            return refused;
        }
        var page = await store.QueryAsync<CaseNote>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("caseId", caseId.ToString()),
            OrderBy = "createdAt",
            Offset = offset ?? 0,
            Limit = limit ?? 100,
        }, cancellationToken);

        var roles = http.User.FindAll(CaseworkClaims.Role).Select(c => c.Value).ToList();
        var now = clock.GetUtcNow();
        await using var audit = store.OpenSession();
        var views = new List<NoteView>(page.Items.Count);
        foreach (var note in page.Items.Select(n => n.Document))
        {
            var readable = !note.Restricted || RestrictedNotes.MayRead(http.User.SubjectId(), roles, access.Reply!.AssignedWorkerId, note.AuthorId);
            if (note.Restricted && readable)
            {
                audit.Audit(http, "read", "note", note.Id.ToString(), now, note.CaseId.ToString());
            }
            views.Add(NoteView.From(note, redact: !readable));
        }
        // The audit trail is written before the restricted text leaves the service.
        await audit.CommitAsync(cancellationToken);
        return TypedResults.Ok(page.With(views));
    }

    /// <summary>Asks Case, for this user, whether the case exists and may be seen; both "no" answers are a 404.</summary>
    private static async Task<(CheckAccessReply? Reply, IResult? Result)> CheckAccessAsync(
        CaseQueries.CaseQueriesClient cases, Guid caseId, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await cases.CheckAccessAsync(new CheckAccessRequest { CaseId = caseId.ToString() }, cancellationToken: cancellationToken);
            return reply.Allowed
                ? (reply, null)
                : (null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The case was not found."));
        }
        catch (RpcException exception)
        {
            return (null, GrpcCallProblems.For(exception, "case", "cases"));
        }
    }
}
