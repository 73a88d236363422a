using Casework.Intake;
using Casework.Intake.Domain;
using Casework.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Intake.Tests;

/// <summary>Intake forgets what it keeps only for a while: finished webhook deliveries and old idempotency keys.</summary>
[Collection(IntakeCollection.Name)]
public sealed class IntakeRetentionTests(IntakeFixture fixture)
{
    private static WebhookDelivery Delivery(string state, DateTimeOffset createdAt) =>
        new(Guid.NewGuid(), "portal-retention", Guid.NewGuid(), "R-1", "referral.accepted", "Accepted", "{}", createdAt) { State = state };

    [Fact]
    public async Task Finished_deliveries_and_keys_past_their_retention_are_deleted_and_nothing_else()
    {
        var now = DateTimeOffset.UtcNow;
        var old = now.AddDays(-31);
        var deliveredLongAgo = Delivery(WebhookDeliveryStates.Delivered, old);
        var failedLongAgo = Delivery(WebhookDeliveryStates.Failed, old);
        var stillPending = Delivery(WebhookDeliveryStates.Pending, old) with { NextAttemptAt = now.AddMinutes(5) };
        var deliveredRecently = Delivery(WebhookDeliveryStates.Delivered, now.AddDays(-2));
        var oldKey = new IdempotencyRecord("portal-retention", "old-" + Guid.NewGuid(), "hash", Guid.NewGuid(), old);
        var newKey = new IdempotencyRecord("portal-retention", "new-" + Guid.NewGuid(), "hash", Guid.NewGuid(), now.AddDays(-1));
        await using (var session = fixture.Store.OpenSession())
        {
            foreach (var delivery in new[] { deliveredLongAgo, failedLongAgo, stillPending, deliveredRecently })
            {
                session.Insert(delivery.Id.ToString(), delivery);
            }
            session.Insert(IdempotencyRecord.DocumentId(oldKey.ClientId, oldKey.Key), oldKey);
            session.Insert(IdempotencyRecord.DocumentId(newKey.ClientId, newKey.Key), newKey);
            await session.CommitAsync();
        }

        var (deliveries, keys) = await fixture.Factory.Services.GetRequiredService<IntakeRetention>().PurgeAsync(now, CancellationToken.None);

        Assert.True(deliveries >= 2 && keys >= 1);
        Assert.Null(await fixture.Store.GetAsync<WebhookDelivery>(deliveredLongAgo.Id.ToString()));
        Assert.Null(await fixture.Store.GetAsync<WebhookDelivery>(failedLongAgo.Id.ToString()));
        Assert.NotNull(await fixture.Store.GetAsync<WebhookDelivery>(stillPending.Id.ToString())); // never a delivery still to make
        Assert.NotNull(await fixture.Store.GetAsync<WebhookDelivery>(deliveredRecently.Id.ToString()));
        Assert.Null(await fixture.Store.GetAsync<IdempotencyRecord>(IdempotencyRecord.DocumentId(oldKey.ClientId, oldKey.Key)));
        Assert.NotNull(await fixture.Store.GetAsync<IdempotencyRecord>(IdempotencyRecord.DocumentId(newKey.ClientId, newKey.Key)));
    }
}
