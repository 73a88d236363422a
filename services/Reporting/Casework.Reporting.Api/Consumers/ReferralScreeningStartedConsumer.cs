using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;
using Casework.Reporting.Domain;

namespace Casework.Reporting.Consumers;

/// <summary>Folds ReferralScreeningStarted into the referral read model.</summary>
public sealed class ReferralScreeningStartedConsumer(IDocumentStore store) : InboxConsumer<ReferralScreeningStarted>(store)
{
    protected override Task ApplyAsync(ReferralScreeningStarted message, IDocumentSession session, CancellationToken cancellationToken) =>
        ReadModel.UpsertAsync(session, ReferralReport.DocumentId(message.ReferralId), () => ReferralReport.Empty(message.ReferralId), r => r.Apply(message), cancellationToken);
}
