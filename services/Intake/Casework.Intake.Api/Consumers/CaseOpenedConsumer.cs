using Casework.Contracts.Events;
using Casework.Intake.Domain;
using Casework.Messaging;
using Casework.Persistence;

namespace Casework.Intake.Consumers;

/// <summary>Links an accepted referral to the case it opened, so staff and partners can follow it.</summary>
public sealed class CaseOpenedConsumer(IDocumentStore store, ILogger<CaseOpenedConsumer> logger) : InboxConsumer<CaseOpened>(store)
{
    protected override async Task ApplyAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken)
    {
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
}
