using Casework.Persistence;

namespace Casework.Notes.Domain;

/// <summary>
/// Notes stored before note types, bodies and amendments (text, createdAt; types Interaction/Observation/Plan/Safeguarding)
/// are re-saved in the current shape (<see cref="CaseNote.Normalised"/>): Safeguarding becomes SafeguardingConcern,
/// Interaction stays a readable legacy type, and the case's team is filled in when Notes knows the case.
/// </summary>
public sealed class NoteShapeUpgrade : IDocumentUpgrade<CaseNote>
{
    public string MarkerField => "occurredAt";

    public async Task<CaseNote> UpgradeAsync(CaseNote note, IDocumentSession session, CancellationToken cancellationToken)
    {
        var upgraded = note.Normalised();
        if (upgraded.TeamId is null && await session.GetAsync<CaseRecord>(note.CaseId.ToString(), cancellationToken) is { Document.TeamId: { } teamId })
        {
            upgraded = upgraded with { TeamId = teamId };
        }
        return upgraded;
    }
}
