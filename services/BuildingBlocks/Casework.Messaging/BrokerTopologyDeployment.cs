using Casework.Persistence;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Messaging;

/// <summary>
/// The migrate verb's broker step: declares this service's queues, exchanges and bindings without consuming anything.
/// Run before a release's pods start (the charts' pre-install/pre-upgrade Job), it means an event published meanwhile
/// (a subscription the upgrade adds, a first install while another service already publishes) waits in the queue
/// instead of reaching an exchange that nothing is bound to yet, which RabbitMQ drops.
/// </summary>
internal sealed class BrokerTopologyDeployment
{
    private bool _topologyOnly;
    private bool _configured;

    /// <summary>Called as the bus is configured (on its first use): whether it only deploys its topology.</summary>
    public bool Configure()
    {
        _configured = true;
        return _topologyOnly;
    }

    public IMigrationStep For(IServiceProvider services) => new Step(this, services);

    private sealed class Step(BrokerTopologyDeployment deployment, IServiceProvider services) : IMigrationStep
    {
        public async Task<string> RunAsync(CancellationToken cancellationToken)
        {
            if (deployment._configured)
            {
                // A bus already built would consume: the verb must run before anything uses the bus.
                throw new InvalidOperationException("The bus was configured before the migrate verb; its topology cannot be deployed alone.");
            }
            deployment._topologyOnly = true;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            await services.GetRequiredService<IBusControl>().DeployAsync(timeout.Token);
            return "The broker's queues and bindings are in place.";
        }
    }
}
