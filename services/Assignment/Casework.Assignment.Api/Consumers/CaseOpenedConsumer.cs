using Casework.Contracts.Events;
using Casework.Messaging;
using Casework.Persistence;
using MassTransit;

namespace Casework.Assignment.Consumers;

/// <summary>Assigns every opened case to the worker of its team with the most free capacity.</summary>
public sealed class CaseOpenedConsumer(IDocumentStore store, CaseAssigner assigner) : InboxConsumer<CaseOpened>(store)
{
    protected override Task ApplyAsync(CaseOpened message, IDocumentSession session, CancellationToken cancellationToken) =>
        assigner.AssignAsync(message, session, cancellationToken);
}

/// <summary>
/// Cases opened together for one team all compete for the same worker documents; each round of
/// conflicts lets at least one through. A longer, jittered retry for the conflicts (inside the
/// endpoint's usual short retries) keeps a burst of openings from ending in the _error queue.
/// </summary>
public sealed class CaseOpenedConsumerDefinition : ConsumerDefinition<CaseOpenedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<CaseOpenedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.UseMessageRetry(retry =>
        {
            retry.Handle<Casework.Persistence.ConcurrencyException>();
            retry.Handle<DuplicateDocumentException>();
            retry.Exponential(20, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(10));
        });
    }
}
