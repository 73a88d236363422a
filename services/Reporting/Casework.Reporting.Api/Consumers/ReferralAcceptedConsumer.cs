using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;
using Casework.Reporting.Domain;

namespace Casework.Reporting.Consumers;

/// <summary>Folds ReferralAccepted into the referral read model.</summary>
public sealed class ReferralAcceptedConsumer(IDocumentStore store) : InboxConsumer<ReferralAccepted>(store)
{
    protected override Task ApplyAsync(ReferralAccepted message, IDocumentSession session, CancellationToken cancellationToken) =>
        ReadModel.UpsertAsync(session, ReferralReport.DocumentId(message.ReferralId), () => ReferralReport.Empty(message.ReferralId), r => r.Apply(message), cancellationToken);
}
