using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>
/// One person, many cases: a person with a case is referred again by a partner under a slightly different
/// spelling; staff see the match with its score, confirm it is the same person, and the new referral (and the
/// case already opened from it) belong to the existing person. Through the gateway to the real processes.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DuplicatePeopleTests(PlatformFixture platform)
{
    private static object Referral(string givenName, string familyName, string dateOfBirth, string email, string postcode, string externalReference) => new
    {
        person = new { givenName, familyName, dateOfBirth, email, postcode },
        reason = "Facing eviction; was helped with housing last year and needs help again.",
        requestedPathwayId = "housing-support",
        consent = new { given = true },
        referringOrganisation = "Northside Shelter",
        externalReference,
    };

    [Fact]
    public async Task A_partner_refers_an_existing_person_again_and_staff_confirm_the_match_so_the_referral_and_its_case_join_that_person()
    {
        var (clientId, secret) = ReferralFlowTests.Partner(0);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        using var alice = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "alice"));
        var tail = Guid.NewGuid().ToString("N")[..8];
        // Letters that sound as written keep the random part of the name the same to the ear in both spellings.
        var letters = string.Concat(tail.Select((c, i) => (i % 2 == 0 ? "bdflmnr" : "aeiou")[Convert.ToInt32(c.ToString(), 16) % (i % 2 == 0 ? 7 : 5)]));
        var family = $"Reyes-{letters}";
        var dateOfBirth = new DateOnly(1940, 1, 1).AddDays(Random.Shared.Next(20_000)).ToString("O");
        var email = $"n.{tail}@example.org";

        // The person's first referral, accepted: they have a case.
        var first = await ReferralFlowTests.PostWithKeyAsync(partner, Referral("Ngozi", family, dateOfBirth, email, "LS1 4DY", "NS-" + tail + "-1"), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var existing = await first.Content.ReadFromJsonAsync<JsonElement>();
        var existingPersonId = (await alice.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{existing.GetProperty("id").GetString()}"))
            .GetProperty("personId").GetString()!;
        await AcceptAsync(alice, existing.GetProperty("id").GetString()!);
        var firstCase = await CaseOfReferralAsync(alice, existing.GetProperty("id").GetString()!);
        Assert.Equal(existingPersonId, firstCase.GetProperty("personId").GetString());

        // A year on the partner refers her again, spelling both names slightly differently; the referral is
        // accepted before anyone looks for duplicates, so a case opens for the record it came with.
        var second = await ReferralFlowTests.PostWithKeyAsync(partner,
            Referral("Ngozie", $"Reyez-{letters}", dateOfBirth, email.ToUpperInvariant(), "ls14dy", "NS-" + tail + "-2"), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var referral = await second.Content.ReadFromJsonAsync<JsonElement>();
        var referralId = referral.GetProperty("id").GetString()!;
        var newPersonId = (await alice.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{referralId}")).GetProperty("personId").GetString()!;
        Assert.NotEqual(existingPersonId, newPersonId);
        await AcceptAsync(alice, referralId);
        var secondCase = await CaseOfReferralAsync(alice, referralId);
        Assert.Equal(newPersonId, secondCase.GetProperty("personId").GetString());

        // Staff see the existing person as the match, with its score and why; the partner cannot.
        using var matches = await alice.GetAsync($"api/intake/referrals/{referralId}/matches");
        Assert.Equal(HttpStatusCode.OK, matches.StatusCode);
        var view = await matches.Content.ReadFromJsonAsync<JsonElement>();
        var candidate = Assert.Single(view.GetProperty("candidates").EnumerateArray());
        Assert.Equal(existingPersonId, candidate.GetProperty("personId").GetString());
        Assert.Equal(80, candidate.GetProperty("score").GetInt32()); // sounds alike 15 + 10, birthday 25, email 20, postcode 10
        Assert.Equal(["family name sounds alike", "given name sounds alike", "same date of birth", "same email", "same postcode"],
            candidate.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("description").GetString()));
        using (var refused = await partner.GetAsync($"api/intake/referrals/{referralId}/matches"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // Alice confirms: same person.
        using var confirm = new HttpRequestMessage(HttpMethod.Post, $"api/intake/referrals/{referralId}/matches/decision")
        {
            Content = JsonContent.Create(new { decision = "SamePerson", personId = existingPersonId }),
        };
        confirm.Headers.IfMatch.Add(matches.Headers.ETag!);
        using var confirmed = await alice.SendAsync(confirm);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(existingPersonId, (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("personId").GetString());

        // The referral is the existing person's, for staff and for the partner; the record it came with says where it went.
        var linked = await alice.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{referralId}");
        Assert.Equal(existingPersonId, linked.GetProperty("personId").GetString());
        Assert.Equal($"Ngozi {family}", linked.GetProperty("personDisplayName").GetString());
        var ownView = await partner.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{referralId}");
        Assert.Equal(JsonValueKind.Null, ownView.GetProperty("personId").ValueKind); // the partner never sees record ids
        var merged = await alice.GetFromJsonAsync<JsonElement>($"api/intake/people/{newPersonId}");
        Assert.Equal(existingPersonId, merged.GetProperty("mergedInto").GetProperty("personId").GetString());
        var referrals = await alice.GetFromJsonAsync<JsonElement>($"api/intake/people/{existingPersonId}/referrals");
        Assert.Equal(2, referrals.GetProperty("items").GetArrayLength());

        // Case follows through PeopleMerged: both cases are the existing person's.
        var moved = await Eventually.Until(
            async () => await alice.GetFromJsonAsync<JsonElement>($"api/cases/{secondCase.GetProperty("id").GetString()}"),
            c => c.GetProperty("personId").GetString() == existingPersonId,
            what: "the second case to move to the existing person");
        Assert.Equal($"Ngozi {family}", moved.GetProperty("personDisplayName").GetString());
        Assert.Equal("PersonMerged", moved.GetProperty("timeline").EnumerateArray().Last(c => c.GetProperty("what").GetString() != "Assigned")
            .GetProperty("what").GetString());
    }

    private static async Task AcceptAsync(HttpClient staff, string referralId)
    {
        using var accepted = await staff.PostAsJsonAsync($"api/intake/referrals/{referralId}/accept", ReferralFlowTests.AcceptOntoHousing);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    private static Task<JsonElement> CaseOfReferralAsync(HttpClient staff, string referralId) =>
        Eventually.Until(
            async () => (await staff.GetFromJsonAsync<JsonElement>("api/cases?limit=200")).GetProperty("items").EnumerateArray()
                .FirstOrDefault(c => c.GetProperty("referralId").GetString() == referralId),
            c => c.ValueKind == JsonValueKind.Object,
            what: $"the case of referral {referralId}");
}
