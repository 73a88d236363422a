using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;
using Casework.Reporting.Domain;

namespace Casework.Reporting.Consumers;

/// <summary>Folds ReferralDeclined into the referral read model.</summary>
public sealed class ReferralDeclinedConsumer(IDocumentStore store) : InboxConsumer<ReferralDeclined>(store)
{
    protected override Task ApplyAsync(ReferralDeclined message, IDocumentSession session, CancellationToken cancellationToken) =>
        ReadModel.UpsertAsync(session, ReferralReport.DocumentId(message.ReferralId), () => ReferralReport.Empty(message.ReferralId), r => r.Apply(message), cancellationToken);
}
