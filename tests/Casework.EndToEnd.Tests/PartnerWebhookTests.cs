using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>
/// A partner portal that prefers being told to polling: it registers a webhook through the gateway, submits
/// a referral, and its receiver gets a signed post for each status change staff make. The local run allows
/// http webhooks on loopback (appsettings.Development.json); production allows only https to public hosts.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PartnerWebhookTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_partner_receiving_signed_status_webhooks()
    {
        // The second demo partner, so the other tests' referrals (the first partner's) post nothing here.
        var (clientId, secret) = ReferralFlowTests.Partner(1);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        await using var receiver = await WebhookReceiver.StartAsync();

        using var registered = await partner.PutAsJsonAsync("api/intake/webhook", new { url = receiver.Url.ToString() });
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        receiver.Secret = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString();
        try
        {
            var externalReference = "JC-" + Guid.NewGuid().ToString("N")[..8];
            var submitted = await ReferralFlowTests.PostWithKeyAsync(partner, ReferralFlowTests.NewReferral(externalReference, "Morgan"), Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
            var referral = await submitted.Content.ReadFromJsonAsync<JsonElement>();
            var referralId = referral.GetProperty("id").GetString()!;
            Assert.Equal(JsonValueKind.String, referral.GetProperty("decisionDueAt").ValueKind);

            using var alice = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "alice"));
            using (var screened = await alice.PostAsync($"api/intake/referrals/{referralId}/screen", null))
            {
                Assert.Equal(HttpStatusCode.OK, screened.StatusCode);
            }
            using (var accepted = await alice.PostAsJsonAsync($"api/intake/referrals/{referralId}/accept", ReferralFlowTests.AcceptOntoHousing))
            {
                Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            }

            var posts = await Eventually.Until(
                () => Task.FromResult(receiver.Received.Where(p => p.Json.GetProperty("referralId").GetString() == referralId).ToList()),
                found => found.Count >= 3, what: "a webhook post for each status change");
            Assert.All(posts, post => Assert.True(post.SignatureValid, $"signature of {post.Body}"));
            Assert.Equal(["referral.accepted", "referral.received", "referral.screening"], posts.Select(p => p.Event!).Order());
            Assert.All(posts, post => Assert.Equal(externalReference, post.Json.GetProperty("externalReference").GetString()));
            var statuses = posts.OrderBy(p => p.Json.GetProperty("referralVersion").GetInt64()).Select(p => p.Json.GetProperty("status").GetString());
            Assert.Equal(["Received", "Screening", "Accepted"], statuses);

            // The partner's delivery log agrees.
            var log = await Eventually.Until(
                async () => (await partner.GetFromJsonAsync<JsonElement>($"api/intake/webhook/deliveries?referralId={referralId}")).GetProperty("items"),
                items => items.GetArrayLength() == 3 && items.EnumerateArray().All(d => d.GetProperty("state").GetString() == "Delivered"),
                what: "the delivery log to show three delivered");
            Assert.All(log.EnumerateArray(), d => Assert.Equal(204, d.GetProperty("attempts")[0].GetProperty("statusCode").GetInt32()));
        }
        finally
        {
            using var removed = await partner.DeleteAsync("api/intake/webhook");
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }
    }
}
