using System.Net;
using System.Text.Json;
using Casework.Testing;

namespace Casework.Intake.Tests;

/// <summary>
/// One person, many referrals: staff register a person only after the duplicate check, and refer someone on
/// record by their id, so a housing referral one year and a debt referral the next share one record.
/// </summary>
[Collection(IntakeCollection.Name)]
public sealed class PersonRegistrationTests(IntakeFixture fixture)
{
    private const string People = "/api/intake/people";
    private const string Referrals = "/api/intake/referrals";

    private static object NewPerson(string family, string birthday, string givenName = "Noor", List<Guid>? notTheSameAs = null) => new
    {
        givenName, familyName = family, dateOfBirth = birthday, postcode = "B1 1AA", notTheSameAs,
    };

    private static (string Family, string Birthday) Someone() =>
        ("Haddad-" + string.Concat(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? "bdflmnr" : "aeiou")[Random.Shared.Next(i % 2 == 0 ? 7 : 5)])),
            new DateOnly(1940, 1, 1).AddDays(Random.Shared.Next(25_000)).ToString("O"));

    private Task<long> OutboxAsync(string type, Guid personId) =>
        fixture.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE type = $1 AND payload->>'personId' = $2", type, personId.ToString())!;

    [Fact]
    public async Task Staff_register_a_new_person_who_matches_nobody()
    {
        var (family, birthday) = Someone();
        using var staff = fixture.Staff(subject: "registrar-1");
        using var response = await staff.PostJsonAsync(People, NewPerson(family, birthday));
        var person = await response.JsonAsync(HttpStatusCode.Created);
        var id = person.GetProperty("id").GetGuid();
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal($"/api/intake/people/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("registrar-1", family), (person.Text("createdBy"), person.Text("familyName")));
        Assert.Equal(1, await OutboxAsync("PersonRegistered", id));
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM doc_audit_log WHERE data->>'action' = 'create' AND data->>'recordId' = $1", id.ToString()));
    }

    [Fact]
    public async Task Someone_who_may_be_on_record_is_a_409_with_the_candidates_until_staff_say_they_checked_them()
    {
        var (family, birthday) = Someone();
        using var staff = fixture.Staff();
        using var first = await staff.PostJsonAsync(People, NewPerson(family, birthday));
        var existingId = (await first.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        using var again = await staff.PostJsonAsync(People, NewPerson(family, birthday, givenName: "Nour"));
        var problem = await again.ProblemAsync(HttpStatusCode.Conflict);
        var candidate = Assert.Single(problem.GetProperty("candidates").EnumerateArray());
        Assert.Equal(existingId, candidate.GetProperty("personId").GetGuid());
        Assert.True(candidate.GetProperty("score").GetInt32() >= 50);
        using (var search = await staff.GetAsync($"{People}?familyName={family}"))
        {
            Assert.Equal(1, (await search.JsonAsync(HttpStatusCode.OK)).GetProperty("total").GetInt64()); // nothing registered
        }

        using var confirmed = await staff.PostJsonAsync(People, NewPerson(family, birthday, givenName: "Nour", notTheSameAs: [existingId]));
        var created = await confirmed.JsonAsync(HttpStatusCode.Created);
        var newId = created.GetProperty("id").GetGuid();
        Assert.Equal(1, await OutboxAsync("PersonMatchesDismissed", newId));
        // Checked once: recorded as someone else, so the two are not offered as each other's duplicate again.
        Assert.Contains(created.GetProperty("distinctFrom").EnumerateArray(), d => d.GetProperty("personId").GetGuid() == existingId);
    }

    [Fact]
    public async Task Only_staff_who_change_records_register_people_and_bad_details_are_named()
    {
        var (family, birthday) = Someone();
        using var partner = fixture.Partner("portal-register");
        using var refused = await partner.PostJsonAsync(People, NewPerson(family, birthday));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var auditor = fixture.Staff(role: "auditor");
        using var readOnly = await auditor.PostJsonAsync(People, NewPerson(family, birthday));
        Assert.Equal(HttpStatusCode.Forbidden, readOnly.StatusCode);

        using var staff = fixture.Staff();
        using var bad = await staff.PostJsonAsync(People, new { familyName = family, dateOfBirth = "2999-01-01" });
        var fields = (await bad.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields();
        Assert.Contains("givenName", fields);
        Assert.Contains("dateOfBirth", fields);
    }

    [Fact]
    public async Task Staff_refer_someone_on_record_by_id_and_the_referral_joins_their_record()
    {
        var (family, birthday) = Someone();
        using var staff = fixture.Staff();
        using var registered = await staff.PostJsonAsync(People, NewPerson(family, birthday));
        var personId = (await registered.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        using var referred = await staff.PostJsonAsync(Referrals, new { personId, reason = "Debt advice after a job loss", consent = new { given = true }, source = "self" });
        var referral = await referred.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(personId, referral.GetProperty("personId").GetGuid());
        Assert.Equal($"Noor {family}", referral.Text("personDisplayName"));
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>( // the registration only: the referral made no new person
            "SELECT count(*) FROM outbox WHERE type = 'PersonRegistered' AND payload->>'displayName' = $1", $"Noor {family}"));
        using (var search = await staff.GetAsync($"{People}?familyName={family}"))
        {
            Assert.Equal(1, (await search.JsonAsync(HttpStatusCode.OK)).GetProperty("total").GetInt64());
        }
        using var theirs = await staff.GetAsync($"{People}/{personId}/referrals");
        Assert.Contains(referral.GetProperty("id").GetGuid(),
            (await theirs.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task A_referral_by_id_needs_staff_a_known_person_and_not_both_forms()
    {
        var (family, birthday) = Someone();
        using var staff = fixture.Staff();
        using var registered = await staff.PostJsonAsync(People, NewPerson(family, birthday));
        var personId = (await registered.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var consent = new { given = true };

        using var partner = fixture.Partner("portal-by-id");
        using var fromPartner = await partner.PostJsonAsync(Referrals, new { personId, reason = "x", consent });
        Assert.Contains("personId", (await fromPartner.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var unknown = await staff.PostJsonAsync(Referrals, new { personId = Guid.NewGuid(), reason = "x", consent });
        Assert.Contains("personId", (await unknown.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var both = await staff.PostJsonAsync(Referrals, new { personId, person = new { givenName = "A", familyName = "B" }, reason = "x", consent });
        Assert.Contains("person", (await both.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task A_partner_keeps_seeing_the_name_it_sent_when_staff_correct_the_record()
    {
        var (family, birthday) = Someone();
        using var partner = fixture.Partner("portal-names");
        using var submitted = await partner.PostJsonAsync(Referrals, new
        {
            person = new { givenName = "Sam", familyName = family, dateOfBirth = birthday }, reason = "Needs a safe place", consent = new { given = true },
        });
        var referralId = (await submitted.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var personId = (await fixture.Store.GetAsync<Casework.Intake.Domain.Referral>(referralId.ToString()))!.Document.PersonId;

        // Staff record the new name the person now goes by.
        using var staff = fixture.Staff();
        using var corrected = await staff.PutJsonAsync($"{People}/{personId}", new { givenName = "Alex", familyName = "Morgan-" + family, dateOfBirth = birthday });
        await corrected.JsonAsync(HttpStatusCode.OK);

        using var partnerView = await partner.GetAsync($"{Referrals}/{referralId}");
        Assert.Equal($"Sam {family}", (await partnerView.JsonAsync(HttpStatusCode.OK)).Text("personDisplayName"));
        using var staffView = await staff.GetAsync($"{Referrals}/{referralId}");
        Assert.Equal($"Alex Morgan-{family}", (await staffView.JsonAsync(HttpStatusCode.OK)).Text("personDisplayName"));
    }
}
