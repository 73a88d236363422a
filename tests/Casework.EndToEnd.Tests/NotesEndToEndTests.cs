using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>
/// Case notes as a housing team lives them, through the gateway with real sign-ins: the case's worker records a
/// safeguarding concern; their colleague sees only that it exists (and a text search does not find it); the team's
/// supervisor reads it; an auditor sees both the writing and the reading in the access log, which caseworkers may
/// not read. The worker corrects a note and the original stays visible; a note from the pathway's first-appointment
/// template is composed from its sections.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class NotesEndToEndTests(PlatformFixture platform)
{
    private static readonly Dictionary<string, string> HousingWorkers = new()
    {
        ["6f1c2a1e-0a01-4c1e-9a01-000000000001"] = "alice",
        ["6f1c2a1e-0a01-4c1e-9a01-000000000002"] = "hamid",
    };
    private const string SamId = "6f1c2a1e-0a01-4c1e-9a01-000000000004";

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient client, string path) =>
        (await client.GetFromJsonAsync<JsonElement>(path)).GetProperty("items").EnumerateArray().ToList();

    [Fact]
    public async Task A_restricted_note_is_hidden_from_a_colleague_read_by_the_supervisor_and_every_access_is_in_the_auditors_log()
    {
        var (clientId, secret) = ReferralFlowTests.Partner(1);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        using var alice = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "alice"));
        using var sam = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "sam"));
        using var auditor = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "audrey"));

        // A referral accepted onto housing becomes a case assigned to alice or hamid.
        using var submitted = await partner.PostAsJsonAsync("api/intake/referrals", ReferralFlowTests.NewReferral("NT-" + Guid.NewGuid().ToString("N")[..8], "Robin"));
        var referralId = (await submitted.JsonAsync(HttpStatusCode.Created)).Text("id");
        using (var accepted = await alice.PostAsJsonAsync($"api/intake/referrals/{referralId}/accept", ReferralFlowTests.AcceptOntoHousing))
        {
            await accepted.JsonAsync(HttpStatusCode.OK);
        }
        var supportCase = await Eventually.Until(
            async () => (await ItemsAsync(alice, "api/cases?limit=200")).FirstOrDefault(c => c.Text("referralId") == referralId),
            c => c.ValueKind == JsonValueKind.Object && c.GetProperty("assignedWorkerId").ValueKind == JsonValueKind.String,
            what: "the case to open and be assigned");
        var caseId = supportCase.Text("id");
        var workerName = HousingWorkers[supportCase.Text("assignedWorkerId")!];
        var colleagueName = HousingWorkers.Values.Single(name => name != workerName); // hamid when alice has the case
        using var worker = workerName == "alice" ? alice : platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, workerName));
        using var colleague = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, colleagueName));
        var notes = $"api/notes/cases/{caseId}/notes";

        // The worker records a safeguarding concern: restricted whatever is asked.
        var word = "bruising" + Guid.NewGuid().ToString("N")[..6];
        using var added = await worker.PostAsJsonAsync(notes, new
        {
            type = "SafeguardingConcern", body = $"Noticed {word} on the left arm; said they fell.", present = new[] { "Client" }, durationMinutes = 20,
        });
        var concern = await added.JsonAsync(HttpStatusCode.Created);
        var noteId = concern.Text("id");
        Assert.True(concern.GetProperty("restricted").GetBoolean());

        // The colleague sees that it exists, not what it says; searching for its words finds nothing.
        var seen = Assert.Single(await ItemsAsync(colleague, notes), n => n.Text("id") == noteId);
        Assert.True(seen.GetProperty("redacted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("body").ValueKind);
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("present").ValueKind);
        Assert.Empty(await ItemsAsync(colleague, $"{notes}?text={word}"));
        Assert.Empty(await ItemsAsync(colleague, $"api/notes/search?text={word}"));

        // The supervisor reads it, in the case and in a search across the team's cases (once Notes knows the case).
        var read = await sam.GetFromJsonAsync<JsonElement>($"{notes}/{noteId}");
        Assert.False(read.GetProperty("redacted").GetBoolean());
        Assert.StartsWith($"Noticed {word}", read.Text("body"));
        var found = await Eventually.Until(() => ItemsAsync(sam, $"api/notes/search?text={word}"), items => items.Count == 1, what: "the supervisor's search");
        Assert.Equal(noteId, found[0].Text("id"));

        // The auditor sees who wrote and who read it; caseworkers may not look.
        var log = await ItemsAsync(auditor, $"api/notes/access-log?noteId={noteId}");
        Assert.Contains(log, e => e.Text("action") == "write" && e.Text("actorId") == supportCase.Text("assignedWorkerId"));
        Assert.Contains(log, e => e.Text("action") == "read" && e.Text("actorId") == SamId && e.Text("parentId") == caseId);
        var colleagueId = HousingWorkers.Single(w => w.Value == colleagueName).Key;
        Assert.DoesNotContain(log, e => e.Text("actorId") == colleagueId); // redacted views read nothing
        using (var refused = await colleague.GetAsync($"api/notes/access-log?noteId={noteId}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
    }

    [Fact]
    public async Task An_amendment_keeps_the_original_and_a_template_note_is_composed_from_its_sections()
    {
        var (clientId, secret) = ReferralFlowTests.Partner(1);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        using var alice = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "alice"));
        using var sam = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "sam"));
        using var submitted = await partner.PostAsJsonAsync("api/intake/referrals", ReferralFlowTests.NewReferral("NT-" + Guid.NewGuid().ToString("N")[..8], "Quinn"));
        var referralId = (await submitted.JsonAsync(HttpStatusCode.Created)).Text("id");
        using (var accepted = await alice.PostAsJsonAsync($"api/intake/referrals/{referralId}/accept", ReferralFlowTests.AcceptOntoHousing))
        {
            await accepted.JsonAsync(HttpStatusCode.OK);
        }
        var caseId = (await Eventually.Until(
            async () => (await ItemsAsync(alice, "api/cases?limit=200")).FirstOrDefault(c => c.Text("referralId") == referralId),
            c => c.ValueKind == JsonValueKind.Object, what: "the case to open")).Text("id");
        var notes = $"api/notes/cases/{caseId}/notes";

        // A first appointment from the pathway's template.
        var template = Assert.Single(await alice.GetFromJsonAsync<List<JsonElement>>("api/notes/templates?pathwayId=housing-support") ?? [],
            t => t.Text("name") == "First appointment");
        using var fromTemplate = await alice.PostAsJsonAsync(notes, new
        {
            templateId = template.Text("id"), durationMinutes = 60,
            sections = new Dictionary<string, string> { ["situation"] = "Private rent, two months behind.", ["needs"] = "Keep the flat.", ["next-steps"] = "Alice calls the landlord." },
        });
        var appointment = await fromTemplate.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Appointment", appointment.Text("type"));
        Assert.StartsWith("# Current situation\nPrivate rent, two months behind.", appointment.Text("body"));

        // A correction: If-Match required; the original stays beside the amendment.
        var amendments = $"{notes}/{appointment.Text("id")}/amendments";
        using (var withoutIfMatch = await alice.PostAsJsonAsync(amendments, new { body = "x", reason = "y" }))
        {
            Assert.Equal((HttpStatusCode)428, withoutIfMatch.StatusCode);
        }
        using var amend = new HttpRequestMessage(HttpMethod.Post, amendments)
        {
            Content = JsonContent.Create(new { body = appointment.Text("body")!.Replace("two months", "three months"), reason = "Arrears were three months" }),
        };
        amend.Headers.IfMatch.Add(fromTemplate.Headers.ETag!);
        using var amended = await alice.SendAsync(amend);
        await amended.JsonAsync(HttpStatusCode.OK);

        var note = await sam.GetFromJsonAsync<JsonElement>($"{notes}/{appointment.Text("id")}");
        Assert.Contains("three months", note.Text("body"));
        Assert.Contains("two months", note.Text("original"));
        var amendment = Assert.Single(note.GetProperty("amendments").EnumerateArray());
        Assert.Equal("Arrears were three months", amendment.Text("reason"));
        Assert.Equal("Alice Adeyemi", amendment.Text("amendedByName"));
    }
}
