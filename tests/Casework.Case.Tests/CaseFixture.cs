extern alias CaseApi;

using System.Net;
using System.Text.Json;
using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Testing;
using Grpc.Net.Client;
using MassTransit;
using CaseProgram = CaseApi::Program;
using SupportCase = CaseApi::Casework.Case.Domain.SupportCase;

namespace Casework.Case.Tests;

/// <summary>
/// The Case service hosted once for the integration tests: fresh database, vhost test-case, the demo
/// pathways seeded. Cases are opened the way they are in production, by a ReferralAccepted on the bus.
/// </summary>
public sealed class CaseFixture() : ServiceFixture<CaseProgram>("case", Vhost, new Dictionary<string, string?>
{
    ["Seed:DemoDataPath"] = TestEnvironment.DemoDataPath,
    ["Logging:LogLevel:Default"] = "Warning",
})
{
    public const string Vhost = "test-case";
    public const string Audience = "casework-case";

    public static string Staff(string subject, string role, params string[] teams) =>
        TestTokens.Staff(subject, subject + " name", [role], teams, [Audience], "cases");

    public HttpClient Client(string token) => Factory.CreateClient(token);

    public HttpClient Caseworker(string team, string? subject = null) => Client(Staff(subject ?? "cw-" + team, "caseworker", team));

    public HttpClient Manager() => Client(Staff("manager-1", "manager"));

    public GrpcChannel GrpcChannel() =>
        Grpc.Net.Client.GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Factory.Server.CreateHandler() });

    /// <summary>Publishes a ReferralAccepted and waits for the case it opens.</summary>
    public async Task<Stored<SupportCase>> OpenCaseAsync(string pathwayId = "housing-support", string concernLevel = "Medium", Guid? messageId = null)
    {
        var accepted = new ReferralAccepted(Guid.NewGuid(), Guid.NewGuid(), "Ada Lovelace", pathwayId, concernLevel, "intake-worker", DateTimeOffset.UtcNow);
        await PublishAsync(accepted, messageId ?? NewId.NextGuid());
        var opened = await Eventually.Until(() => CasesOfReferralAsync(accepted.ReferralId), page => page.Total > 0, what: "the case to open");
        return opened.Items[0];
    }

    public Task<Page<Stored<SupportCase>>> CasesOfReferralAsync(Guid referralId) =>
        Store.QueryAsync<SupportCase>(new DocumentQuery { Filter = new DocumentFilter().Equal("referralId", referralId.ToString()) });
}

[CollectionDefinition(Name)]
public sealed class CaseCollection : ICollectionFixture<CaseFixture>
{
    public const string Name = "case";
}

/// <summary>Reading the Case API's lists and views.</summary>
internal static class CaseApiJson
{
    public static async Task<List<JsonElement>> ItemsAsync(this HttpClient client, string query = "")
    {
        using var response = await client.GetAsync("/api/cases?limit=200" + query);
        var page = await response.JsonAsync(HttpStatusCode.OK);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(items.Count, page.GetProperty("total").GetInt64()); // under 200: one page holds them all
        return items;
    }

    public static Guid Id(this JsonElement item) => item.GetProperty("id").GetGuid();
}
