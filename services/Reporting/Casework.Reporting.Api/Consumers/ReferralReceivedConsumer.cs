using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;
using Casework.Reporting.Domain;

namespace Casework.Reporting.Consumers;

/// <summary>Folds ReferralReceived into the referral read model.</summary>
public sealed class ReferralReceivedConsumer(IDocumentStore store) : InboxConsumer<ReferralReceived>(store)
{
    protected override Task ApplyAsync(ReferralReceived message, IDocumentSession session, CancellationToken cancellationToken) =>
        ReadModel.UpsertAsync(session, ReferralReport.DocumentId(message.ReferralId), () => ReferralReport.Empty(message.ReferralId), r => r.Apply(message), cancellationToken);
}
