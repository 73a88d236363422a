using Casework.Testing;

namespace Casework.Persistence.Tests;

/// <summary>The store contract on PostgreSQL (the default engine), each test on a fresh database.</summary>
public sealed class PostgresDocumentStoreContractTests : DocumentStoreContract
{
    protected override async Task<EngineDatabase> CreateDatabaseAsync()
    {
        var database = await TestDatabase.CreateAsync("store");
        return new EngineDatabase("postgres", database.ConnectionString, database.DisposeAsync);
    }
}
