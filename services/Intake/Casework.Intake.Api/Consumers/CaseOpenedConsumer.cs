using Casework.Contracts.Events;
using Casework.Intake.Domain;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Intake.Consumers;

/// <summary>Links an accepted referral to the case it opened, so staff and partners can follow it.</summary>
public sealed class CaseOpenedConsumer(IDocumentStore store, TimeProvider clock, ILogger<CaseOpenedConsumer> logger) : InboxConsumer<CaseOpened>(store)
{
    protected override async Task ApplyAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken)
    {
        await RepointIfPersonMergedAsync(message, session, cancellationToken);
        var referral = await session.GetAsync<Referral>(message.ReferralId.ToString(), cancellationToken);
        if (referral is null)
        {
            logger.LogWarning("Case {CaseId} was opened for unknown referral {ReferralId}", message.CaseId, message.ReferralId);
            return;
        }
        if (referral.Document.CaseId != message.CaseId)
        {
            session.Update(referral.Id, referral.Document.LinkCase(message.CaseId), referral.Version);
        }
    }

    /// <summary>
    /// A referral accepted just before its person was merged opens its case after Case applied PeopleMerged, for
    /// the merged record: PeopleMerged again, for that record only, moves the case to the survivor.
    /// </summary>
    private async Task RepointIfPersonMergedAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (await Store.GetAsync<Person>(message.PersonId.ToString(), cancellationToken) is not { Document.MergedInto: { } merged })
        {
            return;
        }
        var survivor = await Store.GetAsync<Person>(merged.PersonId.ToString(), cancellationToken)
            ?? throw new InvalidOperationException($"Person {message.PersonId} was merged into missing person {merged.PersonId}.");
        logger.LogInformation("Case {CaseId} opened for person {PersonId}, merged into {SurvivorId}: sending PeopleMerged again",
            message.CaseId, message.PersonId, merged.PersonId);
        session.Publish(new PeopleMerged(survivor.Document.Id, survivor.Document.DisplayName, [message.PersonId], merged.By, clock.GetUtcNow()));
    }
}
