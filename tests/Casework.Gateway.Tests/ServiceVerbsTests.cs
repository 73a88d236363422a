using Casework.Persistence;
using Casework.ServiceDefaults;
using Microsoft.AspNetCore.Builder;

namespace Casework.Gateway.Tests;

/// <summary>A misspelt verb (a hook Job's <c>migrat</c>) is refused instead of starting the service, which never exits.</summary>
public sealed class ServiceVerbsTests
{
    [Theory]
    [InlineData("migrat")]
    [InlineData("migrate extra")]
    public async Task A_domain_service_refuses_an_unknown_verb_or_migrate_with_arguments_with_exit_code_two(string commandLine)
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddServiceDefaults("verbs-test");
        await using var app = builder.Build();
        var description = new ServiceDescription("verbs-test", "casework-verbs-test", "verbs-test", "Verbs test", "None.");
        var mapped = false;

        var exitCode = await app.RunDomainServiceAsync(description, commandLine.Split(' '), _ => mapped = true);

        Assert.Equal(ServiceVerbs.UsageError, exitCode);
        Assert.Equal(2, exitCode);
        Assert.False(mapped);
    }

    [Fact]
    public void The_refusal_names_the_known_verbs()
    {
        var error = new StringWriter();

        Assert.Equal(2, ServiceVerbs.RefuseUnknown(["rebiuld", "--now"], [MigrateCommand.Verb, "rebuild"], error));
        Assert.Contains("'rebiuld'", error.ToString());
        Assert.Contains("migrate, rebuild", error.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("--urls=http://127.0.0.1:5999")]
    [InlineData("--urls http://127.0.0.1:5999")]
    [InlineData("-e Development")]
    [InlineData("Store:MaxPoolSize=5")]
    [InlineData("migrate")]
    [InlineData("rebuild --from-start")]
    public void Options_settings_no_arguments_and_known_verbs_are_not_refused(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var error = new StringWriter();

        Assert.Null(ServiceVerbs.RefuseUnknown(args, [MigrateCommand.Verb, "rebuild"], error));
        Assert.Empty(error.ToString());
    }
}
