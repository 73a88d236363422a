using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>
/// Assignment through the gateway with real sign-ins: an admin sets up a team of its own (so other tests' cases
/// cannot change its workers' loads), a pathway for it and its workers; cases referred and accepted through Intake
/// open in Case and are assigned by free hours; a concern raise in Case moves the worker's load; a leaving worker's
/// cases are handed over all at once, and a handover one target has no room for changes nothing.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AssignmentEndToEndTests(PlatformFixture platform)
{
    private sealed record Setup(HttpClient Admin, HttpClient Maria, string TeamId, string PathwayId) : IDisposable
    {
        public void Dispose()
        {
            Admin.Dispose();
            Maria.Dispose();
        }
    }

    /// <summary>A fresh team with the default hours (Low 1, Medium 2, High 3, Critical 5) and a pathway owned by it.</summary>
    private async Task<Setup> NewTeamAsync()
    {
        var admin = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "admin"));
        var maria = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "maria"));
        var tail = Guid.NewGuid().ToString("N")[..8];
        var teamId = "e2e-team-" + tail;
        var pathwayId = "e2e-path-" + tail;
        using (var pathway = await admin.PostAsJsonAsync("api/cases/pathways", new
        {
            id = pathwayId, name = "Tenancy Sustainment " + tail, teamId,
            outcomes = new[] { new { id = "tenancy-kept", label = "Tenancy kept" } },
        }))
        {
            await pathway.JsonAsync(HttpStatusCode.Created);
        }
        using (var team = await admin.PostAsJsonAsync("api/assignment/teams", new
        {
            id = teamId, name = "Tenancy Team " + tail, pathwayIds = new[] { pathwayId },
            hoursPerCase = new { low = 1, medium = 2, high = 3, critical = 5 },
        }))
        {
            await team.JsonAsync(HttpStatusCode.Created);
        }
        return new Setup(admin, maria, teamId, pathwayId);
    }

    private static async Task<string> AddWorkerAsync(Setup setup, string name, decimal capacityHours)
    {
        var id = "e2e-worker-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await setup.Admin.PostAsJsonAsync("api/assignment/workers",
            new { id, name, teamIds = new[] { setup.TeamId }, region = "local", capacityHours });
        await created.JsonAsync(HttpStatusCode.Created);
        return id;
    }

    /// <summary>Maria refers someone and accepts them onto the team's pathway at <paramref name="concernLevel"/>; returns the case id once it is open here.</summary>
    private static async Task<string> OpenCaseAsync(Setup setup, string concernLevel)
    {
        using var submitted = await setup.Maria.PostAsJsonAsync("api/intake/referrals",
            ReferralFlowTests.NewReferral("AS-" + Guid.NewGuid().ToString("N")[..8]));
        var referralId = (await submitted.JsonAsync(HttpStatusCode.Created)).Text("id")!;
        using (var accepted = await setup.Maria.PostAsJsonAsync($"api/intake/referrals/{referralId}/accept", new { pathwayId = setup.PathwayId, concernLevel }))
        {
            await accepted.JsonAsync(HttpStatusCode.OK);
        }
        var referral = await Eventually.Until(
            async () => await setup.Maria.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{referralId}"),
            r => r.GetProperty("caseId").ValueKind == JsonValueKind.String, what: "the referral's case to open");
        var caseId = referral.Text("caseId")!;
        await AssignmentAsync(setup.Maria, caseId, a => true);
        return caseId;
    }

    private static Task<JsonElement> AssignmentAsync(HttpClient client, string caseId, Func<JsonElement, bool> until, string what = "the case's assignment") =>
        Eventually.Until(async () =>
        {
            using var response = await client.GetAsync($"api/assignment/cases/{caseId}");
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
        }, a => a.ValueKind == JsonValueKind.Object && until(a), what: what);

    private static async Task<JsonElement> WorkerAsync(HttpClient client, string workerId) =>
        await client.GetFromJsonAsync<JsonElement>($"api/assignment/workers/{workerId}");

    [Fact]
    public async Task Cases_are_assigned_by_free_hours_a_concern_raise_moves_the_load_and_a_case_nobody_can_take_waits_in_the_queue()
    {
        using var setup = await NewTeamAsync();
        var roomy = await AddWorkerAsync(setup, "Roomy Rowe", 6m);
        var small = await AddWorkerAsync(setup, "Small Sato", 4m);

        // High (3 h): Roomy has 6 free, Small 4.
        var first = await OpenCaseAsync(setup, "High");
        var assignment = await AssignmentAsync(setup.Maria, first, a => a.Text("status") == "Active");
        Assert.Equal((roomy, 3m), (assignment.Text("workerId"), assignment.GetProperty("hours").GetDecimal()));
        Assert.Equal(3m, (await WorkerAsync(setup.Maria, roomy)).GetProperty("loadHours").GetDecimal());
        // Case learnt the accountable worker from CaseAssigned.
        var supportCase = await Eventually.Until(async () => await setup.Maria.GetFromJsonAsync<JsonElement>($"api/cases/{first}"),
            c => c.GetProperty("assignedWorkerId").ValueKind == JsonValueKind.String, what: "Case to show the worker");
        Assert.Equal(roomy, supportCase.Text("assignedWorkerId"));

        // The concern is raised in Case: Roomy's load follows (3 → 5 hours, one Critical case).
        using (var read = await setup.Maria.GetAsync($"api/cases/{first}"))
        using (var raised = await setup.Maria.PostJsonAsync($"api/cases/{first}/concern", new { level = "Critical", reason = "Bailiffs booked" },
            ("If-Match", read.Headers.ETag!.Tag)))
        {
            await raised.JsonAsync(HttpStatusCode.OK);
        }
        var loaded = await Eventually.Until(() => WorkerAsync(setup.Maria, roomy), w => w.GetProperty("loadHours").GetDecimal() == 5m,
            what: "the worker's load to follow the concern raise");
        Assert.Equal((1, 1m), (loaded.GetProperty("byConcern").GetProperty("critical").GetInt32(), loaded.GetProperty("freeHours").GetDecimal()));

        // Medium (2 h): Small now has more room. Critical (5 h): nobody has room; it waits for a supervisor.
        var second = await OpenCaseAsync(setup, "Medium");
        Assert.Equal(small, (await AssignmentAsync(setup.Maria, second, a => a.Text("status") == "Active")).Text("workerId"));
        var third = await OpenCaseAsync(setup, "Critical");
        Assert.Equal("Unassigned", (await AssignmentAsync(setup.Maria, third, a => true)).Text("status"));
        var queue = await setup.Maria.GetFromJsonAsync<JsonElement>($"api/assignment/unassigned?teamId={setup.TeamId}");
        Assert.Equal([third], queue.GetProperty("items").EnumerateArray().Select(i => i.Text("caseId")));
        var caseload = await setup.Maria.GetFromJsonAsync<JsonElement>($"api/assignment/teams/{setup.TeamId}/caseload");
        Assert.Equal((10m, 7m, 3m, 1), (caseload.GetProperty("capacityHours").GetDecimal(), caseload.GetProperty("loadHours").GetDecimal(),
            caseload.GetProperty("freeHours").GetDecimal(), caseload.GetProperty("unassignedCases").GetInt32()));

        // Bola (another team's caseworker) sees none of it.
        using var bola = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "bola"));
        Assert.Equal(HttpStatusCode.NotFound, (await bola.GetAsync($"api/assignment/cases/{first}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bola.GetAsync($"api/assignment/teams/{setup.TeamId}/caseload")).StatusCode);
    }

    [Fact]
    public async Task A_leaving_workers_cases_are_handed_over_all_at_once_and_a_handover_one_target_cannot_take_changes_nothing()
    {
        using var setup = await NewTeamAsync();
        var leaving = await AddWorkerAsync(setup, "Leaving Lee", 20m);
        var high = await OpenCaseAsync(setup, "High");
        var medium = await OpenCaseAsync(setup, "Medium");
        foreach (var caseId in new[] { high, medium })
        {
            Assert.Equal(leaving, (await AssignmentAsync(setup.Maria, caseId, a => a.Text("status") == "Active")).Text("workerId"));
        }
        var big = await AddWorkerAsync(setup, "Big Bo", 3m);
        var tight = await AddWorkerAsync(setup, "Tight Tam", 2m);
        using var sam = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "sam")); // housing supervisor: not this team
        Assert.Equal(HttpStatusCode.NotFound, (await sam.PostAsJsonAsync($"api/assignment/workers/{leaving}/handover",
            new { targetWorkerIds = new[] { big }, handoverNote = "n", reason = "r" })).StatusCode);

        // The High case (3 h) named for Tight (2 h free): refused whole, naming the case and the target.
        using (var refused = await setup.Maria.PostAsJsonAsync($"api/assignment/workers/{leaving}/handover", new
        {
            targetWorkerIds = new[] { big },
            targets = new Dictionary<string, string> { [high] = tight },
            handoverNote = "Keys are with reception",
            reason = "Leaving the charity",
            markAs = "Left",
        }))
        {
            var problem = await refused.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal((high, tight), (problem.Text("caseId"), problem.Text("targetWorkerId")));
        }
        var unchanged = await WorkerAsync(setup.Maria, leaving);
        Assert.Equal(("Available", 2, 5m), (unchanged.Text("availability"), unchanged.GetProperty("openCases").GetInt32(), unchanged.GetProperty("loadHours").GetDecimal()));
        Assert.Equal(0m, (await WorkerAsync(setup.Maria, big)).GetProperty("loadHours").GetDecimal());

        // Marking them Left while they still hold cases is refused, pointing to the handover.
        using (var current = await setup.Maria.GetAsync($"api/assignment/workers/{leaving}"))
        {
            using var markedLeft = await setup.Maria.PutJsonAsync($"api/assignment/workers/{leaving}/availability", new { availability = "Left" },
                ("If-Match", current.Headers.ETag!.Tag));
            Assert.Equal($"/api/assignment/workers/{leaving}/handover", (await markedLeft.ProblemAsync(HttpStatusCode.Conflict)).Text("handover"));
        }

        // By free hours: the High case to Big (3), the Medium one to Tight (2); the worker is marked Left in the same commit.
        using var handedOver = await setup.Maria.PostAsJsonAsync($"api/assignment/workers/{leaving}/handover", new
        {
            targetWorkerIds = new[] { big, tight },
            handoverNote = "Keys are with reception",
            reason = "Leaving the charity",
            markAs = "Left",
        });
        var result = await handedOver.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Left", result.Text("availability"));
        var moved = result.GetProperty("moved").EnumerateArray().ToDictionary(m => m.Text("caseId")!, m => m.Text("toWorkerId"));
        Assert.Equal((big, tight), (moved[high], moved[medium]));
        var left = await WorkerAsync(setup.Maria, leaving);
        Assert.Equal(("Left", 0, 0m), (left.Text("availability"), left.GetProperty("openCases").GetInt32(), left.GetProperty("loadHours").GetDecimal()));

        // Case follows the CaseAssigned events; the history says why and what was handed over.
        foreach (var (caseId, worker) in new[] { (high, big), (medium, tight) })
        {
            await Eventually.Until(async () => await setup.Maria.GetFromJsonAsync<JsonElement>($"api/cases/{caseId}"),
                c => c.Text("assignedWorkerId") == worker, what: "Case to show the new worker");
            var history = await setup.Maria.GetFromJsonAsync<JsonElement>($"api/assignment/cases/{caseId}/history");
            var last = history.EnumerateArray().Last();
            Assert.Equal(("Reassigned", leaving, "Keys are with reception", "Leaving the charity"),
                (last.Text("kind"), last.Text("fromWorkerId"), last.Text("handoverNote"), last.Text("reason")));
        }
    }
}
