using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>
/// The foundation's promise, as a partner portal and staff would live it: a referral submitted twice with
/// one Idempotency-Key becomes one referral; a caseworker signs in and accepts it; a case opens and is
/// assigned; a note is added; the reporting counts move. All through the gateway to the real processes.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ReferralFlowTests(PlatformFixture platform)
{
    private static readonly JsonElement Demo = JsonDocument.Parse(File.ReadAllText(TestEnvironment.DemoDataPath)).RootElement;

    internal static (string ClientId, string Secret) Partner(int index)
    {
        var partner = Demo.GetProperty("partners")[index];
        return (partner.GetProperty("clientId").GetString()!, partner.GetProperty("secret").GetString()!);
    }

    /// <summary>An acceptance onto the housing pathway with its screening checklist answered.</summary>
    internal static readonly object AcceptOntoHousing = new
    {
        pathwayId = "housing-support",
        screening = new { answers = new Dictionary<string, string> { ["in-area"] = "yes", ["housing-need"] = "yes" } },
    };

    internal static object NewReferral(string externalReference, string givenName = "Jordan") => new
    {
        person = new { givenName, familyName = "Reyes", dateOfBirth = "1991-03-14", email = "jordan.reyes@example.org", phone = "+44 7700 900123", postcode = "M1 2AB" },
        reason = "Facing eviction at the end of the month; needs help with housing options.",
        requestedPathwayId = "housing-support",
        concernLevel = "High",
        consent = new { given = true, scope = "Share my details with the charity's housing team" },
        referringOrganisation = "Northside Shelter",
        externalReference,
    };

    [Fact]
    public async Task A_partner_referral_flows_to_an_assigned_case_with_a_note_and_counts()
    {
        var (clientId, secret) = Partner(0);
        var partnerToken = await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret);
        using var partner = platform.Client(partnerToken);
        var manager = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "maria"));
        var referralsBefore = await CountAsync(manager, "api/reporting/referrals/summary");
        var casesBefore = await CountAsync(manager, "api/reporting/cases/summary");

        // Submitted twice with the same key (a portal retrying after a timeout): one referral.
        var externalReference = "NS-" + Guid.NewGuid().ToString("N")[..8];
        var body = NewReferral(externalReference);
        var key = Guid.NewGuid().ToString();
        var first = await PostWithKeyAsync(partner, body, key);
        var second = await PostWithKeyAsync(partner, body, key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.True(second.Headers.Contains("Idempotent-Replayed"));
        var referral = await first.Content.ReadFromJsonAsync<JsonElement>();
        var referralId = referral.GetProperty("id").GetString()!;
        Assert.Equal(referralId, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal("Received", referral.GetProperty("status").GetString());
        var mine = await partner.GetFromJsonAsync<JsonElement>("api/intake/referrals?limit=200");
        Assert.Single(mine.GetProperty("items").EnumerateArray(), r => r.GetProperty("externalReference").GetString() == externalReference);

        // A housing caseworker signs in (code + PKCE) and accepts it onto the housing pathway.
        using var alice = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "alice"));
        var accepted = await alice.PostAsJsonAsync($"api/intake/referrals/{referralId}/accept", ReferralFlowTests.AcceptOntoHousing);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("Accepted", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        // Staff find the person's record through the gateway (a phone typed another way still matches); partners cannot.
        Assert.Equal(JsonValueKind.Null, referral.GetProperty("personId").ValueKind); // partners never see record ids
        var personId = (await alice.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{referralId}")).GetProperty("personId").GetString()!;
        var people = await alice.GetFromJsonAsync<JsonElement>("api/intake/people?phone=%2B447700900123&dateOfBirth=1991-03-14&limit=200");
        Assert.Contains(people.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetString() == personId);
        using (var refused = await partner.GetAsync($"api/intake/people/{personId}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        // The case opens from the event, gets an accountable worker, and the referral links to it.
        var supportCase = await Eventually.Until(
            async () => (await alice.GetFromJsonAsync<JsonElement>("api/cases?limit=200")).GetProperty("items").EnumerateArray()
                .FirstOrDefault(c => c.GetProperty("referralId").GetString() == referralId),
            c => c.ValueKind == JsonValueKind.Object && c.GetProperty("assignedWorkerId").ValueKind == JsonValueKind.String,
            what: "the case to open and be assigned");
        var caseId = supportCase.GetProperty("id").GetString()!;
        Assert.Equal("Open", supportCase.GetProperty("status").GetString());
        Assert.Equal("housing", supportCase.GetProperty("teamId").GetString());
        Assert.Equal("High", supportCase.GetProperty("concernLevel").GetString());
        var worker = await alice.GetFromJsonAsync<JsonElement>($"api/assignment/cases/{caseId}");
        Assert.Equal(supportCase.GetProperty("assignedWorkerId").GetString(), worker.GetProperty("workerId").GetString());
        await Eventually.Until(
            async () => await alice.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{referralId}"),
            r => r.GetProperty("caseId").ValueKind == JsonValueKind.String && r.GetProperty("caseId").GetString() == caseId,
            what: "the referral to link to its case");

        // A correction of the person's name reaches the case through PersonUpdated.
        var corrected = await alice.PutAsJsonAsync($"api/intake/people/{personId}", new
        {
            givenName = "Jordan", familyName = "Reyes-Kaur", dateOfBirth = "1991-03-14", email = "jordan.reyes@example.org", phone = "+44 7700 900123", postcode = "M1 2AB",
        });
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        await Eventually.Until(
            async () => await alice.GetFromJsonAsync<JsonElement>($"api/cases/{caseId}"),
            c => c.GetProperty("personDisplayName").GetString() == "Jordan Reyes-Kaur",
            what: "the case to show the corrected name");

        // A note on the case, visible in its notes.
        var note = await alice.PostAsJsonAsync($"api/notes/cases/{caseId}/notes",
            new { type = "PhoneCall", body = "First call: agreed to meet at the drop-in on Thursday.", durationMinutes = 15 });
        Assert.Equal(HttpStatusCode.Created, note.StatusCode);
        var notes = await alice.GetFromJsonAsync<JsonElement>($"api/notes/cases/{caseId}/notes");
        Assert.Contains(notes.GetProperty("items").EnumerateArray(), n => n.GetProperty("body").GetString()!.StartsWith("First call"));

        // The partner sees the decision on its referral.
        var status = await partner.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{referralId}");
        Assert.Equal("Accepted", status.GetProperty("status").GetString());

        // Reporting counts one more accepted referral and one more open case.
        await Eventually.Until(() => CountAsync(manager, "api/reporting/referrals/summary"),
            counts => counts.GetValueOrDefault("Accepted") == referralsBefore.GetValueOrDefault("Accepted") + 1,
            what: "reporting to count the accepted referral");
        await Eventually.Until(() => CountAsync(manager, "api/reporting/cases/summary"),
            counts => counts.GetValueOrDefault("Open") == casesBefore.GetValueOrDefault("Open") + 1,
            what: "reporting to count the open case");

        // The dashboard counts this week's opening, the case under its worker, and says how current it is.
        var dashboard = await manager.GetFromJsonAsync<JsonElement>("api/reporting/dashboard");
        Assert.Equal(JsonValueKind.String, dashboard.GetProperty("asOf").ValueKind);
        Assert.True(dashboard.GetProperty("trends").GetProperty("weeks")[11].GetProperty("casesOpened").GetInt64() >= 1);
        Assert.Contains(dashboard.GetProperty("openCases").GetProperty("byWorker").EnumerateArray(),
            w => w.GetProperty("workerId").GetString() == supportCase.GetProperty("assignedWorkerId").GetString() && w.GetProperty("count").GetInt64() >= 1);
        manager.Dispose();
    }

    [Fact]
    public async Task A_partner_withdraws_an_undecided_referral_and_reporting_counts_it()
    {
        var (clientId, secret) = Partner(0);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        using var manager = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "maria"));
        var before = await CountAsync(manager, "api/reporting/referrals/summary");

        var submitted = await PostWithKeyAsync(partner, NewReferral("NS-" + Guid.NewGuid().ToString("N")[..8]), Guid.NewGuid().ToString());
        var referralId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var withdrawn = await partner.PostAsJsonAsync($"api/intake/referrals/{referralId}/withdraw", new { reason = "The person found housing elsewhere" });
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal("Withdrawn", (await withdrawn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        await Eventually.Until(() => CountAsync(manager, "api/reporting/referrals/summary"),
            counts => counts.GetValueOrDefault("Withdrawn") == before.GetValueOrDefault("Withdrawn") + 1,
            what: "reporting to count the withdrawn referral");
    }

    internal static async Task<HttpResponseMessage> PostWithKeyAsync(HttpClient client, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/intake/referrals") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    /// <summary>The byStatus counts of a reporting summary, as status → count.</summary>
    private static async Task<Dictionary<string, long>> CountAsync(HttpClient client, string path)
    {
        var summary = await client.GetFromJsonAsync<JsonElement>(path);
        return summary.GetProperty("byStatus").EnumerateArray()
            .ToDictionary(s => s.GetProperty("key").GetString() ?? "", s => s.GetProperty("count").GetInt64());
    }
}
