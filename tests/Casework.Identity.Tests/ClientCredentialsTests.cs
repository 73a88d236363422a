using System.Net;
using Casework.Testing;

namespace Casework.Identity.Tests;

[Collection(IdentityCollection.Name)]
public sealed class ClientCredentialsTests(IdentityFixture fixture)
{
    [Fact]
    public async Task A_partner_gets_a_signed_JWT_for_the_intake_API()
    {
        using var client = fixture.Factory.CreateBrowser();
        var response = await Oidc.ClientCredentialsAsync(client, "partner-shelter", "partner-shelter-demo-secret", "intake.referrals.write intake.referrals.read");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.InRange(body.GetProperty("expires_in").GetInt32(), 890, 900);
        var accessToken = body.GetProperty("access_token").GetString()!;
        Assert.Equal(3, accessToken.Split('.').Length); // a JWS, not an encrypted JWE (5 parts)

        var token = await Oidc.ValidateAccessTokenAsync(client, accessToken, "casework-intake");
        Assert.Equal("RS256", token.Alg);
        Assert.Equal("at+jwt", token.Typ);
        Assert.Equal(["casework-intake"], token.Audiences.ToArray());
        Assert.Equal(["partner"], token.Values("role"));
        Assert.Equal(["partner-shelter"], token.Values("client_id"));
        Assert.Equal(["partner-shelter"], token.Values("sub"));
        Assert.Equal(["Northside Shelter referral portal"], token.Values("name"));
        Assert.Equal(["local"], token.Values("region"));
        var scopes = Assert.Single(token.Values("scope")).Split(' ');
        Assert.Equal(["intake.referrals.read", "intake.referrals.write"], scopes.Order().ToArray());
        Assert.Equal(TimeSpan.FromMinutes(15), token.ValidTo - token.IssuedAt);
    }

    [Fact]
    public async Task A_partner_asking_for_no_scope_gets_the_scopes_it_is_permitted()
    {
        using var client = fixture.Factory.CreateBrowser();
        var response = await Oidc.ClientCredentialsAsync(client, "partner-jobcentre", "partner-jobcentre-demo-secret", scope: null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await Oidc.ValidateAccessTokenAsync(client, (await response.ReadJsonAsync()).GetProperty("access_token").GetString()!, "casework-intake");
        Assert.Equal(["intake.referrals.read", "intake.referrals.write"], Assert.Single(token.Values("scope")).Split(' ').Order().ToArray());
        Assert.Equal(["City Jobcentre referral portal"], token.Values("name"));
    }

    [Fact]
    public async Task A_wrong_client_secret_is_refused()
    {
        using var client = fixture.Factory.CreateBrowser();
        var response = await Oidc.ClientCredentialsAsync(client, "partner-shelter", "not-the-secret", "intake.referrals.write");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, "Status was " + response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task An_unknown_client_is_refused()
    {
        using var client = fixture.Factory.CreateBrowser();
        var response = await Oidc.ClientCredentialsAsync(client, "partner-nobody", "partner-shelter-demo-secret", "intake.referrals.write");
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, "Status was " + response.StatusCode);
        Assert.Equal("invalid_client", (await response.ReadJsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_partner_cannot_get_a_scope_it_is_not_permitted()
    {
        using var client = fixture.Factory.CreateBrowser();
        var response = await Oidc.ClientCredentialsAsync(client, "partner-shelter", "partner-shelter-demo-secret", "cases");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.False(body.TryGetProperty("access_token", out _));
        // OpenIddict answers a scope the client has no permission for with invalid_request (ID2051).
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
        Assert.Contains("scope", body.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task The_public_staff_client_cannot_use_client_credentials()
    {
        using var client = fixture.Factory.CreateBrowser();
        var response = await client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = DemoSignIn.StaffClientId,
            ["scope"] = "cases",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False((await response.ReadJsonAsync()).TryGetProperty("access_token", out _));
    }
}
