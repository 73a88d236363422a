using System.Net;
using System.Text.Json;
using Casework.Contracts.Events;
using Casework.Intake.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;
using Casework.Testing;
using MassTransit;

namespace Casework.Intake.Tests;

/// <summary>Duplicate people through the staff API: matching, decisions on a referral's matches, merging, who may do what.</summary>
[Collection(IntakeCollection.Name)]
public sealed class DuplicatesApiTests(IntakeFixture fixture)
{
    private const string People = "/api/intake/people";
    private const string Referrals = "/api/intake/referrals";

    /// <summary>A person's details no other test shares: a family name with a random tail, a random birthday, phone, email and postcode.</summary>
    private sealed record Someone(string Family, string Alike, string DateOfBirth, string Email, string Phone, string Postcode)
    {
        public static Someone New()
        {
            // Letters whose Metaphone is themselves, so "Reyes-X" and "Reyez-X" always sound alike.
            var tail = string.Concat(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? "bdflmnr" : "aeiou")[Random.Shared.Next(i % 2 == 0 ? 7 : 5)]));
            var birthday = new DateOnly(1930, 1, 1).AddDays(Random.Shared.Next(25_000));
            var digits = Random.Shared.Next(100_000_000, 999_999_999);
            return new($"Reyes-{tail}", $"Reyez-{tail}", birthday.ToString("O"), $"{tail}@example.org", $"+44 7{digits}",
                $"M{digits % 90 + 10} {digits % 9 + 1}{tail[..2].ToUpperInvariant()}");
        }

        public object Person(string? family = null, string givenName = "Jordan", bool contact = true) => new
        {
            givenName,
            familyName = family ?? Family,
            dateOfBirth = DateOfBirth,
            email = contact ? Email : null,
            phone = contact ? Phone : null,
            postcode = Postcode,
        };
    }

    private async Task<(Guid ReferralId, Guid PersonId)> ReferAsync(HttpClient client, object person)
    {
        using var response = await client.PostJsonAsync(Referrals, new { person, reason = "Rent arrears", consent = new { given = true } });
        var referral = await response.JsonAsync(HttpStatusCode.Created);
        var id = referral.GetProperty("id").GetGuid();
        // A partner's answer carries no record id: staff read it.
        var personId = (await fixture.Store.GetAsync<Casework.Intake.Domain.Referral>(id.ToString()))!.Document.PersonId;
        return (id, personId);
    }

    private async Task<(Guid ReferralId, Guid PersonId)> ReferAsync(object person)
    {
        using var staff = fixture.Staff();
        return await ReferAsync(staff, person);
    }

    private Task<long> OutboxCountAsync(string type, string field, Guid value) =>
        fixture.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE type = $1 AND payload->>'{field}' = $2", type, value.ToString())!;

    private static List<JsonElement> Candidates(JsonElement view) => view.GetProperty("candidates").EnumerateArray().ToList();

    [Fact]
    public async Task Checking_a_prospective_person_lists_candidates_with_scores_and_reasons_and_stores_nothing()
    {
        var someone = Someone.New();
        var (_, personId) = await ReferAsync(someone.Person());
        using var staff = fixture.Staff(subject: "checker-1");
        var peopleBefore = await fixture.CountAsync<Person>();

        using var response = await staff.PostJsonAsync($"{People}/matches", someone.Person(family: someone.Alike, givenName: "Jordon", contact: false));
        var view = await response.JsonAsync(HttpStatusCode.OK);

        Assert.Equal(PersonMatcher.Threshold, view.GetProperty("threshold").GetInt32());
        var candidate = Assert.Single(Candidates(view));
        Assert.Equal(personId, candidate.GetProperty("personId").GetGuid());
        Assert.Equal(60, candidate.GetProperty("score").GetInt32()); // sounds alike 15 + 10, birthday 25, postcode 10
        Assert.Equal(["family name sounds alike", "given name sounds alike", "same date of birth", "same postcode"],
            candidate.GetProperty("reasons").EnumerateArray().Select(r => r.Text("description")));
        Assert.Equal(peopleBefore, await fixture.CountAsync<Person>());

        using var nobody = await staff.PostJsonAsync($"{People}/matches", Someone.New().Person());
        Assert.Empty(Candidates(await nobody.JsonAsync(HttpStatusCode.OK)));

        var audit = (await fixture.Store.QueryAsync<AuditEntry>(new DocumentQuery { Filter = new DocumentFilter().Equal("actorId", "checker-1") }))
            .Items.Select(i => i.Document).ToList();
        Assert.Contains(audit, a => (a.Action, a.RecordType, a.RecordId) == ("match", "person", personId.ToString()));
        Assert.Equal(2, audit.Count(a => a.RecordType == "person-query" && a.Action == "match"));
    }

    [Fact]
    public async Task Same_person_links_the_referral_to_the_existing_person_and_merges_the_record_it_came_with()
    {
        var someone = Someone.New();
        var (firstReferral, existingId) = await ReferAsync(someone.Person());
        using var partner = fixture.Partner("portal-duplicates");
        var (referralId, newId) = await ReferAsync(partner, someone.Person(family: someone.Alike));
        Assert.NotEqual(existingId, newId);
        using var staff = fixture.Staff(subject: "cw-dup");

        using var matches = await staff.GetAsync($"{Referrals}/{referralId}/matches");
        var view = await matches.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(newId, view.GetProperty("personId").GetGuid());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("decision").ValueKind);
        var candidate = Assert.Single(Candidates(view));
        Assert.Equal((existingId, 100), (candidate.GetProperty("personId").GetGuid(), candidate.GetProperty("score").GetInt32()));
        Assert.Equal("\"1\"", matches.Headers.ETag?.Tag);

        using var decided = await staff.PostJsonAsync($"{Referrals}/{referralId}/matches/decision",
            new { decision = "SamePerson", personId = existingId }, ("If-Match", "\"1\""));
        var after = await decided.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(existingId, after.GetProperty("personId").GetGuid());
        Assert.Equal("SamePerson", after.GetProperty("decision").Text("decision"));
        Assert.Equal(newId, after.GetProperty("decision").GetProperty("mergedPersonId").GetGuid());
        Assert.Empty(Candidates(after));

        // The referral is the existing person's; the record it came with is readable, marked as merged.
        using var referral = await staff.GetAsync($"{Referrals}/{referralId}");
        var linked = await referral.JsonAsync(HttpStatusCode.OK);
        Assert.Equal((existingId, $"Jordan {someone.Family}"), (linked.GetProperty("personId").GetGuid(), linked.Text("personDisplayName")));
        using var merged = await staff.GetAsync($"{People}/{newId}");
        var mergedView = await merged.JsonAsync(HttpStatusCode.OK);
        Assert.Equal((existingId, "cw-dup"), (mergedView.GetProperty("mergedInto").GetProperty("personId").GetGuid(), mergedView.GetProperty("mergedInto").Text("by")));
        Assert.Equal(someone.Alike, mergedView.Text("familyName"));
        using var survivor = await staff.GetAsync($"{People}/{existingId}");
        var survivorView = await survivor.JsonAsync(HttpStatusCode.OK);
        var record = Assert.Single(survivorView.GetProperty("merges").EnumerateArray());
        Assert.Equal((newId, referralId, someone.Alike), (record.GetProperty("personId").GetGuid(), record.GetProperty("referralId").GetGuid(),
            record.GetProperty("details").Text("familyName")));
        Assert.Equal(JsonValueKind.Null, survivorView.GetProperty("mergedInto").ValueKind);
        using var referrals = await staff.GetAsync($"{People}/{existingId}/referrals");
        Assert.Equal([referralId, firstReferral], (await referrals.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        Assert.Equal(1, await OutboxCountAsync("PeopleMerged", "survivorId", existingId));

        // The same decision again (a retry) changes nothing; the partner still sees its referral, not the people.
        // A retry with the If-Match of the first attempt (the referral's record has merged since) changes nothing and is no error.
        using var again = await staff.PostJsonAsync($"{Referrals}/{referralId}/matches/decision", new { decision = "SamePerson", personId = existingId },
            ("If-Match", "\"1\""));
        Assert.Equal("SamePerson", (await again.JsonAsync(HttpStatusCode.OK)).GetProperty("decision").Text("decision"));
        Assert.Equal(1, await OutboxCountAsync("PeopleMerged", "survivorId", existingId));
        using var partnerView = await partner.GetAsync($"{Referrals}/{referralId}");
        // The partner sees its referral, never a person's record id (two portals referring one person cannot link them).
        Assert.Equal(JsonValueKind.Null, (await partnerView.JsonAsync(HttpStatusCode.OK)).GetProperty("personId").ValueKind);

        var audit = (await fixture.Store.QueryAsync<AuditEntry>(new DocumentQuery { Filter = new DocumentFilter().Equal("actorId", "cw-dup"), OrderBy = "at" }))
            .Items.Select(i => i.Document).ToList();
        Assert.Contains(audit, a => (a.Action, a.RecordId) == ("match", existingId.ToString()));
        Assert.Contains(audit, a => (a.Action, a.RecordId) == ("merge", existingId.ToString()));
        Assert.Contains(audit, a => (a.Action, a.RecordId, a.ParentId) == ("merged", newId.ToString(), existingId.ToString()));
    }

    [Fact]
    public async Task New_person_is_recorded_once_and_its_candidates_are_no_longer_flagged_either_way()
    {
        var someone = Someone.New();
        var (firstReferral, existingId) = await ReferAsync(someone.Person());
        var (referralId, newId) = await ReferAsync(someone.Person(givenName: "Priya"));
        using var staff = fixture.Staff();

        using var before = await staff.GetAsync($"{Referrals}/{referralId}/matches");
        Assert.Equal(existingId, Assert.Single(Candidates(await before.JsonAsync(HttpStatusCode.OK))).GetProperty("personId").GetGuid());

        // A candidate that appears after staff looked is not dismissed with the ones they saw.
        var (_, laterId) = await ReferAsync(someone.Person(givenName: "Priyanka"));
        using var decided = await staff.PostJsonAsync($"{Referrals}/{referralId}/matches/decision", new { decision = "NewPerson", personIds = new[] { existingId } });
        var view = await decided.JsonAsync(HttpStatusCode.OK);
        Assert.Equal([laterId], Candidates(view).Select(c => c.GetProperty("personId").GetGuid()));
        Assert.Equal("NewPerson", view.GetProperty("decision").Text("decision"));
        Assert.Equal("\"2\"", decided.Headers.ETag?.Tag);
        Assert.Equal(1, await OutboxCountAsync("PersonMatchesDismissed", "personId", newId));

        using var again = await staff.PostJsonAsync($"{Referrals}/{referralId}/matches/decision", new { decision = "NewPerson", personIds = new[] { existingId } });
        Assert.Equal("\"2\"", again.Headers.ETag?.Tag);
        Assert.Equal(1, await OutboxCountAsync("PersonMatchesDismissed", "personId", newId));

        // Nor is the new person offered as the existing person's duplicate.
        using var other = await staff.GetAsync($"{Referrals}/{firstReferral}/matches");
        Assert.DoesNotContain(newId, Candidates(await other.JsonAsync(HttpStatusCode.OK)).Select(c => c.GetProperty("personId").GetGuid()));
    }

    [Fact]
    public async Task A_supervisor_merges_records_keeping_both_histories_and_later_merges_carry_the_earlier_ones()
    {
        var someone = Someone.New();
        var (_, survivorId) = await ReferAsync(someone.Person());
        var (duplicateReferral, duplicateId) = await ReferAsync(someone.Person(family: someone.Alike));
        using var caseworker = fixture.Staff();
        using var corrected = await caseworker.PutJsonAsync($"{People}/{duplicateId}", someone.Person(family: someone.Alike, givenName: "Jordon"));
        await corrected.JsonAsync(HttpStatusCode.OK);
        using var supervisor = fixture.Staff(role: "supervisor", subject: "sup-merge");

        using var merged = await supervisor.PostJsonAsync($"{People}/{survivorId}/merges",
            new { mergedPersonId = duplicateId, reason = "Same person: confirmed by phone" }, ("If-Match", "\"1\""));
        var survivor = await merged.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("\"2\"", merged.Headers.ETag?.Tag);
        Assert.Equal(someone.Family, survivor.Text("familyName"));
        var record = Assert.Single(survivor.GetProperty("merges").EnumerateArray());
        Assert.Equal(("sup-merge", "Same person: confirmed by phone"), (record.Text("by"), record.Text("reason")));
        Assert.Single(record.GetProperty("history").EnumerateArray()); // the duplicate's own correction, kept
        using var referral = await supervisor.GetAsync($"{Referrals}/{duplicateReferral}");
        Assert.Equal(survivorId, (await referral.JsonAsync(HttpStatusCode.OK)).GetProperty("personId").GetGuid());

        // A merged record changes no more; merging it again is a retry that changes nothing.
        using var update = await caseworker.PutJsonAsync($"{People}/{duplicateId}", someone.Person());
        await update.ProblemAsync(HttpStatusCode.Conflict);
        using var retry = await supervisor.PostJsonAsync($"{People}/{survivorId}/merges", new { mergedPersonId = duplicateId });
        Assert.Equal("\"2\"", retry.Headers.ETag?.Tag);
        Assert.Equal(1, await OutboxCountAsync("PeopleMerged", "survivorId", survivorId));

        // The survivor merged in turn: the new survivor holds both, and the first duplicate points at it directly.
        var (_, laterId) = await ReferAsync(Someone.New().Person());
        using var later = await supervisor.PostJsonAsync($"{People}/{laterId}/merges", new { mergedPersonId = survivorId });
        var latest = await later.JsonAsync(HttpStatusCode.OK);
        Assert.Equal([duplicateId, survivorId], latest.GetProperty("merges").EnumerateArray().Select(m => m.GetProperty("personId").GetGuid()));
        using var first = await supervisor.GetAsync($"{People}/{duplicateId}");
        Assert.Equal(laterId, (await first.JsonAsync(HttpStatusCode.OK)).GetProperty("mergedInto").GetProperty("personId").GetGuid());
        var ids = await fixture.Database.ScalarAsync<string>(
            "SELECT payload->>'mergedPersonIds' FROM outbox WHERE type = 'PeopleMerged' AND payload->>'survivorId' = $1", laterId.ToString());
        Assert.Equal([survivorId, duplicateId], JsonSerializer.Deserialize<Guid[]>(ids!)!);

        // Into or from a merged record: refused.
        using var intoMerged = await supervisor.PostJsonAsync($"{People}/{survivorId}/merges", new { mergedPersonId = (await ReferAsync(Someone.New().Person())).PersonId });
        await intoMerged.ProblemAsync(HttpStatusCode.Conflict);
        using var fromMerged = await supervisor.PostJsonAsync($"{People}/{(await ReferAsync(Someone.New().Person())).PersonId}/merges", new { mergedPersonId = duplicateId });
        await fromMerged.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Bad_input_names_the_field_and_changes_nothing()
    {
        var someone = Someone.New();
        var (_, existingId) = await ReferAsync(someone.Person());
        var (referralId, newId) = await ReferAsync(someone.Person(family: someone.Alike));
        var (_, strangerId) = await ReferAsync(Someone.New().Person());
        using var supervisor = fixture.Staff(role: "supervisor");
        var decision = $"{Referrals}/{referralId}/matches/decision";

        foreach (var (body, field) in new (object, string)[]
        {
            (new { }, "decision"),
            (new { decision = "Maybe" }, "decision"),
            (new { decision = "SamePerson" }, "personId"),
            (new { decision = "NewPerson", personId = existingId }, "personId"),
            (new { decision = "NewPerson" }, "personIds"),
            (new { decision = "SamePerson", personId = strangerId }, "personId"), // not a candidate
        })
        {
            using var response = await supervisor.PostJsonAsync(decision, body);
            Assert.Contains(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
        using var badGuid = await supervisor.PostRawAsync(decision, """{"decision": "SamePerson", "personId": "nope"}""");
        Assert.Contains("personId", (await badGuid.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        using var stale = await supervisor.PostJsonAsync(decision, new { decision = "SamePerson", personId = existingId }, ("If-Match", "\"9\""));
        await stale.ProblemAsync(HttpStatusCode.PreconditionFailed);
        using var missing = await supervisor.PostJsonAsync($"{Referrals}/{Guid.NewGuid()}/matches/decision", new { decision = "NewPerson", personIds = Array.Empty<Guid>() });
        await missing.ProblemAsync(HttpStatusCode.NotFound);
        using var missingMatches = await supervisor.GetAsync($"{Referrals}/{Guid.NewGuid()}/matches");
        await missingMatches.ProblemAsync(HttpStatusCode.NotFound);

        foreach (var (body, field) in new (object, string)[]
        {
            (new { }, "mergedPersonId"),
            (new { mergedPersonId = existingId }, "mergedPersonId"),           // itself
            (new { mergedPersonId = Guid.NewGuid() }, "mergedPersonId"),       // nobody
            (new { mergedPersonId = newId, reason = new string('x', 2001) }, "reason"),
        })
        {
            using var response = await supervisor.PostJsonAsync($"{People}/{existingId}/merges", body);
            Assert.Contains(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
        using var staleMerge = await supervisor.PostJsonAsync($"{People}/{existingId}/merges", new { mergedPersonId = newId }, ("If-Match", "\"5\""));
        await staleMerge.ProblemAsync(HttpStatusCode.PreconditionFailed);
        using var unknownSurvivor = await supervisor.PostJsonAsync($"{People}/{Guid.NewGuid()}/merges", new { mergedPersonId = newId });
        await unknownSurvivor.ProblemAsync(HttpStatusCode.NotFound);

        using var badPerson = await supervisor.PostJsonAsync($"{People}/matches", new { givenName = "", familyName = "x", email = "no", dateOfBirth = "2999-01-01" });
        Assert.Equal(["dateOfBirth", "email", "givenName"], (await badPerson.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().Order());

        // Nothing was merged or dismissed.
        using var person = await supervisor.GetAsync($"{People}/{newId}");
        var view = await person.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("mergedInto").ValueKind);
        Assert.Empty(view.GetProperty("distinctFrom").EnumerateArray());
        Assert.Equal("\"1\"", person.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Partners_are_refused_auditors_only_read_and_a_caseworker_folds_only_a_fresh_intake_record()
    {
        var someone = Someone.New();
        var (_, existingId) = await ReferAsync(someone.Person());
        var (referralId, newId) = await ReferAsync(someone.Person(family: someone.Alike));

        using var partner = fixture.Partner("portal-duplicates-authz");
        var (ownReferral, _) = await ReferAsync(partner, someone.Person(givenName: "Jordon"));
        foreach (var response in new[]
        {
            await partner.GetAsync($"{Referrals}/{ownReferral}/matches"),
            await partner.PostJsonAsync($"{Referrals}/{ownReferral}/matches/decision", new { decision = "NewPerson", personIds = Array.Empty<Guid>() }),
            await partner.PostJsonAsync($"{People}/matches", someone.Person()),
            await partner.PostJsonAsync($"{People}/{existingId}/merges", new { mergedPersonId = newId }),
        })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            response.Dispose();
        }

        using var auditor = fixture.Staff(role: "auditor");
        using var auditorRead = await auditor.GetAsync($"{Referrals}/{referralId}/matches");
        Assert.NotEmpty(Candidates(await auditorRead.JsonAsync(HttpStatusCode.OK)));
        using var auditorCheck = await auditor.PostJsonAsync($"{People}/matches", someone.Person());
        await auditorCheck.JsonAsync(HttpStatusCode.OK);
        using var auditorDecides = await auditor.PostJsonAsync($"{Referrals}/{referralId}/matches/decision", new { decision = "NewPerson", personIds = Array.Empty<Guid>() });
        Assert.Equal(HttpStatusCode.Forbidden, auditorDecides.StatusCode);

        using var caseworker = fixture.Staff();
        using var caseworkerMerges = await caseworker.PostJsonAsync($"{People}/{existingId}/merges", new { mergedPersonId = newId });
        Assert.Equal(HttpStatusCode.Forbidden, caseworkerMerges.StatusCode);

        // A caseworker folds records that came in with one referral each into the existing person...
        var (freshReferral, _) = await ReferAsync(someone.Person());
        foreach (var referral in new[] { freshReferral, referralId, ownReferral })
        {
            using var folded = await caseworker.PostJsonAsync($"{Referrals}/{referral}/matches/decision", new { decision = "SamePerson", personId = existingId });
            Assert.Equal(existingId, (await folded.JsonAsync(HttpStatusCode.OK)).GetProperty("personId").GetGuid());
        }
        // ...but the existing person now holds four referrals and three merged records: folding it into yet another
        // record (the referral's person is now the existing one) is a supervisor's call.
        var (_, anotherId) = await ReferAsync(someone.Person());
        using var refused = await caseworker.PostJsonAsync($"{Referrals}/{referralId}/matches/decision", new { decision = "SamePerson", personId = anotherId });
        await refused.ProblemAsync(HttpStatusCode.Forbidden);
        using var supervisor = fixture.Staff(role: "supervisor");
        using var allowed = await supervisor.PostJsonAsync($"{Referrals}/{referralId}/matches/decision", new { decision = "SamePerson", personId = anotherId });
        Assert.Equal(anotherId, (await allowed.JsonAsync(HttpStatusCode.OK)).GetProperty("personId").GetGuid());

        using var anonymous = fixture.Anonymous();
        using var anonymousRead = await anonymous.GetAsync($"{Referrals}/{referralId}/matches");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousRead.StatusCode);
    }

    [Fact]
    public async Task A_case_opened_for_a_record_merged_meanwhile_is_sent_to_the_survivor_again()
    {
        var someone = Someone.New();
        var (_, survivorId) = await ReferAsync(someone.Person());
        var (referralId, duplicateId) = await ReferAsync(someone.Person(family: someone.Alike));
        using var supervisor = fixture.Staff(role: "supervisor");
        using var merged = await supervisor.PostJsonAsync($"{People}/{survivorId}/merges", new { mergedPersonId = duplicateId });
        await merged.JsonAsync(HttpStatusCode.OK);

        var messageId = NewId.NextGuid();
        await fixture.PublishAsync(new CaseOpened(Guid.NewGuid(), referralId, duplicateId, "housing-support", "housing", "Medium", DateTimeOffset.UtcNow), messageId);
        await fixture.Consumed.WaitForAsync<CaseOpened>(messageId);

        Assert.Equal(2, await OutboxCountAsync("PeopleMerged", "survivorId", survivorId));
        var last = await fixture.Database.ScalarAsync<string>(
            "SELECT payload->>'mergedPersonIds' FROM outbox WHERE type = 'PeopleMerged' AND payload->>'survivorId' = $1 ORDER BY seq DESC LIMIT 1",
            survivorId.ToString());
        Assert.Equal([duplicateId], JsonSerializer.Deserialize<Guid[]>(last!)!);
    }
}
