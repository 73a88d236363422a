using Casework.Case.Domain;
using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Consumers;

/// <summary>An accepted referral opens a case on its pathway, owned by the pathway's team.</summary>
public sealed class ReferralAcceptedConsumer(IDocumentStore store, TimeProvider clock, RegionCalendar calendar) : InboxConsumer<ReferralAccepted>(store)
{
    protected override async Task ApplyAsync(ReferralAccepted message, IDocumentSession session, CancellationToken cancellationToken)
    {
        // The inbox stops redeliveries of this message; the referral's guard document (keyed by the
        // referral id, inserted with the case) stops a second case from any other message for it.
        if (await Store.GetAsync<ReferralCase>(message.ReferralId.ToString(), cancellationToken) is not null)
        {
            return;
        }
        // Intake checked the pathway when the referral was accepted; a missing one is a fault worth the error queue.
        var pathway = await Store.GetAsync<Pathway>(message.PathwayId, cancellationToken)
            ?? throw new InvalidOperationException($"Referral {message.ReferralId} was accepted onto unknown pathway '{message.PathwayId}'.");

        var now = clock.GetUtcNow();
        var opened = SupportCase.Open(message.ReferralId, message.PersonId, message.PersonDisplayName, pathway.Document,
            message.ConcernLevel, message.AcceptedBy, now, calendar.Today(now));
        session.Insert(opened.Id.ToString(), opened);
        session.Insert(opened.ReferralId.ToString(), new ReferralCase(opened.Id));
        session.Publish(new CaseOpened(opened.Id, opened.ReferralId, opened.PersonId, opened.PathwayId, opened.TeamId, opened.ConcernLevel, opened.OpenedAt, opened.NextReviewOn));
        session.Publish(new ReviewScheduled(opened.Id, opened.NextReviewOn!.Value, opened.OpenedAt, CaseVersion: 1));
    }
}
