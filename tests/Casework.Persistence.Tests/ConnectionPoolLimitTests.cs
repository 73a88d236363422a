using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace Casework.Persistence.Tests;

/// <summary>
/// A service's PostgreSQL pool is bounded well below the server's max_connections (100 by default), which
/// Npgsql's own default of 100 per process let a few busy services exhaust under load (seen in make bench).
/// </summary>
public sealed class ConnectionPoolLimitTests
{
    private const string Connection = "Host=127.0.0.1;Database=pool_limit;Username=casework;Password=casework";

    [Theory]
    [InlineData(Connection, null, 16)]
    [InlineData(Connection, "5", 5)]
    [InlineData(Connection + ";Maximum Pool Size=40", "5", 40)]
    [InlineData(Connection + ";MaxPoolSize=3", null, 3)]
    public void The_pool_is_bounded_by_the_connection_string_then_configuration_then_sixteen(string connectionString, string? configured, int expected)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Store"] = connectionString,
            ["Store:MaxPoolSize"] = configured,
        });
        builder.AddDocumentStore(collections => collections.Add<PoolProbe>("probes"));
        using var services = builder.Services.BuildServiceProvider();

        var dataSource = services.GetRequiredService<NpgsqlDataSource>();

        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize);
    }

    private sealed record PoolProbe(string Id);
}
