using System.Net;
using System.Security.Cryptography;
using Casework.Testing;

namespace Casework.Identity.Tests;

/// <summary>
/// Replicas of a new region start together on an empty database (a first install's pods, or the migrate Job and the
/// pods): the schema, the Data Protection key, the roles and scopes are each made once, and every replica starts.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class ConcurrentStartTests
{
    [Fact]
    public async Task Replicas_starting_together_on_a_new_database_all_start_and_share_one_key()
    {
        await using var database = await TestDatabase.CreateAsync("identity_together");
        using var signing = RSA.Create(2048);
        using var encryption = RSA.Create(2048);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Store"] = database.ConnectionString,
            ["Identity:Issuer"] = IdentityFixture.Issuer,
            ["Identity:SigningKeyPem"] = signing.ExportPkcs8PrivateKeyPem(),
            ["Identity:EncryptionKeyPem"] = encryption.ExportPkcs8PrivateKeyPem(),
        };
        var replicas = Enumerable.Range(0, 3).Select(_ => new IdentityFactory(settings)).ToList();
        try
        {
            // Each factory starts its host on first use of Server; all three at once.
            await Task.WhenAll(replicas.Select(replica => Task.Run(() => replica.Server)));
            foreach (var replica in replicas)
            {
                using var client = replica.CreateClient();
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
            }
            Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM \"DataProtectionKeys\""));
            Assert.Equal(5L, await database.ScalarAsync<long>("SELECT count(*) FROM \"AspNetRoles\""));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }
}
