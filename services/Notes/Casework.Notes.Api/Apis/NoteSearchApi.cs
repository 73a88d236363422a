using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes.Apis;

/// <summary>
/// Searching notes across the caller's cases, scoped by Notes' own copy of the cases (<see cref="CaseRecord"/>, from events):
/// caseworkers and supervisors their teams' cases, managers, admins and auditors every case, mine=true the cases assigned to the caller.
/// </summary>
public static class NoteSearchApi
{
    public static IEndpointRouteBuilder MapNoteSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/notes/search", SearchAsync)
            .WithTags("Notes").RequireScope(NotesService.Scope).RequireStaff()
            .WithName("SearchNotes")
            .WithSummary("Search notes across the caller's cases, newest first")
            .WithDescription("Filters as for a case's notes (text, type, authorId, from, to), plus caseId and mine=true (cases assigned to " +
                "the caller). Caseworkers and supervisors search their teams' cases; managers, admins and auditors all. A text search " +
                "never matches a restricted note the caller may not read; restricted notes listed without text are redacted for them.")
            .Produces<Page<NoteView>>()
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> SearchAsync(
        [AsParameters] NoteSearch search, Guid? caseId, bool? mine, HttpContext http, IDocumentStore store, CaseAccess cases, NoteReading reading,
        CancellationToken cancellationToken)
    {
        var errors = NoteQueries.Validate(search);
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var viewer = NoteReading.ViewerOf(http.User);
        var filter = NoteQueries.Filter(search);
        // Whether every restricted note in scope is readable to the caller: only then may text search look in restricted notes.
        bool readsAllInScope;
        if (caseId is { } id)
        {
            // One case: Case decides whether the caller may see it, as for the case's own list.
            var (visible, refused) = await cases.CheckAsync(id, cancellationToken);
            if (refused is not null)
            {
                return refused;
            }
            filter.Equal("caseId", id.ToString());
            readsAllInScope = reading.Access.ReadsRestrictedOf(viewer, visible!.AsNoteCase());
        }
        else
        {
            readsAllInScope = reading.Access.ReadsAllRestricted(viewer);
            if (!http.User.SeesAllTeams())
            {
                if (viewer.Teams.Count == 0)
                {
                    return TypedResults.Ok(new Page<NoteView>([], 0, search.Offset ?? 0, search.Limit ?? 50));
                }
                filter.In("teamId", viewer.Teams);
                // A supervisor reads the restricted notes of their teams' cases.
                readsAllInScope |= viewer.Is(NoteAccess.Supervisor);
            }
        }
        if (mine == true)
        {
            var assigned = await store.QueryAllAsync<CaseRecord>(new DocumentFilter().Equal("assignedWorkerId", viewer.Id), cancellationToken);
            if (assigned.Count == 0)
            {
                return TypedResults.Ok(new Page<NoteView>([], 0, search.Offset ?? 0, search.Limit ?? 50));
            }
            filter.In("caseId", assigned.Select(c => c.Id));
            readsAllInScope = true; // the assigned worker reads their cases' restricted notes
        }
        if (search.Text is not null && !readsAllInScope)
        {
            filter.Equal("restricted", "false");
        }

        var page = await store.QueryAsync<CaseNote>(NoteQueries.Query(filter, search), cancellationToken);
        var notes = page.Items.Select(n => n.Document.Normalised()).ToList();
        var records = new Dictionary<Guid, NoteCase>();
        foreach (var noteCaseId in notes.Select(n => n.CaseId).Distinct())
        {
            var record = await store.GetAsync<CaseRecord>(noteCaseId.ToString(), cancellationToken);
            records[noteCaseId] = record?.Document.AsNoteCase() ?? new NoteCase(null, null);
        }
        var views = await reading.ShowAsync(http, notes.Select(n => (n, records[n.CaseId] with { TeamId = records[n.CaseId].TeamId ?? n.TeamId })),
            cancellationToken);
        return TypedResults.Ok(page.With(views));
    }
}
