using Casework.Notes.Domain;
using Casework.Persistence;

namespace Casework.Notes.Apis;

/// <summary>
/// Gives a case's notes stored without a team (written before Notes kept a copy of the case) the case's team, so cross-case
/// search finds them. Bounded: a batch at a time, at most <see cref="MaxBatches"/> per call; the rest the next time.
/// </summary>
public static class NoteTeams
{
    public const int BatchSize = 100;
    public const int MaxBatches = 20;

    public static async Task StampAsync(IDocumentStore store, Guid caseId, string teamId, CancellationToken cancellationToken)
    {
        for (var batch = 0; batch < MaxBatches; batch++)
        {
            var page = await store.QueryAsync<CaseNote>(new DocumentQuery
            {
                Filter = new DocumentFilter().Equal("caseId", caseId.ToString()).Missing("teamId"),
                OrderBy = DocumentCollections.DocumentId,
                Limit = BatchSize,
            }, cancellationToken);
            if (page.Items.Count == 0)
            {
                return;
            }
            await using var session = store.OpenSession();
            foreach (var note in page.Items)
            {
                session.Update(note.Id, note.Document.Normalised() with { TeamId = teamId }, note.Version);
            }
            try
            {
                await session.CommitAsync(cancellationToken);
            }
            catch (StaleVersionException)
            {
                // A note changed meanwhile (amended, or stamped by another request): read the batch again.
            }
        }
    }
}
