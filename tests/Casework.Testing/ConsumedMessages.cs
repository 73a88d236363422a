using System.Collections.Concurrent;
using MassTransit;

namespace Casework.Testing;

/// <summary>
/// Counts the messages a bus finished consuming (whatever the consumer made of them), by message id
/// and type, so a test can wait until a delivery, or a redelivery, has been handled before it asserts.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    private readonly ConcurrentDictionary<(Type Type, Guid MessageId), int> _counts = new();

    /// <summary>How many times a message with this id was consumed, whatever its type.</summary>
    public int Count(Guid messageId) => _counts.Where(entry => entry.Key.MessageId == messageId).Sum(entry => entry.Value);

    /// <summary>How many times a <typeparamref name="T"/> with this id was consumed.</summary>
    public int Count<T>(Guid messageId) => _counts.GetValueOrDefault((typeof(T), messageId));

    /// <summary>Waits until a message with this id was consumed at least <paramref name="times"/> times.</summary>
    public Task WaitForAsync(Guid messageId, int times = 1) =>
        Eventually.Until(() => Task.FromResult(Count(messageId)), n => n >= times, what: $"message {messageId} consumed {times}x");

    /// <summary>Waits until a <typeparamref name="T"/> with this id was consumed at least <paramref name="times"/> times.</summary>
    public Task WaitForAsync<T>(Guid messageId, int times = 1) =>
        Eventually.Until(() => Task.FromResult(Count<T>(messageId)), n => n >= times, what: $"{typeof(T).Name} {messageId} consumed {times}x");

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        if (context.MessageId is { } id)
        {
            _counts.AddOrUpdate((typeof(T), id), 1, (_, n) => n + 1);
        }
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
}
