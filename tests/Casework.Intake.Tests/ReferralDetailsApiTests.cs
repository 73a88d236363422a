using System.Net;
using System.Text.Json;
using Casework.Intake.Domain;
using Casework.Testing;
using Casework.Persistence;

namespace Casework.Intake.Tests;

/// <summary>Consent by whom, the referring contact, self-referrals and the decision deadline, through the hosted API.</summary>
[Collection(IntakeCollection.Name)]
public sealed class ReferralDetailsApiTests(IntakeFixture fixture)
{
    private const string Referrals = "/api/intake/referrals";

    private static string NewPartner() => "portal-" + Guid.NewGuid().ToString("N")[..10];

    private static async Task<JsonElement> SubmitAsync(HttpClient client, object body)
    {
        using var response = await client.PostJsonAsync(Referrals, body);
        return await response.JsonAsync(HttpStatusCode.Created);
    }

    private static object Minimal(object? consent = null, object? referringContact = null, string? source = null) => new
    {
        person = new { givenName = "Grace", familyName = "Hopper" },
        reason = "Needs help with housing",
        consent = consent ?? new { given = true },
        referringContact,
        source,
    };

    [Fact]
    public async Task A_partner_names_its_contact_and_a_representative_who_gave_consent()
    {
        var partner = NewPartner();
        using var client = fixture.Partner(partner);
        var givenAt = DateTimeOffset.UtcNow.AddDays(-2);

        var body = await SubmitAsync(client, Minimal(
            consent: new { given = true, scope = "Share with the housing team", givenBy = "representative", representativeName = " Mary Hopper ", representativeRelationship = "parent", givenAt },
            referringContact: new { name = "Sam Support", email = "sam@shelter.example.org", role = "Support worker" }));

        var consent = body.GetProperty("consent");
        Assert.Equal("representative", consent.Text("givenBy"));
        Assert.Equal("Mary Hopper", consent.Text("representativeName"));
        Assert.Equal("parent", consent.Text("representativeRelationship"));
        Assert.Equal("Share with the housing team", consent.Text("scope"));
        Assert.Equal(partner, consent.Text("recordedBy"));
        Assert.Equal(givenAt.ToUnixTimeSeconds(), consent.GetProperty("givenAt").GetDateTimeOffset().ToUnixTimeSeconds());
        var contact = body.GetProperty("referringContact");
        Assert.Equal("Sam Support", contact.Text("name"));
        Assert.Equal("sam@shelter.example.org", contact.Text("email"));
        Assert.Equal(JsonValueKind.Null, contact.GetProperty("phone").ValueKind);
        Assert.Equal("Support worker", contact.Text("role"));

        var stored = (await fixture.Store.GetAsync<Referral>(body.GetProperty("id").GetString()!))!.Document;
        Assert.Equal(ConsentGivers.Representative, stored.Consent.GivenBy);
        Assert.Equal(new ReferringContact("Sam Support", "sam@shelter.example.org", null, "Support worker"), stored.ReferringContact);
    }

    [Fact]
    public async Task Without_the_new_fields_a_referral_is_taken_as_before_with_consent_from_the_person()
    {
        using var client = fixture.Partner(NewPartner());
        var body = await SubmitAsync(client, new { person = new { givenName = "Grace", familyName = "Hopper" }, reason = "Needs help", consent = new { given = true } });
        Assert.Equal("partner", body.Text("source"));
        Assert.Equal("person", body.GetProperty("consent").Text("givenBy"));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("referringContact").ValueKind);
    }

    [Fact]
    public async Task Bad_contact_and_consent_details_are_a_400_naming_each_field()
    {
        using var client = fixture.Partner(NewPartner());
        var referrals = await fixture.CountAsync<Referral>();

        using var response = await client.PostJsonAsync(Referrals, Minimal(
            consent: new { given = true, givenBy = "representative", givenAt = DateTimeOffset.UtcNow.AddDays(1) },
            referringContact: new { name = " ", email = "not-an-email", phone = "call me" },
            source: "self"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(
            new[] { "consent.givenAt", "consent.representativeName", "referringContact.email", "referringContact.name", "referringContact.phone", "source" },
            problem.ErrorFields().Order(StringComparer.Ordinal));
        Assert.Equal(referrals, await fixture.CountAsync<Referral>());
    }

    [Fact]
    public async Task A_contact_needs_an_email_or_a_phone_and_only_a_representative_is_named()
    {
        using var client = fixture.Partner(NewPartner());
        using var response = await client.PostJsonAsync(Referrals, Minimal(
            consent: new { given = true, givenBy = "friend", representativeName = "Someone" },
            referringContact: new { name = "Sam Support" }));
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(new[] { "consent.givenBy", "consent.representativeName", "referringContact" }, problem.ErrorFields().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Staff_record_a_self_referral_with_the_same_lifecycle()
    {
        using var staff = fixture.Staff(subject: "worker-3");
        var body = await SubmitAsync(staff, Minimal(source: "self"));
        var id = body.GetProperty("id").GetString()!;

        Assert.Equal("self", body.Text("source"));
        Assert.Equal(JsonValueKind.Null, body.GetProperty("partnerClientId").ValueKind);
        Assert.Equal("worker-3", body.GetProperty("consent").Text("recordedBy"));
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'ReferralReceived' AND payload->>'referralId' = $1 AND payload->>'source' = 'self'", id));

        using var screen = await staff.PostAsync($"{Referrals}/{id}/screen", null);
        Assert.Equal("Screening", (await screen.JsonAsync(HttpStatusCode.OK)).Text("status"));
    }

    [Theory]
    [InlineData("partner")]
    [InlineData("web")]
    public async Task Staff_cannot_claim_another_source(string source)
    {
        using var staff = fixture.Staff();
        using var response = await staff.PostJsonAsync(Referrals, Minimal(source: source));
        Assert.Equal(["source"], (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task A_received_referral_is_due_by_the_end_of_the_fifth_working_day()
    {
        using var client = fixture.Partner(NewPartner());
        var before = DateTimeOffset.UtcNow;
        var body = await SubmitAsync(client, Minimal());

        var expected = new DecisionSla(5, TimeZoneInfo.Utc).DueAt(body.GetProperty("receivedAt").GetDateTimeOffset());
        Assert.Equal(expected, body.GetProperty("decisionDueAt").GetDateTimeOffset());
        Assert.True(expected - before > TimeSpan.FromDays(5), "five working days are at least five calendar days");
        Assert.False(body.GetProperty("overdue").GetBoolean());
        // Stored in the one sortable UTC form the overdue list compares.
        var stored = await fixture.Database.ScalarAsync<string>("SELECT data->>'decisionDueAt' FROM doc_referrals WHERE id = $1", body.GetProperty("id").GetString()!);
        Assert.Equal(SortableUtc.Format(expected), stored);
    }

    [Fact]
    public async Task Staff_list_the_overdue_open_referrals_most_overdue_first_and_partners_only_their_own()
    {
        var partnerId = NewPartner();
        using var partner = fixture.Partner(partnerId);
        using var other = fixture.Partner(NewPartner());
        var late = (await SubmitAsync(partner, Minimal())).GetProperty("id").GetString()!;
        var later = (await SubmitAsync(partner, Minimal())).GetProperty("id").GetString()!;
        var decided = (await SubmitAsync(partner, Minimal())).GetProperty("id").GetString()!;
        var onTime = (await SubmitAsync(partner, Minimal())).GetProperty("id").GetString()!;
        var othersLate = (await SubmitAsync(other, Minimal())).GetProperty("id").GetString()!;
        await MoveDeadlineAsync(late, DateTimeOffset.UtcNow.AddDays(-3));
        await MoveDeadlineAsync(later, DateTimeOffset.UtcNow.AddDays(-1));
        await MoveDeadlineAsync(decided, DateTimeOffset.UtcNow.AddDays(-2));
        await MoveDeadlineAsync(othersLate, DateTimeOffset.UtcNow.AddDays(-2));
        using var staff = fixture.Staff();
        using (var decline = await staff.PostJsonAsync($"{Referrals}/{decided}/decline", new { reason = "Outside our area" }))
        {
            Assert.Equal(HttpStatusCode.OK, decline.StatusCode);
        }

        using var list = await staff.GetAsync($"{Referrals}?overdue=true&limit=200");
        var items = (await list.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        var ids = items.Select(i => i.Text("id")).ToList();
        Assert.Contains(late, ids);
        Assert.Contains(later, ids);
        Assert.Contains(othersLate, ids);
        Assert.DoesNotContain(decided, ids);
        Assert.DoesNotContain(onTime, ids);
        Assert.True(ids.IndexOf(late) < ids.IndexOf(later), "most overdue first");
        Assert.All(items, i => Assert.True(i.GetProperty("overdue").GetBoolean()));
        var dues = items.Select(i => i.GetProperty("decisionDueAt").GetDateTimeOffset()).ToList();
        Assert.Equal(dues.Order(), dues);

        using var screening = await staff.GetAsync($"{Referrals}?overdue=true&status=Declined");
        Assert.Equal(0, (await screening.JsonAsync(HttpStatusCode.OK)).GetProperty("total").GetInt64());

        using var own = await partner.GetAsync($"{Referrals}?overdue=true");
        var ownIds = (await own.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(i => i.Text("id")).ToList();
        Assert.Equal([late, later], ownIds);

        using var one = await staff.GetAsync($"{Referrals}/{onTime}");
        Assert.False((await one.JsonAsync(HttpStatusCode.OK)).GetProperty("overdue").GetBoolean());
    }

    [Fact]
    public async Task An_overdue_flag_that_is_not_a_boolean_is_a_400()
    {
        using var staff = fixture.Staff();
        using var response = await staff.GetAsync($"{Referrals}?overdue=maybe");
        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("overdue", out _), problem.ToString());
    }

    /// <summary>Time travel for the SLA: the referral as if received long enough ago to be due at <paramref name="due"/>.</summary>
    private async Task MoveDeadlineAsync(string id, DateTimeOffset due)
    {
        await using var session = fixture.Store.OpenSession();
        var current = (await session.GetAsync<Referral>(id))!;
        session.Update(id, current.Document with { DecisionDueAt = due }, current.Version);
        await session.CommitAsync();
    }
}
