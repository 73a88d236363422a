using Casework.ServiceDefaults;
using Casework.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Casework.Gateway.Tests;

/// <summary>The start-up check that names environment settings nothing read (every Casework process has it).</summary>
public sealed class ConfigurationUsageTests
{
    [Fact]
    public void Environment_settings_are_unread_until_something_looks_them_up()
    {
        // Unique names: the environment is shared by every test in the process.
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var used = $"UsageTest{suffix}__Used";
        var misspelt = $"UsageTest{suffix}__Mispelt";
        Environment.SetEnvironmentVariable(used, "1");
        Environment.SetEnvironmentVariable(misspelt, "2");
        try
        {
            var builder = WebApplication.CreateBuilder();
            builder.AddServiceDefaults("usage-test");
            using var app = builder.Build();
            var usage = app.Services.GetRequiredService<ConfigurationUsage>();

            Assert.Equal("1", app.Configuration[$"UsageTest{suffix}:Used"]);

            var unread = usage.Unread([used, misspelt, "PATH"]);
            Assert.Equal([$"UsageTest{suffix}:Mispelt"], unread);
        }
        finally
        {
            Environment.SetEnvironmentVariable(used, null);
            Environment.SetEnvironmentVariable(misspelt, null);
        }
    }

    [Fact]
    public void A_setting_bound_as_a_section_counts_as_read()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var listItem = $"UsageTest{suffix}__Roles__0";
        Environment.SetEnvironmentVariable(listItem, "manager");
        try
        {
            var builder = WebApplication.CreateBuilder();
            builder.AddServiceDefaults("usage-test");
            var roles = builder.Configuration.GetSection($"UsageTest{suffix}:Roles").Get<string[]>();
            using var app = builder.Build();

            Assert.Equal(["manager"], roles!);
            Assert.Empty(app.Services.GetRequiredService<ConfigurationUsage>().Unread([listItem]));
        }
        finally
        {
            Environment.SetEnvironmentVariable(listItem, null);
        }
    }

    [Fact]
    public void Host_prefixed_variables_are_not_reported_unread()
    {
        // Read by the ASPNETCORE_ and DOTNET_ prefixed sources (Kestrel's endpoints, the host's settings), not the tracked one.
        var builder = WebApplication.CreateBuilder();
        builder.AddServiceDefaults("usage-test");
        using var app = builder.Build();

        var unread = app.Services.GetRequiredService<ConfigurationUsage>()
            .Unread(["ASPNETCORE_Kestrel__Endpoints__Http__Url", "DOTNET_gcServer__Unused", "Kestrel__Endpoints__Http__Urll"]);

        Assert.Equal(["Kestrel:Endpoints:Http:Urll"], unread);
    }

    [Fact]
    public void The_tests_copy_of_the_unread_settings_event_id_agrees()
    {
        // Casework.Testing's copy is what the deploy and end-to-end suites search the logs for.
        Assert.Equal(ServiceLogs.UnreadSettingsEventId, ConfigurationUsage.UnreadSettingsEvent.Id);
    }
}
