using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes.Apis;

/// <summary>
/// Searching notes across the caller's cases, scoped by the team stamped on each note and Notes' own copy of the cases
/// (<see cref="CaseRecord"/>, from events): caseworkers and supervisors their teams' cases, managers, admins and auditors every
/// case, mine=true the cases assigned to the caller. That copy may be stale, so it only narrows the list: who reads a restricted
/// note is decided by the caller's token (granted role, team supervisor) or by Case (asked per case on the page).
/// </summary>
public static class NoteSearchApi
{
    /// <summary>The longest from/to window of a text search across every team without another narrowing filter.</summary>
    public static readonly TimeSpan MaxTextWindow = TimeSpan.FromDays(366);

    public static IEndpointRouteBuilder MapNoteSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/notes/search", SearchAsync)
            .WithTags("Notes").RequireScope(NotesService.Scope).RequireStaff()
            .WithName("SearchNotes")
            .WithSummary("Search notes across the caller's cases, newest first")
            .WithDescription("Filters as for a case's notes (text, type, authorId, from, to), plus caseId, teamId and mine=true (cases " +
                "assigned to the caller). Caseworkers and supervisors search their teams' cases; managers, admins and auditors all, and " +
                "their text search needs caseId, teamId, mine=true or a from/to window of at most 366 days (400 naming text otherwise). " +
                "A text search never matches a restricted note the caller may not read; restricted notes listed are redacted for them.")
            .Produces<Page<NoteView>>()
            .ProducesValidationProblem();
        return app;
    }

    private static async Task<IResult> SearchAsync(
        [AsParameters] NoteSearch search, Guid? caseId, string? teamId, bool? mine, HttpContext http, IDocumentStore store, CaseAccess cases, NoteReading reading,
        CancellationToken cancellationToken)
    {
        var errors = NoteQueries.Validate(search);
        errors.Optional("teamId", teamId, 100);
        // ILIKE has no index: across every team, a text search must be narrowed by something that has one.
        errors.Check(search.Text is null || !http.User.SeesAllTeams() || caseId is not null || teamId is not null || mine == true
                || (search.From is { } from && search.To is { } to && to - from <= MaxTextWindow), "text",
            $"A text search across every team needs caseId, teamId, mine=true or a from/to window of at most {MaxTextWindow.TotalDays} days.");
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var viewer = NoteReading.ViewerOf(http.User);
        var filter = NoteQueries.Filter(search);
        // With caseId, Case's answer decides what the caller reads (text rule and display alike); across cases, Notes' own copy of
        // the cases only narrows which notes are listed, and restricted content needs a rule of the caller's token or Case's word.
        NoteCase? askedCase = null;
        bool textInRestricted;
        if (caseId is { } id)
        {
            var (visible, refused) = await cases.CheckAsync(id, cancellationToken);
            if (refused is not null)
            {
                return refused;
            }
            filter.Equal("caseId", id.ToString());
            askedCase = visible!.AsNoteCase();
            textInRestricted = reading.Access.ReadsRestrictedOf(viewer, askedCase);
        }
        else
        {
            textInRestricted = reading.Access.ReadsAllRestricted(viewer);
            if (!http.User.SeesAllTeams())
            {
                if (viewer.Teams.Count == 0)
                {
                    return TypedResults.Ok(NoteQueries.Empty(search));
                }
                if (teamId is not null && !viewer.InTeam(teamId))
                {
                    return TypedResults.Ok(NoteQueries.Empty(search));
                }
                filter.In("teamId", viewer.Teams);
                // Every note in scope is of one of the caller's teams: a supervisor's token covers all of them.
                textInRestricted |= viewer.Is(NoteAccess.Supervisor);
            }
        }
        filter.Equal("teamId", teamId);
        if (mine == true)
        {
            // Narrows the list only: whether the caller is still the worker is Case's to say.
            var assigned = await store.QueryAllAsync<CaseRecord>(new DocumentFilter().Equal("assignedWorkerId", viewer.Id), cancellationToken);
            if (assigned.Count == 0)
            {
                return TypedResults.Ok(NoteQueries.Empty(search));
            }
            filter.In("caseId", assigned.Select(c => c.Id));
        }
        if (search.Text is not null && !textInRestricted)
        {
            // The text must not tell anyone that a restricted note they cannot read says it.
            filter.Equal("restricted", "false");
        }

        var page = await store.QueryAsync<CaseNote>(NoteQueries.Query(filter, search), cancellationToken);
        var notes = page.Items.Select(n => n.Document.Normalised()).ToList();
        IReadOnlyDictionary<Guid, NoteCase> confirmed = new Dictionary<Guid, NoteCase>();
        if (askedCase is null)
        {
            var toConfirm = notes.Where(n => n.Restricted && !reading.Access.ReadsRestrictedByToken(viewer, n.TeamId)).Select(n => n.CaseId);
            confirmed = await cases.ConfirmAsync(toConfirm, cancellationToken);
        }
        // A note Case did not confirm is judged by the token rules alone (its team as stored, no worker).
        var views = await reading.ShowAsync(http,
            notes.Select(n => (n, askedCase ?? confirmed.GetValueOrDefault(n.CaseId) ?? new NoteCase(n.TeamId, null))), cancellationToken);
        return TypedResults.Ok(page.With(views));
    }
}
