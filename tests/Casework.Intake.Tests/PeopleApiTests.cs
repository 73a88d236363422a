using System.Net;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Casework.Intake.Domain;
using Casework.Testing;

namespace Casework.Intake.Tests;

/// <summary>People (client records) through the staff API: find, read, correct with history, their referrals.</summary>
[Collection(IntakeCollection.Name)]
public sealed class PeopleApiTests(IntakeFixture fixture)
{
    private const string People = "/api/intake/people";

    /// <summary>A referral with a person whose family name is unique to the test, so searches see only it.</summary>
    private async Task<(Guid PersonId, Guid ReferralId, string FamilyName)> ReferAsync(string? familyName = null)
    {
        familyName ??= "Ó'Brien-" + Guid.NewGuid().ToString("N")[..8];
        using var staff = fixture.Staff();
        using var response = await staff.PostJsonAsync("/api/intake/referrals", new
        {
            person = new { givenName = "Siobhán", familyName, dateOfBirth = "1984-02-29", email = "S.OBrien@Example.org", phone = "+44 (20) 7946-0000", postcode = "sw1a 1aa" },
            reason = "Rent arrears",
            consent = new { given = true },
        });
        var referral = await response.JsonAsync(HttpStatusCode.Created);
        return (referral.GetProperty("personId").GetGuid(), referral.GetProperty("id").GetGuid(), familyName);
    }

    private static object Details(string familyName, string? email = "siobhan@example.org", string? phone = null) => new
    {
        givenName = "Siobhán",
        familyName,
        dateOfBirth = "1984-02-29",
        email,
        phone,
        postcode = "SW1A 1AA",
    };

    [Fact]
    public async Task A_referred_person_can_be_read_with_an_etag_and_no_changes_yet()
    {
        var (personId, _, familyName) = await ReferAsync();
        using var staff = fixture.Staff();

        using var response = await staff.GetAsync($"{People}/{personId}");
        var person = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(familyName, person.Text("familyName"));
        Assert.Equal($"Siobhán {familyName}", person.Text("displayName"));
        Assert.Equal("1984-02-29", person.Text("dateOfBirth"));
        Assert.Equal("SW1A 1AA", person.Text("postcode"));
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Empty(person.GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task Search_matches_names_phones_emails_and_postcodes_however_they_are_typed()
    {
        var (personId, _, familyName) = await ReferAsync();
        using var staff = fixture.Staff();
        var plainName = familyName.Replace("Ó'", "o ").Replace("-", " ").ToUpperInvariant(); // "O BRIEN 1A2B..."

        foreach (var query in new[]
        {
            $"familyName={Uri.EscapeDataString(plainName)}",
            $"familyName={Uri.EscapeDataString(familyName)}&givenName=siobhan&dateOfBirth=1984-02-29",
            $"familyName={Uri.EscapeDataString(familyName)}&phone={Uri.EscapeDataString("+44 20 7946 0000")}",
            $"familyName={Uri.EscapeDataString(familyName)}&email=s.obrien@example.ORG&postcode=SW1A1AA",
        })
        {
            using var response = await staff.GetAsync($"{People}?{query}");
            var page = await response.JsonAsync(HttpStatusCode.OK);
            var found = Assert.Single(page.GetProperty("items").EnumerateArray());
            Assert.Equal(personId, found.GetProperty("id").GetGuid());
            Assert.True(page.GetProperty("totalIsExact").GetBoolean());
        }

        using var otherBirthday = await staff.GetAsync($"{People}?familyName={Uri.EscapeDataString(familyName)}&dateOfBirth=1984-03-01");
        Assert.Empty((await otherBirthday.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Search_needs_a_criterion_and_names_bad_fields()
    {
        using var staff = fixture.Staff();

        using var nothing = await staff.GetAsync(People);
        Assert.Contains("query", (await nothing.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());

        using var bad = await staff.GetAsync($"{People}?familyName={new string('x', 101)}&limit=0");
        Assert.Equal(["familyName", "limit"], (await bad.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order());

        foreach (var (query, field) in new[]
        {
            ("dateOfBirth=1984-02-29", "query"),          // a birthday alone would walk through everyone
            ("postcode=SW1A1AA", "query"),
            ("familyName=smith&dateOfBirth=04/03/1991", "dateOfBirth"), // only YYYY-MM-DD: no day/month guessing
            ("familyName=smith&dateOfBirth=yesterday", "dateOfBirth"),
            ("familyName=-'", "familyName"),               // nothing to search for
            ("phone=abc", "phone"),
        })
        {
            using var response = await staff.GetAsync($"{People}?{query}");
            Assert.Contains(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
    }

    [Fact]
    public async Task Correcting_details_records_who_changed_what_publishes_PersonUpdated_and_a_repeat_changes_nothing()
    {
        var (personId, _, familyName) = await ReferAsync();
        using var staff = fixture.Staff(subject: "worker-42");

        using var updated = await staff.PutJsonAsync($"{People}/{personId}", Details(familyName, phone: "07700 900123"), ("If-Match", "\"1\""));
        var person = await updated.JsonAsync(HttpStatusCode.OK);

        Assert.Equal("\"2\"", updated.Headers.ETag?.Tag);
        Assert.Equal("siobhan@example.org", person.Text("email"));
        var change = Assert.Single(person.GetProperty("history").EnumerateArray());
        Assert.Equal("worker-42", change.Text("by"));
        var fields = change.GetProperty("changes").EnumerateArray().ToDictionary(c => c.Text("field")!, c => (From: c.Text("from"), To: c.Text("to")));
        Assert.Equal(["email", "phone"], fields.Keys.Order());
        Assert.Equal(("S.OBrien@Example.org", "siobhan@example.org"), fields["email"]);
        Assert.Equal(("+44 (20) 7946-0000", "07700 900123"), fields["phone"]);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'PersonUpdated' AND payload->>'personId' = $1", personId.ToString()));

        // The same details again: no new version, no history entry, no event.
        using var repeat = await staff.PutJsonAsync($"{People}/{personId}", Details(familyName, phone: "07700 900123"));
        Assert.Single((await repeat.JsonAsync(HttpStatusCode.OK)).GetProperty("history").EnumerateArray());
        Assert.Equal("\"2\"", repeat.Headers.ETag?.Tag);
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE type = 'PersonUpdated' AND payload->>'personId' = $1", personId.ToString()));

        // Clearing a field is a change too; search follows the new details.
        using var cleared = await staff.PutJsonAsync($"{People}/{personId}", Details(familyName, email: null, phone: "07700 900123"));
        var last = (await cleared.JsonAsync(HttpStatusCode.OK)).GetProperty("history").EnumerateArray().Last().GetProperty("changes");
        Assert.Equal(("email", "siobhan@example.org", (string?)null),
            (Assert.Single(last.EnumerateArray()).Text("field"), last[0].Text("from"), last[0].Text("to")));
        using var byOldEmail = await staff.GetAsync($"{People}?email=siobhan@example.org&familyName={Uri.EscapeDataString(familyName)}");
        Assert.Empty((await byOldEmail.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());

        using var byPhone = await staff.GetAsync($"{People}?phone=07700900123&familyName={Uri.EscapeDataString(familyName)}");
        Assert.Single((await byPhone.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_corrected_name_shows_on_the_persons_referrals_at_once()
    {
        var (personId, referralId, _) = await ReferAsync();
        using var staff = fixture.Staff();

        using var renamed = await staff.PutJsonAsync($"{People}/{personId}", Details("Kelly"));
        await renamed.JsonAsync(HttpStatusCode.OK);

        using var referral = await staff.GetAsync($"/api/intake/referrals/{referralId}");
        Assert.Equal("Siobhán Kelly", (await referral.JsonAsync(HttpStatusCode.OK)).Text("personDisplayName"));
    }

    [Fact]
    public async Task A_stale_or_invalid_update_changes_nothing()
    {
        var (personId, _, familyName) = await ReferAsync();
        using var staff = fixture.Staff();

        using var stale = await staff.PutJsonAsync($"{People}/{personId}", Details(familyName), ("If-Match", "\"7\""));
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);

        using var invalid = await staff.PutJsonAsync($"{People}/{personId}", new { givenName = "", familyName, email = "not-an-email", dateOfBirth = "2999-01-01" });
        Assert.Equal(["dateOfBirth", "email", "givenName"], (await invalid.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order());

        using var missing = await staff.PutJsonAsync($"{People}/{Guid.NewGuid()}", Details(familyName));
        await missing.ProblemAsync(HttpStatusCode.NotFound);

        using var after = await staff.GetAsync($"{People}/{personId}");
        Assert.Equal("\"1\"", after.Headers.ETag?.Tag);
        Assert.Empty((await after.JsonAsync(HttpStatusCode.OK)).GetProperty("history").EnumerateArray());
    }

    [Fact]
    public async Task A_persons_referrals_are_listed_newest_first()
    {
        var (personId, referralId, _) = await ReferAsync();
        using var staff = fixture.Staff();

        using var response = await staff.GetAsync($"{People}/{personId}/referrals");
        var page = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(referralId, Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());
        using var nobody = await staff.GetAsync($"{People}/{Guid.NewGuid()}/referrals");
        await nobody.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Every_search_hit_read_and_change_of_a_person_is_audited_with_who_did_it()
    {
        var (personId, _, familyName) = await ReferAsync();
        using var staff = fixture.Staff(subject: "worker-9");

        (await staff.GetAsync($"{People}?familyName={Uri.EscapeDataString(familyName)}")).Dispose();
        (await staff.GetAsync($"{People}/{personId}")).Dispose();
        (await staff.PutJsonAsync($"{People}/{personId}", Details(familyName))).Dispose();
        (await staff.PutJsonAsync($"{People}/{personId}", Details(familyName))).Dispose(); // nothing to change: still shows the record
        (await staff.GetAsync($"{People}/{personId}/referrals")).Dispose();

        var audit = (await fixture.Store.QueryAsync<AuditEntry>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("recordId", personId.ToString()),
            OrderBy = "at",
        })).Items.Select(i => i.Document).ToList();
        Assert.Equal(["search", "read", "update", "read", "read-referrals"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal(("person", "worker-9"), (a.RecordType, a.ActorId)));
        // The search itself is kept with what was asked, even when nobody matches.
        (await staff.GetAsync($"{People}?familyName=nobody-{Guid.NewGuid():N}")).Dispose();
        var queries = (await fixture.Store.QueryAsync<AuditEntry>(new DocumentQuery
        {
            Filter = new DocumentFilter().Equal("actorId", "worker-9").Equal("recordType", "person-query"),
        })).Items.Select(i => i.Document.RecordId).ToList();
        Assert.Contains($"query:familyNameKey={PersonKeys.Name(familyName)}", queries);
        Assert.Contains(queries, q => q.StartsWith("query:familyNameKey=nobody", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Partners_cannot_reach_people_an_auditor_may_read_but_not_change_and_no_token_is_401()
    {
        var (personId, _, familyName) = await ReferAsync();

        using var partner = fixture.Partner("portal-people");
        foreach (var path in new[] { $"{People}/{personId}", $"{People}?familyName={Uri.EscapeDataString(familyName)}", $"{People}/{personId}/referrals" })
        {
            using var partnerRead = await partner.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, partnerRead.StatusCode);
        }
        using var partnerWrite = await partner.PutJsonAsync($"{People}/{personId}", Details(familyName));
        Assert.Equal(HttpStatusCode.Forbidden, partnerWrite.StatusCode);

        using var auditor = fixture.Staff(role: "auditor");
        using var auditorRead = await auditor.GetAsync($"{People}/{personId}");
        Assert.Equal(HttpStatusCode.OK, auditorRead.StatusCode);
        using var auditorWrite = await auditor.PutJsonAsync($"{People}/{personId}", Details(familyName));
        Assert.Equal(HttpStatusCode.Forbidden, auditorWrite.StatusCode);

        using var anonymous = fixture.Anonymous();
        using var anonymousRead = await anonymous.GetAsync($"{People}/{personId}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousRead.StatusCode);
    }
}
