using Casework.Deploy.Tests.Contract;
using Xunit.Abstractions;

namespace Casework.Deploy.Tests;

/// <summary>
/// The environment the chart gives each container is exactly what that service reads: started on loopback with the
/// rendered configuration (secrets resolved to local equivalents, only addresses rewritten), each component becomes
/// ready, so it was given everything it needs, and logs no setting that nothing read, so it was given nothing more.
/// </summary>
public sealed class ConfigurationContractTests(ConfigurationContractFixture fixture, ITestOutputHelper output)
    : IClassFixture<ConfigurationContractFixture>
{
    public static TheoryData<string> Components => new(Component.All.Select(c => c.Name));

    public static TheoryData<string> MigratingComponents => new(Component.All.Where(c => c.Migrates).Select(c => c.Name));

    private IEnumerable<(LocalRegion Region, ComponentRun Run)> RunsOf(string component) =>
        fixture.Regions.Select(region => (region, region.Runs[component]));

    [Theory]
    [MemberData(nameof(MigratingComponents))]
    public void The_migration_hook_runs_with_its_rendered_configuration(string component)
    {
        var run = fixture.Regions.Single(r => r.Rendering.Name == Charts.Renderings.Default).Runs[component];
        Assert.True(run.Migration is not null, $"{component}: no migration Job rendered, or it could not start: {run.Error}");
        Assert.True(run.MigrationSucceeded,
            $"{component}: the migrate verb with the Job's rendered configuration did not exit 0 within {LocalRegion.ReadyTimeout}; log {run.Migration.LogPath}\n{run.Migration.Tail()}");
        // Identity has no document store: its schema and first key are its own migration step (IdentitySchema).
        Assert.Contains(component == "identity" ? "The identity schema and a valid Data Protection key are in place." : "The store's schema is up to date.",
            run.Migration.Output);
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Each_component_becomes_ready_with_its_rendered_configuration(string component)
    {
        foreach (var (region, run) in RunsOf(component))
        {
            Assert.True(run.Error is null && run.Ready,
                $"{region.Rendering}: {run.Describe()}");
        }
    }

    [Theory]
    [MemberData(nameof(Components))]
    public void Each_component_reads_every_setting_its_chart_gives_it(string component)
    {
        foreach (var (region, run) in RunsOf(component))
        {
            Assert.True(run.Started, $"{region.Rendering}: {component} never logged that it started, so its unread settings are unknown: {run.Describe()}");
            Assert.True(run.UnreadSettingsLines.Count == 0,
                $"{region.Rendering}: the chart gives {component} settings it does not read:\n{string.Join('\n', run.UnreadSettingsLines)}");
        }
    }

    /// <summary>
    /// The discovery document the way each component reaches it, which tells it the issuer and signing keys of the tokens it
    /// checks: from Auth__MetadataAddress when the chart sets one, else from its Auth__Authority, the region's public URL,
    /// which here is the gateway reached as the ingress reaches it (with X-Forwarded-Proto and -Host of the public URL).
    /// </summary>
    [Fact]
    public async Task Every_component_reaches_the_discovery_of_the_issuer_it_checks_tokens_against()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var region in fixture.Regions)
        {
            var issuer = region.Runs["identity"].Environment["Identity__Issuer"];
            var checkers = region.Runs.Values.Where(r => r.Environment.ContainsKey("Auth__Authority")).ToList();
            Assert.Equal(6, checkers.Count);
            foreach (var run in checkers)
            {
                var where = $"{region.Rendering}: {run.Component}";
                Assert.True(run.Environment["Auth__Authority"] == issuer, $"{where} checks tokens against {run.Environment["Auth__Authority"]}; identity issues them as {issuer}");
                using var request = run.Environment.TryGetValue("Auth__MetadataAddress", out var metadata)
                    ? new HttpRequestMessage(HttpMethod.Get, metadata)
                    : ThroughTheIngress(region, issuer);
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"{where}: discovery ({request.RequestUri}) answered {(int)response.StatusCode}: {body}");
                var discovery = System.Text.Json.JsonDocument.Parse(body).RootElement;
                Assert.Equal(issuer, discovery.GetProperty("issuer").GetString());
                var keys = new Uri(discovery.GetProperty("jwks_uri").GetString()!);
                Assert.StartsWith(issuer, keys.AbsoluteUri);

                // The signing keys, from the jwks_uri under the issuer: the gateway's Service (or the public entry in front of it).
                using var keysRequest = ThroughTheIngress(region, issuer, keys.AbsolutePath);
                using var keysResponse = await client.SendAsync(keysRequest);
                var keySet = await keysResponse.Content.ReadAsStringAsync();
                Assert.True(keysResponse.IsSuccessStatusCode, $"{where}: keys ({keys}) answered {(int)keysResponse.StatusCode}: {keySet}");
                Assert.NotEqual(0, System.Text.Json.JsonDocument.Parse(keySet).RootElement.GetProperty("keys").GetArrayLength());
            }
        }
    }

    /// <summary>
    /// A request under the issuer as it reaches the gateway: through the ingress (its X-Forwarded-Proto and -Host) for a
    /// public issuer, straight to the gateway's Service (its in-cluster name as Host) for the in-cluster one.
    /// </summary>
    private static HttpRequestMessage ThroughTheIngress(LocalRegion region, string issuer, string path = "/.well-known/openid-configuration")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{region.Addresses.Http["gateway"]}{path}");
        var issuerUri = new Uri(issuer);
        if (issuerUri.Host.EndsWith(".svc", StringComparison.Ordinal))
        {
            request.Headers.Host = issuerUri.Authority;
        }
        else
        {
            request.Headers.Add("X-Forwarded-Proto", issuerUri.Scheme);
            request.Headers.Add("X-Forwarded-Host", issuerUri.Authority);
        }
        return request;
    }

    [Fact]
    public void A_setting_nothing_reads_is_reported()
    {
        var run = fixture.WithMadeUpSetting.Runs["gateway"];
        Assert.True(run.Started, run.Describe());
        var unread = Assert.Single(run.UnreadSettingsLines);
        Assert.Contains(ConfigurationContractFixture.MadeUpKey, unread);
        // The rendered settings are still all read: the made-up one is the only one named.
        Assert.Contains($"\"UnreadSettings\":\"{ConfigurationContractFixture.MadeUpKey}\"", unread);
    }

    [Fact]
    public void The_local_rewrites_are_few_and_only_replace_rendered_settings()
    {
        var applied = fixture.Regions.SelectMany(r => r.Applied).ToList();
        // What was rewritten, as rendered (the local ports differ per run).
        foreach (var rendered in applied.Select(a => a.Change.Split(" -> ")[0]).Distinct().Order(StringComparer.Ordinal))
        {
            output.WriteLine(rendered);
        }
        foreach (var rewrite in LocalConfiguration.Overrides)
        {
            Assert.True(applied.Any(a => a.Pattern == rewrite.Pattern), $"the rewrite {rewrite.Pattern} ({rewrite.Why}) was never needed: drop it");
        }
        foreach (var region in fixture.Regions)
        {
            foreach (var run in region.Runs.Values.Where(r => r.Error is null))
            {
                var rendered = LocalRegion.Container(region.Rendering, "Deployment", $"{Charts.Helm.Release}-{run.Component.Name}")["env"]!
                    .AsArray().Select(v => (string)v!["name"]!)
                    .Concat(LocalConfiguration.Overrides.Where(o => o.AddWhenMissing).Select(o => o.Pattern.Trim('^', '$')))
                    .Distinct().Order(StringComparer.Ordinal);
                Assert.Equal(rendered, run.Environment.Keys.Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public async Task Every_setting_any_rendering_gives_was_given_to_a_started_process()
    {
        Assert.Contains(fixture.Regions, r => r.Rendering.Name == Charts.Renderings.Default);
        Assert.Contains(fixture.Regions, r => ConfigurationContractFixture.UsesMongoDb(r.Rendering));
        // The regions' renderings (the policy tests' option variants are not started: see Renderings.VariantFiles).
        foreach (var rendering in (await Charts.Renderings.AllAsync()).Where(Charts.Renderings.IsRegion))
        {
            foreach (var component in Component.All)
            {
                var started = fixture.Regions.SelectMany(r => r.Runs[component.Name].Environment.Keys).ToHashSet();
                var missing = ConfigurationContractFixture.SettingNames(rendering, component).Where(name => !started.Contains(name)).ToList();
                Assert.True(missing.Count == 0, $"{rendering}: {component} is given {string.Join(", ", missing)}, which no started process got");
            }
        }
    }
}
