using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>
/// The whole story through the gateway, as a partner and a housing team live it: a partner portal with a
/// webhook refers someone already on record (under another spelling); staff screen the referral against the
/// pathway's checklist, see the duplicate match with its score and confirm it, and accept. The case opens, is
/// assigned, assessed, planned, its concern raised (which brings the review forward), reviewed, closed with
/// outcomes and reopened; a caseworker of another team is refused throughout; the partner gets a signed
/// post for each status change of its referrals.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CaseLifecycleTests(PlatformFixture platform)
{
    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd");

    private static object Referral(string givenName, string familyName, string dateOfBirth, string email, string externalReference) => new
    {
        person = new { givenName, familyName, dateOfBirth, email, postcode = "M4 1HN" },
        reason = "Private landlord has served a section 21 notice; two weeks left.",
        requestedPathwayId = "housing-support",
        concernLevel = "High",
        consent = new { given = true, scope = "Share my details with the charity's housing team" },
        referringOrganisation = "Jobcentre North",
        externalReference,
    };

    [Fact]
    public async Task A_partner_referral_of_a_known_person_is_screened_matched_accepted_and_becomes_a_case_that_is_assessed_planned_reviewed_closed_and_reopened()
    {
        var (clientId, secret) = ReferralFlowTests.Partner(1);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        using var alice = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "alice"));
        using var bola = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "bola"));
        using var maria = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "maria"));
        var closedBefore = (await maria.GetFromJsonAsync<JsonElement>("api/reporting/cases/summary")).GetProperty("byStatus");
        await using var receiver = await WebhookReceiver.StartAsync();
        using (var registered = await partner.PutAsJsonAsync("api/intake/webhook", new { url = receiver.Url.ToString() }))
        {
            receiver.Secret = (await registered.JsonAsync(HttpStatusCode.OK)).Text("secret");
        }
        try
        {
            await LiveTheCaseAsync(partner, alice, bola, maria, closedBefore, receiver);
        }
        finally
        {
            using var removed = await partner.DeleteAsync("api/intake/webhook");
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }
    }

    private async Task LiveTheCaseAsync(HttpClient partner, HttpClient alice, HttpClient bola, HttpClient maria, JsonElement closedBefore, WebhookReceiver receiver)
    {
        // Someone already on record: an earlier referral (declined) registered her.
        var tail = Guid.NewGuid().ToString("N")[..6];
        var dateOfBirth = new DateOnly(1950, 1, 1).AddDays(Random.Shared.Next(18_000)).ToString("O");
        var email = $"m.okafor.{tail}@example.org";
        using var earlier = await partner.PostAsJsonAsync("api/intake/referrals", Referral("Morgan", "Okafor", dateOfBirth, email, "JN-" + tail + "-1"));
        var existing = await earlier.JsonAsync(HttpStatusCode.Created);
        using (var declined = await alice.PostAsJsonAsync($"api/intake/referrals/{existing.Text("id")}/decline", new { reason = "Already housed at the time" }))
        {
            await declined.JsonAsync(HttpStatusCode.OK);
        }
        var existingPersonId = (await alice.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{existing.Text("id")}")).Text("personId");

        // Referred again, spelt "Morgen Okafur".
        using var submitted = await partner.PostAsJsonAsync("api/intake/referrals", Referral("Morgen", "Okafur", dateOfBirth, email, "JN-" + tail + "-2"));
        var referral = await submitted.JsonAsync(HttpStatusCode.Created);
        var referralId = referral.Text("id")!;
        using (var screening = await alice.PostAsJsonAsync($"api/intake/referrals/{referralId}/screen", new { }))
        {
            Assert.Equal("Screening", (await screening.JsonAsync(HttpStatusCode.OK)).Text("status"));
        }

        // The pathway's eligibility checklist must be answered before acceptance.
        using (var unscreened = await alice.PostAsJsonAsync($"api/intake/referrals/{referralId}/accept", new { pathwayId = "housing-support" }))
        {
            Assert.True((await unscreened.JsonAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("screening.answers.in-area", out _));
        }
        using (var answered = await alice.PutAsJsonAsync($"api/intake/referrals/{referralId}/screening",
            new { pathwayId = "housing-support", answers = new Dictionary<string, string> { ["in-area"] = "yes", ["housing-need"] = "yes" } }))
        {
            Assert.True((await answered.JsonAsync(HttpStatusCode.OK)).GetProperty("screening").GetProperty("complete").GetBoolean());
        }

        // Staff see who she may be, with the score, and confirm it is the same person.
        using var matches = await alice.GetAsync($"api/intake/referrals/{referralId}/matches");
        var candidate = (await matches.JsonAsync(HttpStatusCode.OK)).GetProperty("candidates").EnumerateArray()
            .Single(c => c.Text("personId") == existingPersonId);
        Assert.True(candidate.GetProperty("score").GetInt32() >= 50);
        using (var confirmed = await alice.PostJsonAsync($"api/intake/referrals/{referralId}/matches/decision",
            new { decision = "SamePerson", personId = existingPersonId }, ("If-Match", matches.Headers.ETag!.Tag)))
        {
            Assert.Equal(existingPersonId, (await confirmed.JsonAsync(HttpStatusCode.OK)).Text("personId"));
        }
        using (var accepted = await alice.PostAsJsonAsync($"api/intake/referrals/{referralId}/accept", new { pathwayId = "housing-support" }))
        {
            await accepted.JsonAsync(HttpStatusCode.OK);
        }

        var opened = await Eventually.Until(
            async () => (await alice.GetFromJsonAsync<JsonElement>("api/cases?limit=200&stage=Intake")).GetProperty("items").EnumerateArray()
                .FirstOrDefault(c => c.Text("referralId") == referralId),
            c => c.ValueKind == JsonValueKind.Object && c.GetProperty("assignedWorkerId").ValueKind == JsonValueKind.String,
            what: "the case to open and be assigned");
        var caseId = opened.Text("id")!;
        Assert.Equal(existingPersonId, opened.Text("personId"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(Iso(today.AddDays(28)), opened.Text("nextReviewOn")); // High concern on housing: every 28 days

        // What the pathway asks before the case can move on is on the case.
        var (view, etag) = await GetAsync(alice, caseId);
        (view, etag) = await ChangeAsync(alice, caseId, "stage", new { stage = "Assessment" }, etag);
        Assert.Equal(["AssessmentComplete"], view.GetProperty("missingToLeaveStage").EnumerateArray().Select(m => m.GetString()));
        using (var tooEarly = await alice.PostJsonAsync($"api/cases/{caseId}/stage", new { stage = "Active" }, ("If-Match", etag)))
        {
            Assert.Equal(["AssessmentComplete"], (await tooEarly.JsonAsync(HttpStatusCode.Conflict)).GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        }
        (view, etag) = await ChangeAsync(alice, caseId, "assessment", new
        {
            answers = new Dictionary<string, string>
            {
                ["housing-situation"] = "private-rented", ["eviction-date"] = Iso(today.AddDays(20)), ["dependants"] = "1",
                ["support-needs"] = "Wants to stay near her daughter's school",
            },
        }, etag, put: true);
        (view, etag) = await ChangeAsync(alice, caseId, "stage", new { stage = "Active", reason = "Assessment done" }, etag);
        (view, etag) = await ChangeAsync(alice, caseId, "goals", new
        {
            description = "Keep the current tenancy or move without a gap",
            targetOn = Iso(today.AddDays(60)),
            actions = new[] { new { description = "Apply for a discretionary housing payment", owner = "Morgan", targetOn = Iso(today.AddDays(7)) } },
        }, etag);
        var goalId = view.GetProperty("goals")[0].Text("id");

        // Critical concern: the next review comes forward to 7 days.
        (view, etag) = await ChangeAsync(alice, caseId, "concern", new { level = "Critical", reason = "Bailiffs booked for next week" }, etag);
        Assert.Equal(Iso(today.AddDays(7)), view.Text("nextReviewOn"));
        var dueThisWeek = await alice.GetFromJsonAsync<JsonElement>("api/cases?limit=200&review=due&sort=review");
        Assert.Contains(dueThisWeek.GetProperty("items").EnumerateArray(), c => c.Text("id") == caseId);

        // Another team's caseworker can neither see nor change the case.
        using (var refused = await bola.PostJsonAsync($"api/cases/{caseId}/concern", new { level = "Low", reason = "Not mine" }, ("If-Match", etag)))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
        using (var partnerRefused = await partner.GetAsync($"api/cases/{caseId}"))
        {
            Assert.Contains(partnerRefused.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized });
        }

        (view, etag) = await ChangeAsync(alice, caseId, "stage", new { stage = "Review" }, etag);
        (view, etag) = await ChangeAsync(alice, caseId, "reviews", new { findings = "Payment granted; eviction stopped", nextReviewOn = Iso(today.AddDays(5)) }, etag);
        (view, etag) = await ChangeAsync(alice, caseId, $"goals/{goalId}/progress", new { note = "Tenancy kept", status = "Achieved" }, etag);
        (view, etag) = await ChangeAsync(alice, caseId, "close", new
        {
            reason = "Goals achieved", outcomes = new[] { "homelessness-prevented" }, summary = "Eviction stopped with a discretionary payment.",
        }, etag);
        Assert.Equal("Closed", view.Text("status"));

        // Reporting counts the closure.
        await Eventually.Until(async () => (await maria.GetFromJsonAsync<JsonElement>("api/reporting/cases/summary")).GetProperty("byStatus"),
            byStatus => Count(byStatus, "Closed") == Count(closedBefore, "Closed") + 1, what: "reporting to count the closed case");

        (view, _) = await ChangeAsync(alice, caseId, "reopen", new { reason = "Landlord served a new notice" }, etag);
        Assert.Equal(("Open", "Review"), (view.Text("status"), view.Text("stage")));
        Assert.Equal(
            ["Opened", "Assigned", "StageChanged", "Assessed", "StageChanged", "GoalAdded", "ConcernChanged", "StageChanged", "Reviewed", "GoalProgress", "Closed", "Reopened"],
            view.GetProperty("timeline").EnumerateArray().Select(t => t.Text("what")));

        // The partner was told of each status change of both referrals, signed.
        var posts = await Eventually.Until(
            () => Task.FromResult(receiver.Received.Where(p => p.Json.GetProperty("externalReference").GetString()!.StartsWith("JN-" + tail)).ToList()),
            found => found.Count >= 5, what: "a webhook post for each status change");
        Assert.All(posts, post => Assert.True(post.SignatureValid, $"signature of {post.Body}"));
        Assert.Equal(["referral.accepted", "referral.declined", "referral.received", "referral.received", "referral.screening"], posts.Select(p => p.Event!).Order());
    }

    private static long Count(JsonElement byStatus, string status) =>
        byStatus.EnumerateArray().Where(s => s.Text("key") == status).Select(s => s.GetProperty("count").GetInt64()).SingleOrDefault();

    private static async Task<(JsonElement Case, string ETag)> GetAsync(HttpClient client, string caseId)
    {
        using var response = await client.GetAsync($"api/cases/{caseId}");
        return (await response.JsonAsync(HttpStatusCode.OK), response.Headers.ETag!.Tag);
    }

    private static async Task<(JsonElement Case, string ETag)> ChangeAsync(HttpClient client, string caseId, string path, object body, string etag, bool put = false)
    {
        using var response = put
            ? await client.PutJsonAsync($"api/cases/{caseId}/{path}", body, ("If-Match", etag))
            : await client.PostJsonAsync($"api/cases/{caseId}/{path}", body, ("If-Match", etag));
        return (await response.JsonAsync(HttpStatusCode.OK), response.Headers.ETag!.Tag);
    }
}
