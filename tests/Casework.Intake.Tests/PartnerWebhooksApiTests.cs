using System.Net;
using System.Text.Json;
using Casework.Intake.Domain;
using Casework.Intake.Webhooks;
using Casework.Persistence;
using Casework.Testing;

namespace Casework.Intake.Tests;

/// <summary>
/// Partner status webhooks against the hosted service: registration, signed deliveries to a real receiver
/// on loopback (which fails on request to prove the retries), the delivery log, and the claim that keeps
/// two workers from sending one delivery.
/// </summary>
[Collection(IntakeCollection.Name)]
public sealed class PartnerWebhooksApiTests(IntakeFixture fixture)
{
    private const string Referrals = "/api/intake/referrals";
    private const string Webhook = "/api/intake/webhook";

    private static string NewPartner() => "portal-" + Guid.NewGuid().ToString("N")[..10];

    private static object NewReferral(string externalReference) => new
    {
        person = new { givenName = "Ada", familyName = "Lovelace" },
        reason = "Facing eviction at the end of the month",
        consent = new { given = true },
        externalReference,
    };

    private static async Task<string> RegisterAsync(HttpClient partner, WebhookReceiver receiver)
    {
        using var response = await partner.PutJsonAsync(Webhook, new { url = receiver.Url.ToString() });
        var secret = (await response.JsonAsync(HttpStatusCode.OK)).Text("secret")!;
        receiver.Secret = secret;
        return secret;
    }

    private static async Task<Guid> SubmitAsync(HttpClient client, string externalReference)
    {
        using var response = await client.PostJsonAsync(Referrals, NewReferral(externalReference));
        return (await response.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    private static async Task<List<JsonElement>> DeliveriesAsync(HttpClient partner, string query = "")
    {
        using var response = await partner.GetAsync($"{Webhook}/deliveries?limit=200{query}");
        return [.. (await response.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()];
    }

    // ---- registration

    [Fact]
    public async Task A_partner_registers_a_webhook_and_gets_its_secret_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var partner = fixture.Partner(NewPartner());

        using var registered = await partner.PutJsonAsync(Webhook, new { url = receiver.Url.ToString() });
        var registration = await registered.JsonAsync(HttpStatusCode.OK);
        var secret = registration.Text("secret")!;
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(receiver.Url.ToString(), registration.Text("url"));

        using var read = await partner.GetAsync(Webhook);
        var view = await read.JsonAsync(HttpStatusCode.OK);
        Assert.False(view.TryGetProperty("secret", out _));
        Assert.Equal("whsec_…" + secret[^4..], view.Text("secretHint"));

        // Registering again replaces the webhook and its secret.
        using var replaced = await partner.PutJsonAsync(Webhook, new { url = receiver.Url + "?v=2" });
        var second = await replaced.JsonAsync(HttpStatusCode.OK);
        Assert.NotEqual(secret, second.Text("secret"));
        using var reread = await partner.GetAsync(Webhook);
        Assert.EndsWith("?v=2", (await reread.JsonAsync(HttpStatusCode.OK)).Text("url"));
    }

    [Fact]
    public async Task Removing_the_webhook_makes_it_404_and_a_second_removal_too()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var partner = fixture.Partner(NewPartner());
        await RegisterAsync(partner, receiver);

        using var removed = await partner.DeleteAsync(Webhook);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var read = await partner.GetAsync(Webhook);
        await read.ProblemAsync(HttpStatusCode.NotFound);
        using var again = await partner.DeleteAsync(Webhook);
        await again.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/hook")]
    [InlineData("not a url")]
    [InlineData("")]
    public async Task A_bad_webhook_url_is_a_400_naming_url(string url)
    {
        using var partner = fixture.Partner(NewPartner());
        using var response = await partner.PutJsonAsync(Webhook, new { url });
        Assert.Equal(["url"], (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        using var read = await partner.GetAsync(Webhook);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task Staff_and_read_only_tokens_cannot_register_a_webhook()
    {
        using var staff = fixture.Staff(role: "admin");
        using var byStaff = await staff.PutJsonAsync(Webhook, new { url = "https://portal.example.org/hook" });
        Assert.Equal(HttpStatusCode.Forbidden, byStaff.StatusCode);

        using var readOnly = fixture.Factory.CreateClient(TestTokens.Partner(NewPartner(), [IntakeFixture.Audience], "intake.referrals.read"));
        using var byReader = await readOnly.PutJsonAsync(Webhook, new { url = "https://portal.example.org/hook" });
        Assert.Equal(HttpStatusCode.Forbidden, byReader.StatusCode);
        using var log = await readOnly.GetAsync($"{Webhook}/deliveries");
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
    }

    // ---- deliveries

    [Fact]
    public async Task Every_status_change_reaches_the_partner_signed_and_a_failed_post_is_retried_with_backoff()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var partnerId = NewPartner();
        using var partner = fixture.Partner(partnerId);
        await RegisterAsync(partner, receiver);
        receiver.FailNext(1); // the first post (referral.received) gets a 500

        var externalReference = "CA-" + Guid.NewGuid().ToString("N")[..6];
        var id = await SubmitAsync(partner, externalReference);
        await Eventually.Until(() => Task.FromResult(receiver.Received.Count), count => count >= 1, what: "the first post, answered 500");
        using var staff = fixture.Staff(subject: "worker-9");
        using (var screen = await staff.PostAsync($"{Referrals}/{id}/screen", null))
        {
            Assert.Equal(HttpStatusCode.OK, screen.StatusCode);
        }
        using (var decline = await staff.PostJsonAsync($"{Referrals}/{id}/decline", new { reason = "Outside our area" }))
        {
            Assert.Equal(HttpStatusCode.OK, decline.StatusCode);
        }

        var delivered = await Eventually.Until(
            () => Task.FromResult(receiver.Received.Where(r => r.Answered == 204).ToList()),
            posts => posts.Count >= 3, what: "three accepted posts");
        Assert.All(receiver.Received, post => Assert.True(post.SignatureValid, post.Body));
        var byEvent = delivered.ToDictionary(p => p.Event!, p => p.Json);
        Assert.Equal(["referral.declined", "referral.received", "referral.screening"], byEvent.Keys.Order());
        foreach (var (eventName, body) in byEvent)
        {
            Assert.Equal(eventName, body.Text("event"));
            Assert.Equal(id, body.GetProperty("referralId").GetGuid());
            Assert.Equal(externalReference, body.Text("externalReference"));
        }
        Assert.Equal("Received", byEvent["referral.received"].Text("status"));
        Assert.Equal(1, byEvent["referral.received"].GetProperty("referralVersion").GetInt64());
        Assert.Equal("Screening", byEvent["referral.screening"].Text("status"));
        Assert.Equal(JsonValueKind.Null, byEvent["referral.screening"].GetProperty("reason").ValueKind);
        Assert.Equal("Declined", byEvent["referral.declined"].Text("status"));
        Assert.Equal("Outside our area", byEvent["referral.declined"].Text("reason"));
        Assert.Equal(3, byEvent["referral.declined"].GetProperty("referralVersion").GetInt64());

        // The failed post was retried with the same delivery id and body (so the partner can drop a repeat).
        var received = receiver.Received.Where(p => p.Event == "referral.received").ToList();
        Assert.Equal([500, 204], received.Select(p => p.Answered));
        Assert.Equal(received[0].DeliveryId, received[1].DeliveryId);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.Equal(received[0].DeliveryId, byEvent["referral.received"].Text("deliveryId"));
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromMilliseconds(90), "backoff of at least half the 200 ms base");

        // The delivery log shows it, with both attempts.
        var log = await Eventually.Until(() => DeliveriesAsync(partner, $"&referralId={id}"),
            items => items.Count == 3 && items.All(d => d.Text("state") == "Delivered"), what: "the log to show three delivered");
        var first = Assert.Single(log, d => d.Text("event") == "referral.received");
        Assert.Equal([500, 204], first.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("nextAttemptAt").ValueKind);
        Assert.Equal(externalReference, first.Text("externalReference"));

        // Another partner sees none of it.
        using var other = fixture.Partner(NewPartner());
        Assert.Empty(await DeliveriesAsync(other));
    }

    [Fact]
    public async Task A_webhook_that_keeps_failing_gets_the_configured_attempts_then_the_delivery_is_failed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var partner = fixture.Partner(NewPartner());
        await RegisterAsync(partner, receiver);
        receiver.FailNext(int.MaxValue);

        var id = await SubmitAsync(partner, "CA-fail");

        var log = await Eventually.Until(() => DeliveriesAsync(partner, "&state=Failed"), items => items.Count == 1, what: "the delivery to fail");
        var failed = log[0];
        Assert.Equal(id, failed.GetProperty("referralId").GetGuid());
        Assert.Equal([500, 500, 500], failed.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()));
        Assert.Equal([1, 2, 3], failed.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("number").GetInt32()));
        await Task.Delay(600); // longer than the largest backoff: no fourth attempt comes
        Assert.Equal(3, receiver.Received.Count);
    }

    [Fact]
    public async Task A_partner_that_is_down_is_held_back_without_losing_attempts_while_another_partner_is_served()
    {
        await using var down = await WebhookReceiver.StartAsync();
        await using var up = await WebhookReceiver.StartAsync();
        using var failing = fixture.Partner(NewPartner());
        using var healthy = fixture.Partner(NewPartner());
        await RegisterAsync(failing, down);
        await RegisterAsync(healthy, up);
        down.FailNext(int.MaxValue);

        for (var i = 0; i < 5; i++)
        {
            await SubmitAsync(failing, $"CA-down-{i}");
        }
        var served = await SubmitAsync(healthy, "CA-up");

        await Eventually.Until(() => DeliveriesAsync(healthy, "&state=Delivered"), items => items.Any(d => d.GetProperty("referralId").GetGuid() == served),
            what: "the healthy partner's delivery");
        // Held deliveries are delayed, never charged an attempt: each of the five still gets exactly its three.
        var failed = await Eventually.Until(() => DeliveriesAsync(failing, "&state=Failed"), items => items.Count == 5, what: "all five to fail in the end");
        Assert.All(failed, d => Assert.Equal(3, d.GetProperty("attempts").GetArrayLength()));
        Assert.Equal(15, down.Received.Count);
    }

    [Fact]
    public async Task Removing_the_webhook_cancels_what_is_still_pending()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var partner = fixture.Partner(NewPartner());
        await RegisterAsync(partner, receiver);
        receiver.FailNext(int.MaxValue);
        await SubmitAsync(partner, "CA-cancel");
        await Eventually.Until(() => Task.FromResult(receiver.Received.Count), count => count >= 1, what: "a first (failed) attempt");

        using (var removed = await partner.DeleteAsync(Webhook))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        var cancelled = await Eventually.Until(() => DeliveriesAsync(partner), items => items.Count == 1 && items[0].Text("state") != "Pending",
            what: "the pending delivery to be settled");
        Assert.Equal("Cancelled", cancelled[0].Text("state"));
        Assert.Contains("removed", cancelled[0].Text("note"));
    }

    [Fact]
    public async Task No_delivery_is_queued_without_a_webhook_or_for_a_staff_referral()
    {
        using var partner = fixture.Partner(NewPartner());
        var partnerReferral = await SubmitAsync(partner, "CA-none");
        using var staff = fixture.Staff();
        var staffReferral = await SubmitAsync(staff, "CA-staff");
        using var screen = await staff.PostAsync($"{Referrals}/{partnerReferral}/screen", null);
        Assert.Equal(HttpStatusCode.OK, screen.StatusCode);

        foreach (var id in new[] { partnerReferral, staffReferral })
        {
            var queued = await fixture.Store.QueryAsync<WebhookDelivery>(new DocumentQuery { Filter = new DocumentFilter().Equal("referralId", id.ToString()) });
            Assert.Equal(0, queued.Total);
        }
    }

    [Fact]
    public async Task A_refused_decision_queues_no_delivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var partner = fixture.Partner(NewPartner());
        await RegisterAsync(partner, receiver);
        var id = await SubmitAsync(partner, "CA-twice");
        using var staff = fixture.Staff();
        using var first = await staff.PostJsonAsync($"{Referrals}/{id}/decline", new { reason = "Outside our area" });
        using var second = await staff.PostJsonAsync($"{Referrals}/{id}/decline", new { reason = "Again" });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        var queued = await fixture.Store.QueryAsync<WebhookDelivery>(new DocumentQuery { Filter = new DocumentFilter().Equal("referralId", id.ToString()) });
        Assert.Equal(["referral.declined", "referral.received"], queued.Items.Select(d => d.Document.Event).Order());
    }

    [Fact]
    public async Task Only_one_of_two_workers_racing_for_a_delivery_claims_it()
    {
        var person = new Person(Guid.NewGuid(), "Ada", "Lovelace", null, null, null, null, DateTimeOffset.UtcNow, "portal");
        var referral = Referral.Receive(person, "partner", "portal-race", null, null, "Needs help", null, "Medium",
            new Consent(true, null, DateTimeOffset.UtcNow), "portal-race", DateTimeOffset.UtcNow);
        // Due far in the future, so the service's own worker leaves it alone.
        var delivery = WebhookDelivery.Create(Guid.NewGuid(), "portal-race", referral, "referral.received", "{}", DateTimeOffset.UtcNow)
            with { NextAttemptAt = DateTimeOffset.UtcNow.AddDays(1) };
        await using (var session = fixture.Store.OpenSession())
        {
            session.Insert(delivery.Id.ToString(), delivery);
            await session.CommitAsync();
        }
        var candidate = (await fixture.Store.GetAsync<WebhookDelivery>(delivery.Id.ToString()))!;

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            WebhookDeliveries.TryClaimAsync(fixture.Store, candidate, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), CancellationToken.None)));

        var winner = Assert.Single(claims, c => c is not null);
        Assert.Equal(2, winner!.Version);
        Assert.Equal(2, (await fixture.Store.GetAsync<WebhookDelivery>(delivery.Id.ToString()))!.Version);
    }
}

/// <summary>What partners integrate from: the OpenAPI document describes the new fields and the signature scheme.</summary>
[Collection(IntakeCollection.Name)]
public sealed class PartnerApiDocumentTests(IntakeFixture fixture)
{
    [Fact]
    public async Task The_api_document_describes_the_webhook_signature_and_the_new_referral_fields()
    {
        using var client = fixture.Anonymous();
        using var response = await client.GetAsync("/api/intake/openapi/v1.json");
        var document = await response.JsonAsync(HttpStatusCode.OK);

        var register = document.GetProperty("paths").GetProperty("/api/intake/webhook").GetProperty("put");
        var description = register.GetProperty("description").GetString()!;
        Assert.Contains("HMAC-SHA256", description);
        Assert.Contains("Casework-Signature", description);
        Assert.Contains("Casework-Timestamp", description);
        Assert.True(document.GetProperty("paths").GetProperty("/api/intake/webhook/deliveries").TryGetProperty("get", out _));

        var schemas = document.GetProperty("components").GetProperty("schemas");
        var submit = schemas.GetProperty("SubmitReferralRequest").GetProperty("properties");
        Assert.Contains("self", submit.GetProperty("source").GetProperty("description").GetString());
        Assert.True(submit.TryGetProperty("referringContact", out _));
        var consent = schemas.GetProperty("ConsentInput").GetProperty("properties");
        Assert.Contains("representative", consent.GetProperty("givenBy").GetProperty("description").GetString());
        var view = schemas.GetProperty("ReferralView").GetProperty("properties");
        Assert.Contains("working day", view.GetProperty("decisionDueAt").GetProperty("description").GetString());
        Assert.True(view.TryGetProperty("overdue", out _));
    }
}
