using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>
/// A case's whole life through the gateway, as a housing team lives it: a partner's referral is screened and
/// accepted; the case opens, is assigned, assessed, planned, its concern raised (which brings the review
/// forward), reviewed, closed with outcomes and reopened; a caseworker of another team is refused throughout.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CaseLifecycleTests(PlatformFixture platform)
{
    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd");

    [Fact]
    public async Task A_referral_becomes_a_case_that_is_assessed_planned_reviewed_closed_with_outcomes_and_reopened()
    {
        var (clientId, secret) = ReferralFlowTests.Partner(0);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        using var alice = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "alice"));
        using var bola = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "bola"));
        using var maria = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "maria"));
        var closedBefore = (await maria.GetFromJsonAsync<JsonElement>("api/reporting/cases/summary")).GetProperty("byStatus");

        using var submitted = await partner.PostAsJsonAsync("api/intake/referrals", ReferralFlowTests.NewReferral("LC-" + Guid.NewGuid().ToString("N")[..8], "Morgan"));
        var referralId = (await submitted.JsonAsync(HttpStatusCode.Created)).Text("id");
        using (var screening = await alice.PostAsJsonAsync($"api/intake/referrals/{referralId}/screen", new { }))
        {
            Assert.Equal("Screening", (await screening.JsonAsync(HttpStatusCode.OK)).Text("status"));
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
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(Iso(today.AddDays(28)), opened.Text("nextReviewOn")); // High concern on housing: every 28 days

        // What the pathway asks before the case can move on is on the case.
        var (view, etag) = await GetAsync(alice, caseId);
        (view, etag) = await ChangeAsync(alice, caseId, "stage", new { stage = "Assessment" }, etag);
        Assert.Equal(["AssessmentComplete"], view.GetProperty("missingToLeaveStage").EnumerateArray().Select(m => m.GetString()));
        using (var tooEarly = await alice.PostAsJsonAsync($"api/cases/{caseId}/stage", new { stage = "Active" }))
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
        using (var refused = await bola.PostAsJsonAsync($"api/cases/{caseId}/concern", new { level = "Low", reason = "Not mine" }))
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
