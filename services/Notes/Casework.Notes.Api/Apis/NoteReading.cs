using System.Security.Claims;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes.Apis;

/// <summary>
/// Turns stored notes into what the caller may see: restricted notes they may not read come back redacted, and every
/// restricted note whose content is shown is written to the audit log and committed before the content leaves the service.
/// </summary>
public sealed class NoteReading(IDocumentStore store, NoteAccess access, TimeProvider clock)
{
    public const string AuditRecordType = "note";

    public NoteAccess Access => access;

    public static Viewer ViewerOf(ClaimsPrincipal user) =>
        new(user.SubjectId() ?? "", user.FindAll(CaseworkClaims.Role).Select(c => c.Value).ToList(), user.Teams());

    /// <summary>Views of <paramref name="notes"/> (each with its case), read audited; an audit that cannot be written fails the read.</summary>
    public async Task<IReadOnlyList<NoteView>> ShowAsync(HttpContext http, IEnumerable<(CaseNote Note, NoteCase Case)> notes, CancellationToken cancellationToken)
    {
        var viewer = ViewerOf(http.User);
        var now = clock.GetUtcNow();
        await using var audit = store.OpenSession();
        var audited = false;
        var views = new List<NoteView>();
        foreach (var (note, noteCase) in notes)
        {
            var readable = access.MayRead(viewer, note, noteCase);
            if (note.Restricted && readable)
            {
                audit.Audit(http, "read", AuditRecordType, note.Id.ToString(), now, note.CaseId.ToString());
                audited = true;
            }
            views.Add(NoteView.From(note, redact: !readable));
        }
        if (audited)
        {
            await audit.CommitAsync(cancellationToken);
        }
        return views;
    }

    public async Task<NoteView> ShowAsync(HttpContext http, CaseNote note, NoteCase noteCase, CancellationToken cancellationToken) =>
        (await ShowAsync(http, [(note, noteCase)], cancellationToken))[0];
}
