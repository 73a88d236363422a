using Casework.Case.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Case.Consumers;

/// <summary>
/// Duplicate records of a person were merged in Intake: their cases now belong to the surviving record, with its
/// name, and each case's timeline says so. A case already moved has no merged person id any more, so a
/// redelivery, or Intake sending the event again, finds nothing left to change.
/// </summary>
public sealed class PeopleMergedConsumer(IDocumentStore store) : InboxConsumer<PeopleMerged>(store)
{
    protected override async Task ApplyAsync(PeopleMerged message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var merged = message.MergedPersonIds.Where(id => id != message.SurvivorId).Select(id => id.ToString()).ToList();
        if (merged.Count == 0)
        {
            return;
        }
        var cases = await Store.QueryAllAsync<SupportCase>(new DocumentFilter().In("personId", merged), cancellationToken);
        foreach (var stored in cases)
        {
            var supportCase = stored.Document;
            // The survivor's name as of the merge, unless the case already shows a later one.
            var nameIsNewer = supportCase.PersonNameAt is not { } shown || shown < message.OccurredAt;
            session.Update(stored.Id, supportCase with
            {
                PersonId = message.SurvivorId,
                PersonDisplayName = nameIsNewer ? message.SurvivorDisplayName : supportCase.PersonDisplayName,
                PersonNameAt = nameIsNewer ? message.OccurredAt : supportCase.PersonNameAt,
                Timeline = [.. supportCase.Timeline, new CaseChange("PersonMerged", message.MergedBy, message.OccurredAt,
                    $"The person's record {supportCase.PersonId} was merged into {message.SurvivorId} ({message.SurvivorDisplayName})")],
            }, stored.Version);
        }
    }
}
