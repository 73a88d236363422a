using Casework.Persistence;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casework.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ (<c>ConnectionStrings:Broker</c>, an amqp:// URI with the vhost as path):
    /// durable queues named <c>{service}-{consumer}</c>, publisher confirms, short in-memory retries
    /// and then the queue's <c>_error</c> queue, and the outbox relay. Requires AddDocumentStore first.
    /// Hosted services registered before this call (schema, seeding) finish before consumers start.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder, string service, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        var broker = builder.Configuration.GetConnectionString("Broker")
            ?? throw new InvalidOperationException("ConnectionStrings:Broker is not set.");
        var retryIntervals = builder.Configuration.GetSection("Messaging:RetryIntervalsMs").Get<int[]>() ?? [100, 500, 2000];

        var receiveQueues = new ReceiveQueues();
        builder.Services.AddSingleton(receiveQueues);
        var topology = new BrokerTopologyDeployment();
        builder.Services.AddSingleton<IMigrationStep>(services => topology.For(services));
        builder.Services.AddSingleton(new BrokerConnection(new Uri(broker)));
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddReceiveEndpointObserver(_ => receiveQueues);
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(service, false));
            consumers?.Invoke(bus);
            // The bus's health is not readiness: while the broker is down, writes still commit with their events
            // in the outbox, which the relay publishes once it is back. Tagged "broker" only (served on
            // /health/broker), so a broker outage does not take every pod out of its Service.
            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Name = "broker";
                health.Tags.Add("broker");
            });
            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                // Transient failures (a store or broker blip) retry a few times in memory; after that the
                // message moves to the _error queue, never acked and dropped.
                endpoint.UseMessageRetry(retry => retry.Intervals(retryIntervals));
                // Write conflicts are expected when events for one record arrive together (cases opened at
                // once for one team's workers): each round lets one through, so retry them longer, jittered.
                endpoint.UseMessageRetry(retry =>
                {
                    retry.Handle<StaleVersionException>();
                    retry.Handle<DuplicateDocumentException>();
                    retry.Exponential(20, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(10));
                });
            });
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(broker), host => host.PublisherConfirmation = true);
                rabbit.PrefetchCount = builder.Configuration.GetValue("Messaging:PrefetchCount", 16);
                // The migrate verb: declare the queues and their bindings, consume nothing.
                rabbit.DeployTopologyOnly = topology.Configure();
                rabbit.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            // Start-up waits until the bus is connected and its queues are bound, so the server listens (and the
            // pod can become ready) only after that; on shutdown, let consumers finish what they hold.
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Messaging:StartTimeoutSeconds", 30));
            options.StopTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Messaging:StopTimeoutSeconds", 20));
        });
        builder.Services.Configure<OutboxRelayOptions>(builder.Configuration.GetSection("Messaging:Outbox"));
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.Configure<ErrorQueueOptions>(builder.Configuration.GetSection("Messaging:ErrorQueues"));
        builder.Services.AddHostedService<ErrorQueueMonitor>();
        return builder;
    }
}
