using Casework.Case.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Case.Consumers;

/// <summary>An accepted referral opens a case on its pathway, owned by the pathway's team.</summary>
public sealed class ReferralAcceptedConsumer(IDocumentStore store, TimeProvider clock) : InboxConsumer<ReferralAccepted>(store)
{
    protected override async Task ApplyAsync(ReferralAccepted message, IDocumentSession session, CancellationToken cancellationToken)
    {
        // The inbox stops redeliveries; this stops a second case for the same referral by any other route.
        var existing = await Store.QueryAsync<SupportCase>(
            new DocumentQuery { Filter = new DocumentFilter().Equal("referralId", message.ReferralId.ToString()), Limit = 1 }, cancellationToken);
        if (existing.Total > 0)
        {
            return;
        }
        // Intake checked the pathway when the referral was accepted; a missing one is a fault worth the error queue.
        var pathway = await Store.GetAsync<Pathway>(message.PathwayId, cancellationToken)
            ?? throw new InvalidOperationException($"Referral {message.ReferralId} was accepted onto unknown pathway '{message.PathwayId}'.");

        var opened = SupportCase.Open(message.ReferralId, message.PersonId, message.PersonDisplayName, pathway.Document,
            message.ConcernLevel, message.AcceptedBy, clock.GetUtcNow());
        session.Insert(opened.Id.ToString(), opened);
        session.Publish(new CaseOpened(opened.Id, opened.ReferralId, opened.PersonId, opened.PathwayId, opened.TeamId, opened.ConcernLevel, opened.OpenedAt));
    }
}
