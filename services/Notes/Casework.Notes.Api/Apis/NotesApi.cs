using Casework.Contracts.Events;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes.Apis;

public static class NotesApi
{
    public static IEndpointRouteBuilder MapNotesApi(this IEndpointRouteBuilder app)
    {
        var notes = app.MapGroup("/api/notes/cases/{caseId:guid}/notes").WithTags("Notes").RequireScope(NotesService.Scope).RequireStaff();

        notes.MapPost("", AddAsync)
            .WithName("AddNote")
            .WithSummary("Add a note to a case")
            .WithDescription("The caller must be allowed to see the case (404 otherwise). Types: " + string.Join(", ", NoteTypes.Accepted) + ". " +
                "Either a body, or a templateId of the case's pathway with sections (section id → text). goalIds must be goals of the " +
                "case's support plan. A closed case takes only safeguarding notes: SafeguardingConcern, or restricted with reason " +
                "safeguarding (409 otherwise). A SafeguardingConcern, or a " +
                "note with restricted: true and a restrictionReason (safeguarding, health), is restricted. Publishes NoteAdded.")
            .Produces<NoteView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        notes.MapGet("", ListAsync)
            .WithName("ListNotes")
            .WithSummary("List or search a case's notes, newest first (by occurredAt)")
            .WithDescription("Filters: text (in the current body), type, authorId, from/to (occurredAt). Restricted notes the caller may " +
                "not read come back redacted; a text search only looks in restricted notes the caller may read all of (as the case's " +
                "worker, a supervisor of its team or a granted role). Reading a restricted note's content is audited.")
            .Produces<Page<NoteView>>()
            .ProducesValidationProblem();

        notes.MapGet("/{noteId:guid}", GetAsync)
            .WithName("GetNote")
            .WithSummary("One note with its history (original and amendments), with its ETag (none on a redacted note)")
            .Produces<NoteView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        notes.MapPost("/{noteId:guid}/amendments", AmendAsync)
            .WithName("AmendNote")
            .WithSummary("Correct a note: a new body with a reason (and optionally restrict it); the original and earlier amendments are kept")
            .WithDescription("Needs If-Match with the note's ETag (428 without, 412 when stale), so a retried amendment cannot apply " +
                "twice; a retry of the amendment just made (same author, body and reason, the ETag before it) gets 200 with the note. Whoever may read the note and is " +
                "its author, the case's worker, a supervisor of its team, a manager or an admin may amend. Closed " +
                "cases take amendments. restricted: true with a restrictionReason also restricts the note (original and history " +
                "included; audited); a restriction is never lifted (400) and nothing else of a note is corrected. A note takes at most " + CaseNote.MaxAmendments + " (409 beyond). Publishes NoteAmended.")
            .ProducesVersionedChange<NoteView>();
        return app;
    }

    /// <summary>
    /// A retry of the amendment just applied, whose response was lost: the note's latest amendment is the caller's, with the same
    /// body and reason, and If-Match names the version before it. Answered as the amendment was (200, the note, its ETag),
    /// without applying it twice; null when the request is not such a retry.
    /// </summary>
    private static async Task<IResult?> ReplayAsync(Guid caseId, Guid noteId, AmendNoteRequest request, HttpContext http, IDocumentSession session,
        VisibleCase visible, NoteReading reading, CancellationToken cancellationToken)
    {
        if (!ETags.TryReadIfMatch(http.Request, out var expected) || expected is null)
        {
            return null;
        }
        var stored = await session.GetAsync<CaseNote>(noteId.ToString(), cancellationToken);
        if (stored is null || stored.Document.CaseId != caseId || expected != stored.Version - 1)
        {
            return null;
        }
        var note = stored.Document.Normalised();
        if (!note.RepeatsLatestAmendment(http.ActorId(), request.Body!, request.Reason!.Trim(), RestrictFor(request))
            || !reading.Access.MayAmend(NoteReading.ViewerOf(http.User), note, visible.AsNoteCase()))
        {
            return null;
        }
        var view = await reading.ShowAsync(http, note, visible.AsNoteCase(), cancellationToken);
        ETags.Set(http.Response, stored.Version);
        return TypedResults.Ok(view);
    }

    private static string? RestrictFor(AmendNoteRequest request) => request.Restricted == true ? request.RestrictionReason : null;

    public static IResult NoteNotFound() => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The note was not found.");

    private static async Task<IResult> AddAsync(
        Guid caseId, AddNoteRequest request, HttpContext http, IDocumentStore store, CaseAccess cases, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.TemplateId is null)
        {
            errors.Check(request.Sections is null, "sections", "Sections need a templateId.");
        }
        else
        {
            errors.Check(request.Body is null, "body", "Send either a body or a template's sections, not both.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (visible, refused) = await cases.CheckAsync(caseId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }

        var draft = new NoteDraft(request.Type, request.OccurredAt, request.DurationMinutes, request.Present, request.Body, request.Restricted,
            request.RestrictionReason, request.GoalIds);
        if (request.TemplateId is { } templateId)
        {
            var template = (await store.GetAsync<NoteTemplate>(templateId.ToString(), cancellationToken))?.Document;
            if (template is null || template.PathwayId != visible!.Reply.PathwayId)
            {
                errors.Add("templateId", "The field must be a note template of the case's pathway.");
                return errors.ToProblem();
            }
            draft = template.Fill(draft, request.Sections, errors);
        }

        var now = clock.GetUtcNow();
        var facts = visible!.Facts();
        NoteRules.Check(draft, facts, now, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (!NoteRules.AcceptsNewNote(facts, draft))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The case is closed.",
                detail: "Reopen the case to add notes; a safeguarding concern can still be recorded (type SafeguardingConcern, or " +
                    "restricted: true with restrictionReason safeguarding).");
        }

        var note = CaseNote.Write(Guid.CreateVersion7(now), caseId, visible.Reply.TeamId, draft, request.TemplateId, http.ActorId(), http.User.DisplayName(), now);
        await using var session = store.OpenSession();
        session.Insert(note.Id.ToString(), note);
        if (note.Restricted)
        {
            session.Audit(http, "write", NoteReading.AuditRecordType, note.Id.ToString(), now, note.CaseId.ToString());
        }
        // The event's OccurredAt is when the event happened (the note was written); HappenedAt when what the note records did.
        session.Publish(new NoteAdded(note.Id, caseId, note.AuthorId, note.Type, note.Restricted, OccurredAt: note.WrittenAt,
            HappenedAt: note.OccurredAt, DurationMinutes: note.DurationMinutes));
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, 1); // a new document's version
        return TypedResults.Created($"/api/notes/cases/{caseId}/notes/{note.Id}", NoteView.From(note, redact: false));
    }

    private static async Task<IResult> ListAsync(
        Guid caseId, [AsParameters] NoteSearch search, HttpContext http, IDocumentStore store, CaseAccess cases, NoteReading reading,
        CancellationToken cancellationToken)
    {
        var errors = NoteQueries.Validate(search);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (visible, refused) = await cases.CheckAsync(caseId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        var noteCase = visible!.AsNoteCase();
        var filter = NoteQueries.Filter(search).Equal("caseId", caseId.ToString());
        if (search.Text is not null && !reading.Access.ReadsRestrictedOf(NoteReading.ViewerOf(http.User), noteCase))
        {
            // The text must not tell anyone that a restricted note they cannot read says it.
            filter.Equal("restricted", "false");
        }
        var page = await store.QueryAsync<CaseNote>(NoteQueries.Query(filter, search), cancellationToken);
        var views = await reading.ShowAsync(http, page.Items.Select(n => (n.Document.Normalised(), noteCase)), cancellationToken);
        return TypedResults.Ok(page.With(views));
    }

    private static async Task<IResult> GetAsync(
        Guid caseId, Guid noteId, HttpContext http, IDocumentStore store, CaseAccess cases, NoteReading reading, CancellationToken cancellationToken)
    {
        var (visible, refused) = await cases.CheckAsync(caseId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        var stored = await store.GetAsync<CaseNote>(noteId.ToString(), cancellationToken);
        if (stored is null || stored.Document.CaseId != caseId)
        {
            return NoteNotFound();
        }
        var view = await reading.ShowAsync(http, stored.Document.Normalised(), visible!.AsNoteCase(), cancellationToken);
        if (!view.Redacted)
        {
            // The version counts the note's changes: a redacted view must not tell how often it was amended.
            ETags.Set(http.Response, stored.Version);
        }
        return TypedResults.Ok(view);
    }

    private static async Task<IResult> AmendAsync(
        Guid caseId, Guid noteId, AmendNoteRequest request, HttpContext http, IDocumentStore store, CaseAccess cases, NoteReading reading,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = NoteRules.CheckAmendment(request.Body, request.Reason, request.Restricted, request.RestrictionReason);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var (visible, refused) = await cases.CheckAsync(caseId, cancellationToken);
        if (refused is not null)
        {
            return refused;
        }
        await using var session = store.OpenSession();
        if (await ReplayAsync(caseId, noteId, request, http, session, visible!, reading, cancellationToken) is { } replayed)
        {
            return replayed;
        }
        var (current, refusal) = await session.ReadForChangeAsync<CaseNote>(noteId.ToString(), http.Request, NoteNotFound, cancellationToken,
            visible: note => note.CaseId == caseId, required: true);
        if (refusal is not null)
        {
            return refusal;
        }
        var note = current!.Document.Normalised();
        if (!reading.Access.MayAmend(NoteReading.ViewerOf(http.User), note, visible!.AsNoteCase()))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "You may not amend this note.",
                detail: "Whoever may read it and is its author, the case's worker, a supervisor of the case's team, a manager or an admin can amend it.");
        }
        if (!NoteRules.KeepsRestriction(note, request.Restricted))
        {
            errors.Add("restricted", "A restricted note stays restricted: a correction can restrict a note, never lift a restriction.");
            return errors.ToProblem();
        }
        var now = clock.GetUtcNow();
        var amended = note.Amend(request.Body!, request.Reason!.Trim(), http.ActorId(), http.User.DisplayName(), now, RestrictFor(request));
        session.Update(current.Id, amended, current.Version);
        if (amended.Restricted && !note.Restricted)
        {
            session.Audit(http, "restrict", NoteReading.AuditRecordType, note.Id.ToString(), now, caseId.ToString());
        }
        if (amended.Restricted)
        {
            // Also the record that the amender saw the note's content in the response.
            session.Audit(http, "amend", NoteReading.AuditRecordType, note.Id.ToString(), now, caseId.ToString());
        }
        // Why a restricted note was corrected can say as much as the note: it stays here.
        session.Publish(new NoteAmended(note.Id, caseId, http.ActorId(), now, amended.Restricted ? null : amended.Amendments[^1].Reason,
            amended.Amendments.Count, amended.Restricted));
        await session.CommitAsync(cancellationToken);
        ETags.Set(http.Response, current.Version + 1);
        return TypedResults.Ok(NoteView.From(amended, redact: false));
    }
}
