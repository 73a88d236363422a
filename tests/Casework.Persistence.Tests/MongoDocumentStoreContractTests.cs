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
    protected override Task<EngineDatabase> CreateDatabaseAsync()
    {
        var name = "casework_test_" + Guid.NewGuid().ToString("N")[..12];
        var server = new UriBuilder(Environment.GetEnvironmentVariable("MONGODB_URI")!) { Path = "/" + name };
        var connectionString = server.Uri.ToString();
        return Task.FromResult(new EngineDatabase("mongodb", connectionString, async () =>
        {
            using var client = new MongoClient(connectionString);
            await client.DropDatabaseAsync(name);
        }));
    }
}
