using System.Net;
using System.Text.Json;
using Casework.Contracts;
using Casework.Intake.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Casework.Testing;

namespace Casework.Intake.Tests;

/// <summary>
/// Equality monitoring answers on people: optional, checked against the region's lists, shown to staff only, and sent on in
/// the person's events in coarse form only (year of birth, postcode district), never contact details or a full postcode.
/// </summary>
[Collection(IntakeCollection.Name)]
public sealed class EqualityMonitoringTests(IntakeFixture fixture)
{
    private const string People = "/api/intake/people";
    private const string Referrals = "/api/intake/referrals";

    private static string Unique() => "Okafor" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A day of 1984 of this test's person only: with a shared birthday, postcode and sound-alike name, another test's person is a likely duplicate (409).</summary>
    private static string DateOfBirth(string familyName)
    {
        var n = Convert.ToInt32(familyName[^8..], 16) & int.MaxValue;
        return $"1984-{n % 12 + 1:00}-{n / 12 % 28 + 1:00}";
    }

    private static object Person(string familyName, string? gender = "Woman", string? ethnicity = "Black, Black British, Caribbean or African",
        string? disability = "Prefer not to say") => new
    {
        // Given name and phone of this test only: another test's person would be offered as a duplicate (409).
        givenName = "Chi" + new string(familyName[^8..].Select(c => (char)('a' + Convert.ToInt32(c.ToString(), 16))).ToArray()),
        familyName,
        dateOfBirth = DateOfBirth(familyName),
        email = $"{familyName}@example.org",
        phone = "07700 9" + Convert.ToInt32(familyName[^5..], 16) % 100000,
        postcode = "m1 1ae",
        gender,
        ethnicity,
        disability,
    };

    private async Task<string> OutboxPayloadAsync(string type, Guid personId) =>
        (await fixture.Database.ScalarAsync<string>(
            "SELECT payload::text FROM outbox WHERE type = $1 AND payload->>'personId' = $2 ORDER BY created_at DESC LIMIT 1", type, personId.ToString()))!;

    [Fact]
    public async Task Staff_record_the_answers_see_them_change_them_with_history_and_the_events_carry_only_coarse_facts()
    {
        var family = Unique();
        using var staff = fixture.Staff(subject: "cw-equality");

        using var created = await staff.PostJsonAsync(People, Person(family));
        var person = await created.JsonAsync(HttpStatusCode.Created);
        var id = person.GetProperty("id").GetGuid();
        Assert.Equal(("Woman", "Black, Black British, Caribbean or African", "Prefer not to say"),
            (person.Text("gender"), person.Text("ethnicity"), person.Text("disability")));

        using var read = await staff.GetAsync($"{People}/{id}");
        Assert.Equal("Woman", (await read.JsonAsync(HttpStatusCode.OK)).Text("gender"));

        var registered = JsonDocument.Parse(await OutboxPayloadAsync("PersonRegistered", id)).RootElement;
        // Exactly these properties: the name Case shows, and the coarse facts reports count by.
        Assert.Equal(["birthYear", "disability", "displayName", "ethnicity", "gender", "occurredAt", "personId", "postcodeDistrict"],
            registered.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(1984, registered.GetProperty("birthYear").GetInt32());
        Assert.Equal("M1", registered.Text("postcodeDistrict"));
        Assert.Equal("Woman", registered.Text("gender"));
        var raw = registered.GetRawText();
        foreach (var secret in new[] { DateOfBirth(family), "M11AE", "M1 1AE", "example.org", "07700 9" })
        {
            Assert.DoesNotContain(secret, raw, StringComparison.OrdinalIgnoreCase);
        }

        // Answers change like any detail: recorded in the history, and PersonUpdated carries the person's facts as they are now.
        using var updated = await staff.PutJsonAsync($"{People}/{id}", Person(family, disability: "Yes"), ("If-Match", "\"1\""));
        var change = Assert.Single((await updated.JsonAsync(HttpStatusCode.OK)).GetProperty("history").EnumerateArray());
        var fields = change.GetProperty("changes").EnumerateArray().Select(c => (c.Text("field"), c.Text("from"), c.Text("to"))).ToList();
        Assert.Equal([("disability", "Prefer not to say", "Yes")], fields);
        var update = JsonDocument.Parse(await OutboxPayloadAsync("PersonUpdated", id)).RootElement;
        Assert.Equal(("Yes", "Woman", "M1", 1984), (update.Text("disability"), update.Text("gender"), update.Text("postcodeDistrict"), update.GetProperty("birthYear").GetInt32()));
        Assert.DoesNotContain("M11AE", update.GetRawText());

        // Creation, reads and the change are audited like any personal data.
        var audit = (await fixture.Store.QueryAsync<AuditEntry>(new DocumentQuery { Filter = new DocumentFilter().Equal("actorId", "cw-equality").Equal("recordId", id.ToString()) }))
            .Items.Select(a => a.Document.Action).ToList();
        Assert.Contains("create", audit);
        Assert.Contains("read", audit);
        Assert.Contains("update", audit);

        // Leaving the answers out clears them (every field is sent on a correction), and the event says they are unknown.
        using var cleared = await staff.PutJsonAsync($"{People}/{id}", Person(family, gender: null, ethnicity: null, disability: null));
        var after = await cleared.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("gender").ValueKind);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await OutboxPayloadAsync("PersonUpdated", id)).RootElement.GetProperty("gender").ValueKind);
    }

    [Fact]
    public async Task An_answer_not_in_the_regions_list_is_a_400_naming_the_field_and_nothing_is_written()
    {
        var family = Unique();
        using var staff = fixture.Staff();
        var before = await fixture.CountAsync<Person>();

        using var registered = await staff.PostJsonAsync(People, Person(family, gender: "female", ethnicity: "Martian", disability: "yes"));
        Assert.Equal(["disability", "ethnicity", "gender"],
            (await registered.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order(StringComparer.Ordinal));

        using var partner = fixture.Partner("portal-" + Guid.NewGuid().ToString("N")[..10]);
        using var referred = await partner.PostJsonAsync(Referrals, new { person = Person(family, disability: "Maybe"), reason = "Eviction", consent = new { given = true } });
        Assert.Equal(["person.disability"], (await referred.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        Assert.Equal(before, await fixture.CountAsync<Person>());
    }

    [Fact]
    public async Task A_partner_refers_with_the_answers_but_never_sees_them_while_staff_do()
    {
        var family = Unique();
        using var partner = fixture.Partner("portal-" + Guid.NewGuid().ToString("N")[..10]);
        using var submitted = await partner.PostJsonAsync(Referrals, new { person = Person(family), reason = "Eviction", consent = new { given = true } });
        var body = await submitted.JsonAsync(HttpStatusCode.Created);
        using var read = await partner.GetAsync($"{Referrals}/{body.GetProperty("id").GetGuid()}");
        var partnerView = (await read.JsonAsync(HttpStatusCode.OK)).GetRawText();
        foreach (var answer in new[] { "gender", "ethnicity", "disability", "Woman", "Caribbean", "Prefer not to say" })
        {
            Assert.DoesNotContain(answer, body.GetRawText(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(answer, partnerView, StringComparison.OrdinalIgnoreCase);
        }

        var referral = (await fixture.Store.GetAsync<Referral>(body.GetProperty("id").GetGuid().ToString()))!.Document;
        using var staff = fixture.Staff();
        using var person = await staff.GetAsync($"{People}/{referral.PersonId}");
        Assert.Equal("Woman", (await person.JsonAsync(HttpStatusCode.OK)).Text("gender"));
        Assert.Equal("M1", JsonDocument.Parse(await OutboxPayloadAsync("PersonRegistered", referral.PersonId)).RootElement.Text("postcodeDistrict"));
    }

    [Fact]
    public async Task Clients_that_send_no_answers_keep_working()
    {
        using var staff = fixture.Staff();
        using var created = await staff.PostJsonAsync(People, new { givenName = "Ola", familyName = Unique() });
        var person = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, person.GetProperty("gender").ValueKind);
        var registered = JsonDocument.Parse(await OutboxPayloadAsync("PersonRegistered", person.GetProperty("id").GetGuid())).RootElement;
        Assert.Equal(JsonValueKind.Null, registered.GetProperty("birthYear").ValueKind);
        Assert.Equal(JsonValueKind.Null, registered.GetProperty("postcodeDistrict").ValueKind);
    }

    [Fact]
    public async Task A_merge_restates_the_survivors_facts_not_the_merged_records()
    {
        using var staff = fixture.Staff();
        using var first = await staff.PostJsonAsync(People, Person(Unique(), gender: "Man", disability: "No"));
        var survivorId = (await first.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var second = await staff.PostJsonAsync(People, Person(Unique(), gender: "Woman", disability: "Yes"));
        var duplicateId = (await second.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        using var supervisor = fixture.Staff(role: "supervisor", subject: "sup-equality");
        using var merged = await supervisor.PostJsonAsync($"{People}/{survivorId}/merges", new { mergedPersonId = duplicateId, reason = "Same person" },
            ("If-Match", "\"1\""));
        await merged.JsonAsync(HttpStatusCode.OK);

        var restated = JsonDocument.Parse(await OutboxPayloadAsync("PersonUpdated", survivorId)).RootElement;
        Assert.Equal(("Man", "No"), (restated.Text("gender"), restated.Text("disability")));
    }

    [Theory]
    [InlineData("M1 1AE", "M1")]
    [InlineData("sw1a 1aa", "SW1A")]
    [InlineData("EC1A1BB", "EC1A")]
    [InlineData("B33 8TH", "B33")]
    [InlineData("cr2 6xh", "CR2")]
    [InlineData("M1", "M1")]
    [InlineData("75008", null)]          // France
    [InlineData("D02 X285", null)]       // Ireland (Eircode)
    [InlineData("10115 Berlin", null)]
    [InlineData(null, null)]
    public void The_postcode_district_is_the_outward_code_of_a_UK_postcode_and_nothing_else(string? postcode, string? district) =>
        Assert.Equal(district, PersonKeys.PostcodeDistrict(postcode));

    [Fact]
    public void A_region_replaces_a_list_and_prefer_not_to_say_is_always_offered()
    {
        var vocabulary = EqualityVocabulary.Of(["Female", "Male", "Other"], null, null);
        Assert.Equal(["Female", "Male", "Other", EqualityMonitoring.PreferNotToSay], vocabulary.Genders);
        Assert.Same(EqualityMonitoring.Ethnicities, vocabulary.Ethnicities);
        Assert.Throws<ArgumentException>(() => EqualityVocabulary.Of([], null, null));
        Assert.Throws<ArgumentException>(() => EqualityVocabulary.Of(["Yes", "Yes"], null, null));
    }
}
