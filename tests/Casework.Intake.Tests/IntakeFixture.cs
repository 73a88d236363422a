using Casework.Persistence;
using Casework.Testing;

namespace Casework.Intake.Tests;

/// <summary>
/// The Intake service hosted once for the integration tests: fresh database, vhost test-intake. Case's
/// gRPC address points at a closed port, so any call to Case fails as Unavailable (503), which tells
/// the tests whether Intake called it.
/// </summary>
public sealed class IntakeFixture() : ServiceFixture<Program>("intake", Vhost, new Dictionary<string, string?>
{
    ["Services:Case:Grpc"] = "http://127.0.0.1:9",
    ["Grpc:DeadlineMs"] = "2000",
    ["Logging:LogLevel:Default"] = "Warning",
    // Webhook receivers in these tests are http on loopback; short backoff keeps retry tests to a second or so.
    ["Webhooks:AllowInsecureTargets"] = "true",
    ["Webhooks:PollInterval"] = "00:00:00.050",
    ["Webhooks:BaseDelay"] = "00:00:00.200",
    ["Webhooks:MaxDelay"] = "00:00:00.400",
    ["Webhooks:MaxAttempts"] = "3",
    ["Webhooks:Timeout"] = "00:00:02",
    ["Webhooks:Lease"] = "00:00:05",
})
{
    public const string Vhost = "test-intake";
    public const string Audience = "casework-intake";
    public const string PartnerScopes = "intake.referrals.write intake.referrals.read";

    public HttpClient Partner(string clientId) => Factory.CreateClient(TestTokens.Partner(clientId, [Audience], PartnerScopes));

    public HttpClient Staff(string role = "caseworker", string subject = "staff-1") =>
        Factory.CreateClient(TestTokens.Staff(subject, "Sam Staff", [role], ["housing"], [Audience], "intake"));

    public HttpClient Anonymous() => Factory.CreateClient();

    public async Task<long> CountAsync<T>() where T : class => (await Store.QueryAsync<T>(new DocumentQuery { Limit = 1, CountLimit = null })).Total;
}

[CollectionDefinition(Name)]
public sealed class IntakeCollection : ICollectionFixture<IntakeFixture>
{
    public const string Name = "intake";
}
