using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Casework.Testing;
using Xunit;

namespace Casework.EndToEnd.Tests;

/// <summary>What a region's admin relies on, through the gateway: the error queues of each service.</summary>
[Collection(PlatformCollection.Name)]
public sealed class OperationsTests(PlatformFixture platform)
{
    [Fact]
    public async Task An_admin_sees_each_services_error_queues_and_a_caseworker_may_not()
    {
        using var admin = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "admin"));
        using var caseworker = platform.Client(await GatewaySignIn.StaffAsync(platform.Gateway, "alice"));

        var queues = await admin.GetFromJsonAsync<JsonElement>("api/cases/admin/error-queues");
        var names = queues.EnumerateArray().Select(q => q.GetProperty("queue").GetString()).ToList();
        Assert.Contains("case-referral-accepted", names);
        Assert.All(queues.EnumerateArray(), q => Assert.Equal(0u, q.GetProperty("messages").GetUInt32()));

        using var refused = await caseworker.GetAsync("api/cases/admin/error-queues");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var unknown = await admin.PostAsync("api/cases/admin/error-queues/not-a-queue/replay", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var badMax = await admin.PostAsync("api/cases/admin/error-queues/case-referral-accepted/replay?max=0", null);
        Assert.Equal(HttpStatusCode.BadRequest, badMax.StatusCode);
        Assert.True((await badMax.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("max", out _));
        using var replayed = await admin.PostAsync("api/cases/admin/error-queues/case-referral-accepted/replay", null);
        Assert.Equal(0, (await replayed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").GetInt32());
    }

    [Fact]
    public async Task Every_process_reads_every_setting_the_local_run_gives_it()
    {
        // Each process logs the environment settings nothing read, once started (ConfigurationUsage): the local run's
        // configuration, like the Helm charts', must give none that a service ignores. The fixture is ready before the
        // async console logger has necessarily written that record: wait for each log's "Application started." line,
        // written after it, so an empty result means none rather than not yet.
        var logs = Directory.GetFiles(platform.RunDirectory, "*.log");
        Assert.Equal(7, logs.Length);
        foreach (var log in logs)
        {
            Assert.True(await ServiceLogs.WaitForLineAsync(log, ServiceLogs.StartedText, TimeSpan.FromSeconds(30)),
                $"{Path.GetFileName(log)}: no \"Application started.\" line");
            var unread = ServiceLogs.ReadLines(log).Where(line => line.Contains(ServiceLogs.UnreadSettingsText, StringComparison.Ordinal)).ToList();
            Assert.True(unread.Count == 0, $"{Path.GetFileName(log)}: {string.Join(Environment.NewLine, unread)}");
        }
    }
}
