using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;
using Casework.Reporting.Domain;

namespace Casework.Reporting.Consumers;

/// <summary>Folds CaseOpened into the case read model.</summary>
public sealed class CaseOpenedConsumer(IDocumentStore store) : InboxConsumer<CaseOpened>(store)
{
    protected override Task ApplyAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken) =>
        ReadModel.UpsertAsync(session, CaseReport.DocumentId(message.CaseId), () => CaseReport.Empty(message.CaseId), r => r.Apply(message), cancellationToken);
}
