using System.Text;
using System.Text.Json;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Casework.Messaging.Tests;

[Collection(MessagingCollection.Name)]
public sealed class MessagingTests(MessagingFixture fixture)
{
    private Task<long> AppliedCountAsync(Guid personId) =>
        fixture.Store.QueryAsync<Applied>(new DocumentQuery { Filter = new DocumentFilter().Equal("personId", personId.ToString()) })
            .ContinueWith(t => t.Result.Total, TaskScheduler.Default);

    [Fact]
    public async Task An_event_committed_in_a_session_is_relayed_consumed_once_and_marked_sent()
    {
        var personId = Guid.NewGuid();
        await using (var session = fixture.Store.OpenSession())
        {
            session.Publish(new PersonRegistered(personId, "Ada Lovelace", DateTimeOffset.UtcNow));
            Assert.Equal(CommitResult.Committed, await session.CommitAsync());
        }
        var outboxId = await fixture.Database.ScalarAsync<Guid>("SELECT id FROM outbox WHERE payload->>'personId' = $1", personId.ToString());
        Assert.NotEqual(Guid.Empty, outboxId);

        // The relay's poll is a minute: this arrives within the wait only because the commit woke it.
        await Eventually.Until(() => AppliedCountAsync(personId), n => n > 0, what: "the relayed event to be consumed");
        var applied = await fixture.Store.QueryAsync<Applied>(new DocumentQuery { Filter = new DocumentFilter().Equal("personId", personId.ToString()) });
        Assert.Equal("Ada Lovelace", Assert.Single(applied.Items).Document.DisplayName);

        // The outbox id travels as the message id, which is what the consumer's inbox recorded.
        Assert.True(await fixture.Store.HasConsumedAsync(outboxId, nameof(RecordingConsumer)));
        Assert.Equal(1, fixture.Consumed.Count(outboxId));

        var sentAt = await Eventually.Until(
            () => fixture.Database.ScalarAsync<DateTime?>("SELECT sent_at FROM outbox WHERE id = $1", outboxId),
            at => at is not null, what: "the outbox row to be marked sent");
        Assert.NotNull(sentAt);
        Assert.Equal(0, await fixture.Outbox.CountPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task The_same_message_id_delivered_twice_applies_the_effect_once()
    {
        var messageId = NewId.NextGuid();
        var message = new PersonRegistered(Guid.NewGuid(), "Grace Hopper", DateTimeOffset.UtcNow);

        await fixture.Bus.Publish(message, context => context.MessageId = messageId);
        await fixture.Bus.Publish(message, context => context.MessageId = messageId);

        await fixture.Consumed.WaitForAsync(messageId, times: 2);
        Assert.Equal(2, fixture.Consumed.Count(messageId));
        Assert.Equal(1, await AppliedCountAsync(message.PersonId));
        Assert.True(await fixture.Store.HasConsumedAsync(messageId, nameof(RecordingConsumer)));
    }

    [Fact]
    public async Task Different_message_ids_are_each_applied()
    {
        var message = new PersonRegistered(Guid.NewGuid(), "Alan Turing", DateTimeOffset.UtcNow);
        await fixture.Bus.Publish(message, context => context.MessageId = NewId.NextGuid());
        await fixture.Bus.Publish(message, context => context.MessageId = NewId.NextGuid());

        Assert.Equal(2, await Eventually.Until(() => AppliedCountAsync(message.PersonId), n => n >= 2, what: "both messages to be applied"));
    }

    [Fact]
    public async Task A_message_whose_consumer_always_fails_ends_in_the_error_queue_after_the_retries()
    {
        var messageId = NewId.NextGuid();
        var workerId = "worker-" + Guid.NewGuid().ToString("N")[..8];
        var queue = fixture.QueueOf<FailingConsumer>();

        await fixture.Bus.Publish(new WorkerCapacityChanged(workerId, "housing", 5, 9, DateTimeOffset.UtcNow), context => context.MessageId = messageId);

        await using var connection = await TestBroker.ConnectAsync(MessagingFixture.Vhost);
        var faulted = await connection.TakeMessageAsync(queue + "_error", messageId);

        var headers = faulted.BasicProperties.Headers!;
        var faultMessage = Encoding.UTF8.GetString((byte[])headers["MT-Fault-Message"]!);
        Assert.Contains(FailingConsumer.Failure, faultMessage);
        Assert.Contains(workerId, faultMessage);
        Assert.Equal(1 + MessagingFixture.RetryCount, fixture.Attempts.Count(messageId));
        using (var envelope = JsonDocument.Parse(faulted.Body))
        {
            Assert.Equal(workerId, envelope.RootElement.GetProperty("message").GetProperty("workerId").GetString());
        }

        // Not left on (or redelivered to) the consumer's queue either.
        await using var channel = await connection.CreateChannelAsync();
        var main = await channel.QueueDeclarePassiveAsync(queue);
        Assert.Equal(0u, main.MessageCount);
    }

    [Fact]
    public async Task A_failed_message_is_counted_in_its_error_queue_and_replayed_once_the_cause_is_fixed()
    {
        var messageId = NewId.NextGuid();
        var queue = fixture.QueueOf<FixableConsumer>();
        var broker = fixture.Host.Services.GetRequiredService<BrokerConnection>();
        var before = await broker.CountMessagesAsync(queue + "_error", CancellationToken.None);

        await fixture.Bus.Publish(new CaseUnassigned(Guid.NewGuid(), "worker-1", "left the team", DateTimeOffset.UtcNow), context => context.MessageId = messageId);
        await Eventually.Until(() => broker.CountMessagesAsync(queue + "_error", CancellationToken.None), n => n == before + 1,
            what: "the failed message to reach the error queue");
        Assert.Equal(1 + MessagingFixture.RetryCount, fixture.Attempts.Count(messageId));
        Assert.Contains(queue, fixture.Host.Services.GetRequiredService<ReceiveQueues>().Names);

        fixture.Host.Services.GetRequiredService<FixableConsumer.Cause>().Fixed = true;
        var moved = await broker.ReplayAsync(queue, 1000, CancellationToken.None);

        Assert.Equal((int)before + 1, moved);
        await Eventually.Until(() => Task.FromResult(fixture.Attempts.Count(messageId)), n => n == 2 + MessagingFixture.RetryCount,
            what: "the replayed message to be consumed");
        Assert.Equal(0u, await broker.CountMessagesAsync(queue + "_error", CancellationToken.None));
    }

    [Fact]
    public async Task An_error_queue_that_never_existed_counts_zero()
    {
        var broker = fixture.Host.Services.GetRequiredService<BrokerConnection>();
        Assert.Equal(0u, await broker.CountMessagesAsync("no-such-queue-" + Guid.NewGuid().ToString("N"), CancellationToken.None));
        Assert.Equal(0, await broker.ReplayAsync("no-such-queue-" + Guid.NewGuid().ToString("N"), 10, CancellationToken.None));
    }

    [Fact]
    public void Readiness_covers_the_store_and_the_bus_is_checked_on_its_own()
    {
        var registrations = fixture.Host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Equal(["store"], registrations.Where(r => r.Tags.Contains("ready")).Select(r => r.Name));
        Assert.Equal(["broker"], registrations.Where(r => r.Tags.Contains("broker")).Select(r => r.Name));
    }
}
