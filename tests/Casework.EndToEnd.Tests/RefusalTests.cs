using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>What the platform refuses, through the gateway, and that a refusal leaves nothing behind.</summary>
[Collection(PlatformCollection.Name)]
public sealed class RefusalTests(PlatformFixture platform)
{
    [Fact]
    public async Task No_token_is_401()
    {
        using var anonymous = platform.Client();
        using var response = await anonymous.PostAsJsonAsync("api/intake/referrals", ReferralFlowTests.NewReferral("X-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task A_partner_token_on_a_staff_endpoint_is_403()
    {
        var (clientId, secret) = ReferralFlowTests.Partner(0);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        var created = await ReferralFlowTests.PostWithKeyAsync(partner, ReferralFlowTests.NewReferral("X-2"), Guid.NewGuid().ToString());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var accept = await partner.PostAsJsonAsync($"api/intake/referrals/{id}/accept", new { pathwayId = "housing-support" });
        Assert.Equal(HttpStatusCode.Forbidden, accept.StatusCode);
        // A partner token is not even addressed to the Case service (audience casework-intake only).
        using var cases = await partner.GetAsync("api/cases");
        Assert.Equal(HttpStatusCode.Unauthorized, cases.StatusCode);
        var status = await partner.GetFromJsonAsync<JsonElement>($"api/intake/referrals/{id}");
        Assert.Equal("Received", status.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_partner_cannot_read_another_partners_referral()
    {
        var (shelterId, shelterSecret) = ReferralFlowTests.Partner(0);
        var (jobcentreId, jobcentreSecret) = ReferralFlowTests.Partner(1);
        using var shelter = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, shelterId, shelterSecret));
        using var jobcentre = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, jobcentreId, jobcentreSecret));
        var created = await ReferralFlowTests.PostWithKeyAsync(shelter, ReferralFlowTests.NewReferral("X-3"), Guid.NewGuid().ToString());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var theirs = await jobcentre.GetAsync($"api/intake/referrals/{id}");
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        using var own = await shelter.GetAsync($"api/intake/referrals/{id}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var jobcentreList = await jobcentre.GetFromJsonAsync<JsonElement>("api/intake/referrals?limit=200");
        Assert.DoesNotContain(jobcentreList.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_malformed_referral_is_400_naming_each_field_and_stores_nothing()
    {
        var (clientId, secret) = ReferralFlowTests.Partner(1);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        var before = (await partner.GetFromJsonAsync<JsonElement>("api/intake/referrals?limit=1")).GetProperty("total").GetInt64();

        var malformed = new
        {
            person = new { givenName = "", familyName = "Reyes", email = "not-an-email" },
            reason = "",
            concernLevel = "Extreme",
            consent = new { given = false },
        };
        using var response = await ReferralFlowTests.PostWithKeyAsync(partner, malformed, Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fields = problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "person.givenName", "person.email", "reason", "concernLevel", "consent.given" }, fields);

        var after = (await partner.GetFromJsonAsync<JsonElement>("api/intake/referrals?limit=1")).GetProperty("total").GetInt64();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_body_is_409()
    {
        var (clientId, secret) = ReferralFlowTests.Partner(0);
        using var partner = platform.Client(await GatewaySignIn.PartnerAsync(platform.Gateway, clientId, secret));
        var key = Guid.NewGuid().ToString();
        using var first = await ReferralFlowTests.PostWithKeyAsync(partner, ReferralFlowTests.NewReferral("X-5"), key);
        using var changed = await ReferralFlowTests.PostWithKeyAsync(partner, ReferralFlowTests.NewReferral("X-5", givenName: "Morgan"), key);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
    }

    [Fact]
    public async Task Api_documents_are_published_through_the_gateway()
    {
        using var anonymous = platform.Client();
        foreach (var service in new[] { "intake", "cases", "notes", "assignment", "reporting" })
        {
            using var document = await anonymous.GetAsync($"api/{service}/openapi/v1.json");
            Assert.True(document.IsSuccessStatusCode, $"{service}: {(int)document.StatusCode}");
            var json = await document.Content.ReadFromJsonAsync<JsonElement>();
            Assert.StartsWith("3.", json.GetProperty("openapi").GetString());
            Assert.True(json.GetProperty("paths").EnumerateObject().Any(), $"{service} documents no paths");
        }
    }
}
