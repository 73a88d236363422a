using Casework.Case.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Case.Consumers;

/// <summary>A person's name corrected in Intake shows on their cases (lists and views stay in step with the record).</summary>
public sealed class PersonUpdatedConsumer(IDocumentStore store) : InboxConsumer<PersonUpdated>(store)
{
    protected override async Task ApplyAsync(PersonUpdated message, IDocumentSession session, CancellationToken cancellationToken)
    {
        var cases = await Store.QueryAllAsync<SupportCase>(new DocumentFilter().Equal("personId", message.PersonId.ToString()), cancellationToken);
        foreach (var stored in cases)
        {
            var renamed = stored.Document.WithPersonName(message.DisplayName, message.OccurredAt);
            if (!ReferenceEquals(renamed, stored.Document))
            {
                session.Update(stored.Id, renamed, stored.Version);
            }
        }
    }
}
