using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Casework.Testing;

/// <summary>Looks at a test vhost's queues directly, for what the bus API does not show (error queues).</summary>
public static class TestBroker
{
    public static Task<IConnection> ConnectAsync(string vhost) =>
        new ConnectionFactory { Uri = new Uri(TestEnvironment.Broker(vhost)) }.CreateConnectionAsync();

    /// <summary>
    /// Takes messages off the queue until the one with this MassTransit message id shows up, and returns it.
    /// Others are dropped: earlier runs may have left some there.
    /// </summary>
    public static async Task<BasicGetResult> TakeMessageAsync(this IConnection connection, string queue, Guid messageId) =>
        (await Eventually.Until(async () =>
        {
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
                {
                    using var envelope = JsonDocument.Parse(message.Body);
                    if (envelope.RootElement.GetProperty("messageId").GetString() == messageId.ToString())
                    {
                        return message;
                    }
                }
            }
            // The queue only exists once a first message is moved there; a get on a missing queue closes the channel.
            catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
            {
            }
            return null;
        }, message => message is not null, what: $"message {messageId} in {queue}"))!;
}
