using System.Net;
using System.Text.Json;
using Casework.Contracts.Events;
using Casework.Intake.Domain;
using Casework.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class ReferralsApiTests(IntakeFixture fixture)
{
    private const string Referrals = "/api/intake/referrals";

    private static string NewPartner() => "portal-" + Guid.NewGuid().ToString("N")[..10];

    private static object ValidReferral(string reason = "Facing eviction at the end of the month") => new
    {
        person = new { givenName = "Ada", familyName = "Lovelace", dateOfBirth = "1990-12-10", email = "ada@example.org", phone = "+44 20 7946 0000", postcode = "sw1a 1aa" },
        reason,
        requestedPathwayId = "housing-support",
        concernLevel = "High",
        consent = new { given = true, scope = "Share with the housing team" },
        referringOrganisation = "Citizens Advice",
        externalReference = "CA-123",
    };

    private async Task<Guid> SubmitAsync(HttpClient client, object? body = null)
    {
        using var response = await client.PostJsonAsync(Referrals, body ?? ValidReferral());
        return (await response.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    private static HttpRequestMessage Decline(Guid id, string? reason, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Referrals}/{id}/decline") { Content = System.Net.Http.Json.JsonContent.Create(new { reason }) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    // ---- submitting

    [Fact]
    public async Task A_partner_submits_a_valid_referral_and_gets_201_with_its_location()
    {
        var partner = NewPartner();
        using var client = fixture.Partner(partner);

        using var response = await client.PostJsonAsync(Referrals, ValidReferral(), ("Idempotency-Key", Guid.NewGuid().ToString()));
        var body = await response.JsonAsync(HttpStatusCode.Created);

        var id = body.GetProperty("id").GetGuid();
        Assert.Equal($"/api/intake/referrals/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(ReferralStatus.Received, body.GetProperty("status").GetString());
        Assert.Equal("partner", body.GetProperty("source").GetString());
        Assert.Equal(partner, body.GetProperty("partnerClientId").GetString());
        Assert.Equal("Ada Lovelace", body.GetProperty("personDisplayName").GetString());
        Assert.Equal("High", body.GetProperty("concernLevel").GetString());
        Assert.Equal("housing-support", body.GetProperty("requestedPathwayId").GetString());
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("history").ValueKind); // staff-only detail

        using var get = await client.GetAsync(response.Headers.Location);
        Assert.Equal(id, (await get.JsonAsync(HttpStatusCode.OK)).GetProperty("id").GetGuid());

        var stored = await fixture.Store.GetAsync<Person>((await fixture.Store.GetAsync<Referral>(id.ToString()))!.Document.PersonId.ToString());
        Assert.Equal("SW1A 1AA", stored!.Document.Postcode);
        Assert.Equal(new DateOnly(1990, 12, 10), stored.Document.DateOfBirth);
    }

    [Fact]
    public async Task A_member_of_staff_submits_a_staff_referral()
    {
        using var client = fixture.Staff();
        using var response = await client.PostJsonAsync(Referrals, ValidReferral());
        var body = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("staff", body.GetProperty("source").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("partnerClientId").ValueKind);
        Assert.Equal(1, body.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_and_body_returns_the_first_referral()
    {
        var partner = NewPartner();
        using var client = fixture.Partner(partner);
        var key = Guid.NewGuid().ToString();

        using var first = await client.PostJsonAsync(Referrals, ValidReferral(), ("Idempotency-Key", key));
        var firstId = (await first.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var people = await fixture.CountAsync<Person>();
        var referrals = await fixture.CountAsync<Referral>();

        using var retry = await client.PostJsonAsync(Referrals, ValidReferral(), ("Idempotency-Key", key));
        var retried = await retry.JsonAsync(HttpStatusCode.Created);

        Assert.Equal(firstId, retried.GetProperty("id").GetGuid());
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(people, await fixture.CountAsync<Person>());
        Assert.Equal(referrals, await fixture.CountAsync<Referral>());
        using var list = await client.GetAsync(Referrals);
        var page = await list.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(1, page.GetProperty("total").GetInt64());
        Assert.Equal(firstId, page.GetProperty("items")[0].GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_body_is_a_409_conflict()
    {
        using var client = fixture.Partner(NewPartner());
        var key = Guid.NewGuid().ToString();
        using var first = await client.PostJsonAsync(Referrals, ValidReferral(), ("Idempotency-Key", key));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var referrals = await fixture.CountAsync<Referral>();

        using var reused = await client.PostJsonAsync(Referrals, ValidReferral("Something else entirely"), ("Idempotency-Key", key));

        var problem = await reused.ProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Idempotency-Key", problem.GetProperty("title").GetString());
        Assert.Equal(referrals, await fixture.CountAsync<Referral>());
    }

    [Fact]
    public async Task Idempotency_keys_are_per_partner()
    {
        var key = Guid.NewGuid().ToString();
        using var a = fixture.Partner(NewPartner());
        using var b = fixture.Partner(NewPartner());
        using var fromA = await a.PostJsonAsync(Referrals, ValidReferral(), ("Idempotency-Key", key));
        using var fromB = await b.PostJsonAsync(Referrals, ValidReferral(), ("Idempotency-Key", key));

        var idA = (await fromA.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var idB = (await fromB.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Assert.NotEqual(idA, idB);
        Assert.False(fromB.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task A_malformed_referral_is_a_400_naming_every_bad_field_and_stores_nothing()
    {
        using var client = fixture.Partner(NewPartner());
        var people = await fixture.CountAsync<Person>();
        var referrals = await fixture.CountAsync<Referral>();

        using var response = await client.PostJsonAsync(Referrals, new
        {
            person = new { givenName = " ", familyName = "Lovelace", email = "not-an-email", phone = "call me" },
            reason = "",
            requestedPathwayId = "Housing Support!",
            concernLevel = "Extreme",
            consent = new { given = false },
        }, ("Idempotency-Key", "has a space"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            new[] { "Idempotency-Key", "concernLevel", "consent.given", "person.email", "person.givenName", "person.phone", "reason", "requestedPathwayId" },
            problem.ErrorFields().Order(StringComparer.Ordinal));
        Assert.Equal(people, await fixture.CountAsync<Person>());
        Assert.Equal(referrals, await fixture.CountAsync<Referral>());
    }

    [Fact]
    public async Task A_referral_without_person_or_consent_names_both()
    {
        using var client = fixture.Partner(NewPartner());
        using var response = await client.PostJsonAsync(Referrals, new { reason = "Needs help" });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "consent", "person" }, problem.ErrorFields().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_date_of_birth_in_the_future_is_refused()
    {
        using var client = fixture.Partner(NewPartner());
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(2)).ToString("yyyy-MM-dd");
        using var response = await client.PostJsonAsync(Referrals, new
        {
            person = new { givenName = "Ada", familyName = "Lovelace", dateOfBirth = tomorrow },
            reason = "Needs help",
            consent = new { given = true },
        });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["person.dateOfBirth"], problem.ErrorFields());
    }

    [Fact]
    public async Task A_wrongly_typed_field_is_a_400_naming_that_field()
    {
        using var client = fixture.Partner(NewPartner());
        var referrals = await fixture.CountAsync<Referral>();

        using var response = await client.PostRawAsync(Referrals, """
            {"person":{"givenName":"Ada","familyName":"Lovelace","dateOfBirth":"not-a-date"},"reason":"Needs help","consent":{"given":true}}
            """);

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("person.dateOfBirth", problem.ErrorFields());
        Assert.Equal(referrals, await fixture.CountAsync<Referral>());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_400_problem()
    {
        using var client = fixture.Partner(NewPartner());
        using var response = await client.PostRawAsync(Referrals, "{\"person\": ");
        await response.ProblemAsync(HttpStatusCode.BadRequest);
    }

    // ---- authentication and authorisation

    [Fact]
    public async Task Without_a_token_the_api_answers_401()
    {
        using var client = fixture.Anonymous();
        using var submit = await client.PostJsonAsync(Referrals, ValidReferral());
        using var list = await client.GetAsync(Referrals);
        Assert.Equal(HttpStatusCode.Unauthorized, submit.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    [Fact]
    public async Task A_token_for_another_service_is_refused()
    {
        using var client = fixture.Factory.CreateClient(TestTokens.Partner(NewPartner(), ["casework-case"], IntakeFixture.PartnerScopes));
        using var response = await client.GetAsync(Referrals);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_without_an_intake_scope_is_forbidden()
    {
        using var client = fixture.Factory.CreateClient(TestTokens.Partner(NewPartner(), [IntakeFixture.Audience], "cases"));
        using var response = await client.GetAsync(Referrals);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_partner_cannot_decline_or_accept_even_its_own_referral()
    {
        using var client = fixture.Partner(NewPartner());
        var id = await SubmitAsync(client);

        using var decline = await client.SendAsync(Decline(id, "Changed our mind"));
        using var accept = await client.PostJsonAsync($"{Referrals}/{id}/accept", new { pathwayId = "housing-support" });

        Assert.Equal(HttpStatusCode.Forbidden, decline.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, accept.StatusCode);
        Assert.Equal(ReferralStatus.Received, (await fixture.Store.GetAsync<Referral>(id.ToString()))!.Document.Status);
    }

    [Fact]
    public async Task An_auditor_cannot_decide_referrals()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        using var auditor = fixture.Staff(role: "auditor");
        using var response = await auditor.SendAsync(Decline(id, "Not mine to decide"));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_partner_reads_its_own_referrals_and_gets_404_for_anyone_elses()
    {
        using var owner = fixture.Partner(NewPartner());
        using var other = fixture.Partner(NewPartner());
        var id = await SubmitAsync(owner);

        using var own = await owner.GetAsync($"{Referrals}/{id}");
        Assert.Equal(id, (await own.JsonAsync(HttpStatusCode.OK)).GetProperty("id").GetGuid());
        Assert.Equal("\"1\"", own.Headers.ETag?.Tag);

        using var foreign = await other.GetAsync($"{Referrals}/{id}");
        await foreign.ProblemAsync(HttpStatusCode.NotFound);

        using var missing = await owner.GetAsync($"{Referrals}/{Guid.NewGuid()}");
        await missing.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_partner_lists_only_its_own_referrals_and_staff_list_all()
    {
        var partnerA = NewPartner();
        using var a = fixture.Partner(partnerA);
        using var b = fixture.Partner(NewPartner());
        var a1 = await SubmitAsync(a);
        var a2 = await SubmitAsync(a);
        var b1 = await SubmitAsync(b);

        using var listA = await a.GetAsync(Referrals);
        var pageA = await listA.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, pageA.GetProperty("total").GetInt64());
        var itemsA = pageA.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([a2, a1], itemsA.Select(i => i.GetProperty("id").GetGuid())); // newest first
        Assert.All(itemsA, i => Assert.Equal(partnerA, i.GetProperty("partnerClientId").GetString()));

        using var listB = await b.GetAsync(Referrals);
        var pageB = await listB.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(b1, Assert.Single(pageB.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        using var staff = fixture.Staff();
        using var all = await staff.GetAsync($"{Referrals}?limit=200");
        var ids = (await all.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(a1, ids);
        Assert.Contains(b1, ids);
    }

    [Fact]
    public async Task Bad_list_parameters_are_a_400_naming_each()
    {
        using var client = fixture.Staff();
        using var response = await client.GetAsync($"{Referrals}?status=Lost&offset=-1&limit=500");
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "limit", "offset", "status" }, problem.ErrorFields().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_list_parameter_of_the_wrong_type_is_a_400_naming_it()
    {
        using var client = fixture.Staff();
        using var response = await client.GetAsync($"{Referrals}?offset=first");
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("offset", out _), problem.ToString());
    }

    // ---- decisions

    [Fact]
    public async Task Staff_decline_a_referral_with_a_reason_and_a_ReferralDeclined_event_is_written()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        using var staff = fixture.Staff(subject: "worker-7");

        using var response = await staff.SendAsync(Decline(id, "  Outside our area  "));
        var body = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(ReferralStatus.Declined, body.GetProperty("status").GetString());
        Assert.Equal("Outside our area", body.GetProperty("declineReason").GetString());
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        var history = body.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.Equal("worker-7", history[1].GetProperty("by").GetString());

        var stored = await fixture.Store.GetAsync<Referral>(id.ToString());
        Assert.Equal(ReferralStatus.Declined, stored!.Document.Status);
        Assert.Equal(2, stored.Version);
        var events = await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'ReferralDeclined' AND payload->>'referralId' = $1 AND payload->>'reason' = 'Outside our area' AND payload->>'declinedBy' = 'worker-7'",
            id.ToString());
        Assert.Equal(1, events);

        using var partnerView = await partner.GetAsync($"{Referrals}/{id}");
        Assert.Equal(ReferralStatus.Declined, (await partnerView.JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Declining_without_a_reason_is_a_400_naming_reason()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        using var staff = fixture.Staff();
        using var response = await staff.SendAsync(Decline(id, "   "));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["reason"], problem.ErrorFields());
        Assert.Equal(1, (await fixture.Store.GetAsync<Referral>(id.ToString()))!.Version);
    }

    [Fact]
    public async Task Deciding_a_referral_twice_is_a_409_conflict()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        using var staff = fixture.Staff();
        using var first = await staff.SendAsync(Decline(id, "Outside our area"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await staff.SendAsync(Decline(id, "Declined again"));

        await second.ProblemAsync(HttpStatusCode.Conflict);
        var stored = await fixture.Store.GetAsync<Referral>(id.ToString());
        Assert.Equal("Outside our area", stored!.Document.DeclineReason);
        Assert.Equal(2, stored.Version);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = 'ReferralDeclined' AND payload->>'referralId' = $1", id.ToString()));
    }

    [Fact]
    public async Task A_decision_with_a_stale_etag_is_a_412_and_changes_nothing()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        await using (var session = fixture.Store.OpenSession()) // someone else changes it: version 2
        {
            var current = await session.GetAsync<Referral>(id.ToString());
            session.Update(id.ToString(), current!.Document with { Status = ReferralStatus.Screening }, current.Version);
            await session.CommitAsync();
        }
        using var staff = fixture.Staff();

        using var stale = await staff.SendAsync(Decline(id, "Outside our area", ifMatch: "\"1\""));
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(ReferralStatus.Screening, (await fixture.Store.GetAsync<Referral>(id.ToString()))!.Document.Status);

        using var fresh = await staff.SendAsync(Decline(id, "Outside our area", ifMatch: "\"2\""));
        Assert.Equal(ReferralStatus.Declined, (await fresh.JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_malformed_if_match_is_a_400()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        using var staff = fixture.Staff();
        using var response = await staff.SendAsync(Decline(id, "Outside our area", ifMatch: "version-one"));
        await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(ReferralStatus.Received, (await fixture.Store.GetAsync<Referral>(id.ToString()))!.Document.Status);
    }

    [Fact]
    public async Task Deciding_a_referral_that_does_not_exist_is_a_404()
    {
        using var staff = fixture.Staff();
        using var response = await staff.SendAsync(Decline(Guid.NewGuid(), "Outside our area"));
        await response.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Accepting_onto_a_malformed_pathway_id_is_a_400_without_asking_case()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        using var staff = fixture.Staff();

        // Case is unreachable in this fixture: had Intake called it, the answer would be 503.
        using var response = await staff.PostJsonAsync($"{Referrals}/{id}/accept", new { pathwayId = "Housing Support", concernLevel = "Extreme" });
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "concernLevel", "pathwayId" }, problem.ErrorFields().Order(StringComparer.Ordinal));

        using var missing = await staff.PostJsonAsync($"{Referrals}/{id}/accept", new { });
        Assert.Equal(["pathwayId"], (await missing.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(ReferralStatus.Received, (await fixture.Store.GetAsync<Referral>(id.ToString()))!.Document.Status);
    }

    [Fact]
    public async Task Accepting_while_case_is_unreachable_is_a_503_and_changes_nothing()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        using var staff = fixture.Staff();

        using var response = await staff.PostJsonAsync($"{Referrals}/{id}/accept", new { pathwayId = "housing-support" });

        await response.ProblemAsync(HttpStatusCode.ServiceUnavailable);
        var stored = await fixture.Store.GetAsync<Referral>(id.ToString());
        Assert.Equal(ReferralStatus.Received, stored!.Document.Status);
        Assert.Equal(1, stored.Version);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = 'ReferralAccepted' AND payload->>'referralId' = $1", id.ToString()));
    }

    // ---- events

    [Fact]
    public async Task A_submitted_referral_publishes_ReferralReceived_through_the_outbox()
    {
        var partner = NewPartner();
        using var client = fixture.Partner(partner);
        var id = await SubmitAsync(client);

        var outboxId = await fixture.Database.ScalarAsync<Guid>(
            // With its decision deadline, so Reporting counts overdue referrals without asking Intake.
            "SELECT id FROM outbox WHERE type = 'ReferralReceived' AND payload->>'referralId' = $1 AND payload->>'partnerClientId' = $2 AND payload->>'source' = 'partner' AND payload->>'decisionDueAt' IS NOT NULL",
            id.ToString(), partner);
        Assert.NotEqual(Guid.Empty, outboxId);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = 'PersonRegistered' AND created_at = (SELECT created_at FROM outbox WHERE id = $1)", outboxId));

        var sentAt = await Eventually.Until(
            () => fixture.Database.ScalarAsync<DateTime?>("SELECT sent_at FROM outbox WHERE id = $1", outboxId),
            at => at is not null, what: "the relay to publish ReferralReceived (with broker confirm) and mark it sent");
        Assert.NotNull(sentAt);
    }

    [Fact]
    public async Task CaseOpened_links_the_referral_to_its_case_and_a_redelivery_changes_nothing()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        var caseId = Guid.NewGuid();
        var messageId = NewId.NextGuid();
        var bus = fixture.Factory.Services.GetRequiredService<IBus>();
        var consumed = new ConsumedMessages();
        using var observing = bus.ConnectConsumeObserver(consumed);

        await bus.Publish(new CaseOpened(caseId, id, Guid.NewGuid(), "housing-support", "housing", "High", DateTimeOffset.UtcNow),
            context => context.MessageId = messageId);
        var linked = await Eventually.Until(() => fixture.Store.GetAsync<Referral>(id.ToString()), r => r!.Document.CaseId is not null, what: "the case link");
        Assert.Equal(caseId, linked!.Document.CaseId);
        Assert.Equal(2, linked.Version);

        // The same message id again, even with another case id in it: the inbox drops it.
        await bus.Publish(new CaseOpened(Guid.NewGuid(), id, Guid.NewGuid(), "housing-support", "housing", "High", DateTimeOffset.UtcNow),
            context => context.MessageId = messageId);
        await Eventually.Until(() => Task.FromResult(consumed.Count(messageId)), n => n >= 2, what: "the redelivery to be consumed");
        var after = await fixture.Store.GetAsync<Referral>(id.ToString());
        Assert.Equal(caseId, after!.Document.CaseId);
        Assert.Equal(2, after.Version);

        using var staff = fixture.Staff();
        using var view = await staff.GetAsync($"{Referrals}/{id}");
        Assert.Equal(caseId, (await view.JsonAsync(HttpStatusCode.OK)).GetProperty("caseId").GetGuid());
        using var partnerView = await partner.GetAsync($"{Referrals}/{id}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await partnerView.JsonAsync(HttpStatusCode.OK)).GetProperty("caseId").ValueKind);
    }

    /// <summary>Counts the messages the service's bus finished consuming, by message id.</summary>
    private sealed class ConsumedMessages : IConsumeObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> _counts = new();

        public int Count(Guid messageId) => _counts.GetValueOrDefault(messageId);

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            _counts.AddOrUpdate(context.MessageId!.Value, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }

    [Fact]
    public async Task Staff_start_screening_once_and_publish_it_and_a_screened_referral_can_be_accepted()
    {
        using var partner = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);
        using var staff = fixture.Staff(subject: "screener-1");

        using var screened = await staff.PostAsync($"{Referrals}/{id}/screen", null);
        var view = await screened.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Screening", view.GetProperty("status").GetString());
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'ReferralScreeningStarted' AND payload->>'referralId' = $1 AND payload->>'startedBy' = 'screener-1'", id.ToString()));

        using var again = await staff.PostAsync($"{Referrals}/{id}/screen", null);
        await again.ProblemAsync(HttpStatusCode.Conflict);

        using var auditor = fixture.Staff(role: "auditor");
        using var refused = await auditor.PostAsync($"{Referrals}/{id}/screen", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_partner_withdraws_its_own_undecided_referral_but_not_another_partners_nor_a_decided_one()
    {
        using var partner = fixture.Partner(NewPartner());
        using var other = fixture.Partner(NewPartner());
        var id = await SubmitAsync(partner);

        using var notTheirs = await other.PostJsonAsync($"{Referrals}/{id}/withdraw", new { reason = "Not ours" });
        await notTheirs.ProblemAsync(HttpStatusCode.NotFound);
        using var noReason = await partner.PostJsonAsync($"{Referrals}/{id}/withdraw", new { reason = "" });
        Assert.Contains("reason", (await noReason.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var withdrawn = await partner.PostJsonAsync($"{Referrals}/{id}/withdraw", new { reason = "The person found housing elsewhere" });
        var view = await withdrawn.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Withdrawn", view.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("history").ValueKind); // partners get no staff-only details
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'ReferralWithdrawn' AND payload->>'referralId' = $1 AND payload->>'reason' = 'The person found housing elsewhere'",
            id.ToString()));

        using var twice = await partner.PostJsonAsync($"{Referrals}/{id}/withdraw", new { reason = "Again" });
        await twice.ProblemAsync(HttpStatusCode.Conflict);
        using var staff = fixture.Staff();
        using var decline = await staff.PostJsonAsync($"{Referrals}/{id}/decline", new { reason = "Out of area" });
        await decline.ProblemAsync(HttpStatusCode.Conflict); // a withdrawn referral is decided
    }

    [Fact]
    public async Task Another_partners_version_guess_gets_404_not_412()
    {
        using var owner = fixture.Partner("portal-owner");
        using var submitted = await owner.PostJsonAsync(Referrals, new
        {
            person = new { givenName = "Ada", familyName = "Guess" }, reason = "Rent arrears", consent = new { given = true },
        });
        var id = (await submitted.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        using var other = fixture.Partner("portal-other");
        using var guess = await other.PostJsonAsync($"{Referrals}/{id}/withdraw", new { reason = "Not ours" }, ("If-Match", "\"99\""));
        await guess.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Screening_answers_need_staff_a_pathway_and_answers_and_bad_input_is_named()
    {
        using var staff = fixture.Staff();
        using var submitted = await staff.PostJsonAsync(Referrals, new
        {
            person = new { givenName = "Ada", familyName = "Screen" }, reason = "Rent arrears", consent = new { given = true },
        });
        var id = (await submitted.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        using var empty = await staff.PutJsonAsync($"{Referrals}/{id}/screening", new { });
        var fields = (await empty.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields();
        Assert.Contains("pathwayId", fields);
        Assert.Contains("answers", fields);

        using var partner = fixture.Partner("portal-screening");
        using var refused = await partner.PutJsonAsync($"{Referrals}/{id}/screening", new { pathwayId = "housing-support", answers = new { } });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var auditor = fixture.Staff(role: "auditor");
        using var readOnly = await auditor.PutJsonAsync($"{Referrals}/{id}/screening", new { pathwayId = "housing-support", answers = new { } });
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);
        Assert.Null((await fixture.Store.GetAsync<Casework.Intake.Domain.Referral>(id.ToString()))!.Document.Screening);
    }
}
