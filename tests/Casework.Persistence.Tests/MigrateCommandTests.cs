using Casework.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Casework.Persistence.Tests;

/// <summary>The <c>migrate</c> verb (the charts' pre-install/pre-upgrade Job) ensures the schema and exits; anything else starts the service.</summary>
public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_creates_the_declared_schema_and_returns_exit_code_zero()
    {
        await using var database = await TestDatabase.CreateAsync("migrate_command");
        using var host = Build(database.ConnectionString);

        Assert.Equal(0, await host.RunMigrateCommandAsync([MigrateCommand.Verb]));

        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE tablename = 'doc_widgets'"));
        Assert.Equal(1L, await database.ScalarAsync<long>("""
            SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_widgets_colour_id' AND i.indisvalid
            """));
        // Again (every upgrade runs it): nothing to do, still success.
        Assert.Equal(0, await host.RunMigrateCommandAsync([MigrateCommand.Verb]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("rebuild")]
    [InlineData("migrate extra")]
    public async Task Other_arguments_are_not_the_verb_and_touch_nothing(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // Unreachable store: the verb would fail; no verb means no store access at all.
        using var host = Build("Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=1");

        Assert.Null(await host.RunMigrateCommandAsync(args));
    }

    private static IHost Build(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Store"] = connectionString });
        builder.AddDocumentStore(collections => collections.Add<Widget>("widgets", ["colour", "id"]));
        return builder.Build();
    }
}
