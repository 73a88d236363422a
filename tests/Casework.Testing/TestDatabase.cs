using Npgsql;

namespace Casework.Testing;

/// <summary>A fresh PostgreSQL database for one test fixture, dropped when it is disposed.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string purpose)
    {
        var name = $"test_{purpose}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
        {
            try
            {
                await admin.OpenAsync();
            }
            catch (Exception exception)
            {
                // Say what to do, not just "connection refused": the servers are not part of the test run.
                throw new InvalidOperationException(
                    "PostgreSQL is not reachable as CASEWORK_TEST_POSTGRES (default 127.0.0.1:5432, casework/casework): " +
                    "start it with `bash scripts/infra.sh up`.", exception);
            }
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = name };
        return new TestDatabase(name, builder.ConnectionString);
    }

    /// <summary>
    /// The first column of the first row of a query, straight from the tables: for what a store API does
    /// not expose (outbox rows, sent_at, the identity server's tables). Parameters are positional ($1, $2, …).
    /// </summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
