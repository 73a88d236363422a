using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;
using Casework.Reporting.Domain;

namespace Casework.Reporting.Consumers;

/// <summary>Folds ReferralWithdrawn into the referral read model.</summary>
public sealed class ReferralWithdrawnConsumer(IDocumentStore store) : InboxConsumer<ReferralWithdrawn>(store)
{
    protected override Task ApplyAsync(ReferralWithdrawn message, IDocumentSession session, CancellationToken cancellationToken) =>
        ReadModel.UpsertAsync(session, ReferralReport.DocumentId(message.ReferralId), () => ReferralReport.Empty(message.ReferralId), r => r.Apply(message), cancellationToken);
}
