using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Casework.Messaging;

/// <summary>The receive queues of this service, learnt as MassTransit brings each endpoint up.</summary>
public sealed class ReceiveQueues : IReceiveEndpointObserver
{
    private readonly ConcurrentDictionary<string, byte> _names = new();

    public IReadOnlyCollection<string> Names => _names.Keys.Order().ToList();

    public Task Ready(ReceiveEndpointReady ready)
    {
        _names.TryAdd(ready.InputAddress.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Last(), 0);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}

public sealed class ErrorQueueOptions
{
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Publishes how many messages wait in each of the service's <c>_error</c> queues, so a failing
/// consumer shows on a dashboard (and can page someone) instead of hiding in the broker.
/// </summary>
internal sealed class ErrorQueueMonitor(
    ReceiveQueues queues, BrokerConnection broker, IOptions<ErrorQueueOptions> options, ILogger<ErrorQueueMonitor> logger) : BackgroundService
{
    private static readonly Gauge Depth = Metrics.CreateGauge("casework_error_queue_messages",
        "Messages waiting in a consumer's _error queue (failed after retries).", "queue");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        do
        {
            try
            {
                foreach (var queue in queues.Names)
                {
                    Depth.WithLabels(queue + "_error").Set(await broker.CountMessagesAsync(queue + "_error", stoppingToken));
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not read the error queue depths");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>A plain AMQP connection for what MassTransit does not do: counting and replaying error queues.</summary>
public sealed class BrokerConnection(Uri broker) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    /// <summary>Messages in a queue; 0 when it does not exist (no message ever failed there).</summary>
    public async Task<uint> CountMessagesAsync(string queue, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> messages from <c>{queue}_error</c> back to <paramref name="queue"/>,
    /// each one acknowledged only after the broker confirmed its republish. Returns how many moved.
    /// </summary>
    public async Task<int> ReplayAsync(string queue, int max, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        var moved = 0;
        try
        {
            while (moved < max && await channel.BasicGetAsync(queue + "_error", autoAck: false, cancellationToken) is { } message)
            {
                var properties = new BasicProperties(message.BasicProperties);
                await channel.BasicPublishAsync("", queue, mandatory: true, properties, message.Body, cancellationToken);
                await channel.BasicAckAsync(message.DeliveryTag, multiple: false, cancellationToken);
                moved++;
            }
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404 && moved == 0)
        {
            // No error queue: no message of this queue ever failed.
        }
        return moved;
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true })
        {
            return _connection;
        }
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not { IsOpen: true })
            {
                _connection?.Dispose();
                _connection = await new ConnectionFactory { Uri = broker, ClientProvidedName = "casework-error-queues" }.CreateConnectionAsync(cancellationToken);
            }
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
