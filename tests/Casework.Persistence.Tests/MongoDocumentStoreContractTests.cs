using Casework.Persistence.Mongo;
using Microsoft.Extensions.DependencyInjection;
using MongoDB.Driver;

namespace Casework.Persistence.Tests;

/// <summary>
/// The store contract on MongoDB, wherever a server is reachable (architecture §5). No MongoDB server can
/// be installed on the development and CI machines, so without <c>MONGODB_URI</c> every test here is
/// reported as skipped with that reason. <c>MONGODB_URI</c> must name a replica set (one node will do,
/// e.g. <c>mongodb://localhost:27017/?replicaSet=rs0</c>): the contract commits several documents at once,
/// which a standalone server refuses (README, Running on MongoDB). Each test gets its own database, dropped after it.
/// </summary>
[RequiresEnvironmentVariable("MONGODB_URI", "no MongoDB server on this machine; set MONGODB_URI to a replica set (mongodb://host:27017/?replicaSet=rs0) to run the store contract against the MongoDB engine")]
public sealed class MongoDocumentStoreContractTests : DocumentStoreContract
{
    protected override Task<EngineDatabase> CreateDatabaseAsync() => Task.FromResult(MongoTestDatabases.Create());
}

/// <summary>
/// The single-document part of the contract in the opt-in standalone mode (<c>Store:Mongo:Transactions=auto</c>, the
/// engine told to assume a server without transactions): commits write one document with its events and inbox mark.
/// Runs against the <c>MONGODB_URI</c> server (a replica set serves single-document writes alike).
/// </summary>
[OneDocumentPerCommit]
[RequiresEnvironmentVariable("MONGODB_URI", "no MongoDB server on this machine; set MONGODB_URI (mongodb://host:27017/?replicaSet=rs0) to run the single-document contract against the MongoDB engine's standalone mode")]
public sealed class MongoStandaloneDocumentStoreContractTests : DocumentStoreContract
{
    protected override Task<EngineDatabase> CreateDatabaseAsync() =>
        Task.FromResult(MongoTestDatabases.Create() with
        {
            Settings = new Dictionary<string, string?> { ["Store:Mongo:Transactions"] = "auto" },
            Prepare = services => services.GetRequiredService<MongoContext>().AssumeTransactions(false),
        });
}

public static class MongoTestDatabases
{
    public static EngineDatabase Create()
    {
        var name = "casework_test_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = WithDatabase(Environment.GetEnvironmentVariable("MONGODB_URI")!, name);
        return new EngineDatabase("mongodb", connectionString, async () =>
        {
            using var client = new MongoClient(connectionString);
            await client.DropDatabaseAsync(name);
        });
    }

    /// <summary>The server's URI with the test's database as its path (every host and option kept; a multi-host URI is no URL for UriBuilder).</summary>
    public static string WithDatabase(string serverUri, string database) =>
        new MongoUrlBuilder(serverUri) { DatabaseName = database }.ToString();
}

public sealed class MongoTestDatabaseTests
{
    [Fact]
    public void A_multi_host_server_uri_gets_the_tests_database_and_keeps_its_hosts_and_options()
    {
        var uri = MongoTestDatabases.WithDatabase("mongodb://h1:27017,h2:27018/?replicaSet=rs0", "casework_test_x");
        var url = MongoUrl.Create(uri);
        Assert.Equal("casework_test_x", url.DatabaseName);
        Assert.Equal(["h1:27017", "h2:27018"], url.Servers.Select(s => $"{s.Host}:{s.Port}"));
        Assert.Equal("rs0", url.ReplicaSetName);
    }
}
