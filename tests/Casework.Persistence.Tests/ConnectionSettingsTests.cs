using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace Casework.Persistence.Tests;

/// <summary>
/// The connection settings the store applies unless the connection string says otherwise: a pool bounded
/// well below the server's max_connections (100 by default), which Npgsql's own default of 100 per process
/// let a few busy services exhaust under load (seen in make bench); prepared statements kept per connection.
/// </summary>
public sealed class ConnectionSettingsTests
{
    private const string Connection = "Host=127.0.0.1;Database=pool_limit;Username=casework;Password=casework";

    [Theory]
    [InlineData(Connection, null, 16)]
    [InlineData(Connection, "5", 5)]
    [InlineData(Connection + ";Maximum Pool Size=40", "5", 40)]
    [InlineData(Connection + ";MaxPoolSize=3", null, 3)]
    public void The_pool_is_bounded_by_the_connection_string_then_configuration_then_sixteen(string connectionString, string? configured, int expected)
    {
        Assert.Equal(expected, Settings(connectionString, configured).MaxPoolSize);
    }

    [Fact]
    public void Statements_stay_prepared_and_connections_are_not_reset_unless_the_connection_string_says_otherwise()
    {
        var tuned = Settings(Connection, null);
        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.True(tuned.NoResetOnClose);

        var chosen = Settings(Connection + ";Max Auto Prepare=0;No Reset On Close=false", null);
        Assert.Equal(0, chosen.MaxAutoPrepare);
        Assert.False(chosen.NoResetOnClose);
    }

    [Fact]
    public async Task A_store_that_cannot_be_reached_is_reported_unavailable_so_callers_can_answer_503()
    {
        // Nothing listens on port 1: no connection, so nothing was sent.
        using var services = Services("Host=127.0.0.1;Port=1;Database=none;Username=casework;Password=casework;Timeout=2", null);
        var store = services.GetRequiredService<IDocumentStore>();

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync<PoolProbe>("any"));
        await using var session = store.OpenSession();
        session.Insert("any", new PoolProbe("any"));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => session.CommitAsync());
    }

    private static NpgsqlConnectionStringBuilder Settings(string connectionString, string? configured)
    {
        using var services = Services(connectionString, configured);
        return new NpgsqlConnectionStringBuilder(services.GetRequiredService<NpgsqlDataSource>().ConnectionString);
    }

    private static ServiceProvider Services(string connectionString, string? configured)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Store"] = connectionString,
            ["Store:MaxPoolSize"] = configured,
        });
        builder.AddDocumentStore(collections => collections.Add<PoolProbe>("probes"));
        return builder.Services.BuildServiceProvider();
    }

    private sealed record PoolProbe(string Id);
}
