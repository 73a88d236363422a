using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Casework.Deploy.Tests.Charts;
using Casework.Deploy.Tests.Manifests;
using Casework.Testing;
using static Casework.Deploy.Tests.ManifestSchemaTests;

namespace Casework.Deploy.Tests;

/// <summary>
/// Safe by default, in every rendering (defaults and each region), over every object helm would create, hooks and
/// the helm test pod included. Each rule is in <see cref="Policies"/>; the last tests show each rule failing.
/// </summary>
public sealed class PolicyTests
{
    private static async Task AssertNone(string rendering, Func<IReadOnlyList<Manifest>, IEnumerable<string>> rule)
    {
        var manifests = (await Renderings.GetAsync(rendering)).Manifests;
        var violations = rule(manifests).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Every_container_runs_restricted(string rendering) => AssertNone(rendering, Policies.RestrictedSecurity);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Every_container_has_cpu_and_memory_requests_and_limits(string rendering) => AssertNone(rendering, Policies.Resources);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Probes_check_health_live_and_ready_on_the_HTTP_port(string rendering) => AssertNone(rendering, Policies.Probes);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Workload_selectors_select_their_pod_templates(string rendering) => AssertNone(rendering, Policies.WorkloadSelectors);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Services_select_server_pods_on_ports_they_declare(string rendering) => AssertNone(rendering, Policies.ServicePorts);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Disruption_budgets_and_autoscalers_point_at_workloads(string rendering) => AssertNone(rendering, Policies.BudgetsAndAutoscalers);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Network_policies_deny_by_default_and_cover_every_pod(string rendering) => AssertNone(rendering, Policies.NetworkPolicies);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task In_cluster_addresses_ingress_and_monitor_backends_are_rendered_Service_ports(string rendering) =>
        AssertNone(rendering, Policies.References);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Network_policies_allow_every_call_the_configuration_makes(string rendering) => AssertNone(rendering, Policies.NetworkFlows);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Every_pod_with_the_broker_connection_may_reach_the_broker_migrations_included(string rendering) =>
        AssertNone(rendering, Policies.BrokerEgress);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Secrets_are_only_referenced(string rendering) => AssertNone(rendering, Policies.SecretsByReference);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public async Task The_rendered_text_holds_no_secret(string rendering)
    {
        var rendered = await Renderings.GetAsync(rendering);
        var violations = Policies.SecretText(rendering, rendered.Text, KnownSecrets.Value).ToList();
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Images_are_pinned(string rendering) => AssertNone(rendering, Policies.PinnedImages);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task No_pod_mounts_a_service_account_token(string rendering) => AssertNone(rendering, Policies.NoServiceAccountToken);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task The_grace_period_outlasts_the_drain(string rendering) => AssertNone(rendering, Policies.GracefulShutdown);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task A_Recreate_rollout_has_no_rollingUpdate_block(string rendering) => AssertNone(rendering, Policies.RolloutStrategies);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Service_monitors_honour_the_scraped_labels(string rendering) => AssertNone(rendering, Policies.MonitorsHonourLabels);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task The_ingress_exposes_no_metrics_or_health_path(string rendering) => AssertNone(rendering, Policies.PublicPathsOnly);

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public Task Hook_network_policies_are_deleted_once_their_hooks_succeeded(string rendering) => AssertNone(rendering, Policies.HookPoliciesCleanedUp);

    [Fact]
    public async Task The_options_rendering_uses_the_options_it_exists_for()
    {
        var manifests = (await Renderings.GetAsync("options")).Manifests;
        var assignment = manifests.Single(m => m.Kind == "Deployment" && m.Name == $"{Helm.Release}-assignment");
        Assert.Equal("Recreate", (string?)assignment.Json["spec"]!["strategy"]!["type"]);
        var notes = manifests.Single(m => m.Kind == "Deployment" && m.Name == $"{Helm.Release}-notes");
        Assert.Null(Container(notes.Json)["lifecycle"]);
        Assert.Contains(manifests, m => m.Kind == "ServiceMonitor");
        var ingress = manifests.Single(m => m.Kind == "Ingress");
        var paths = ingress.Json["spec"]!["rules"]![0]!["http"]!["paths"]!.AsArray().Select(p => (string?)p!["path"]).ToList();
        Assert.Equal(["/api", "/connect", "/account", "/.well-known"], paths);
        // Every component's policy lets traces out to the collector's namespace, and the issuer out to its addresses.
        foreach (var policy in manifests.Where(m => m.Kind == "NetworkPolicy" && m.Hook is null && m.Json["spec"]!["egress"] is JsonArray { Count: > 1 }))
        {
            var egress = policy.Json["spec"]!["egress"]!.ToJsonString();
            Assert.True(egress.Contains("\"observability\"", StringComparison.Ordinal) && egress.Contains("4317", StringComparison.Ordinal),
                $"{policy}: no egress to the OTLP collector");
            if (policy.Name != $"{Helm.Release}-identity")
            {
                Assert.True(egress.Contains("203.0.113.10/32", StringComparison.Ordinal), $"{policy}: no egress to the issuer's load balancer");
            }
        }
    }

    /// <summary>
    /// The secrets of the local run, which must never reach a chart: every password and client secret of the demo
    /// data, and the credentials platform.sh puts in connection strings.
    /// </summary>
    private static readonly Lazy<IReadOnlyCollection<string>> KnownSecrets = new(() =>
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonNode? node, string? property)
        {
            switch (node)
            {
                case JsonObject json:
                    foreach (var (key, value) in json)
                    {
                        Walk(value, key);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Walk(item, property);
                    }
                    break;
                case JsonValue value when property is not null && Regex.IsMatch(property, "(?i)password|secret") && (string?)value is { Length: > 0 } text:
                    secrets.Add(text);
                    break;
            }
        }
        Walk(JsonNode.Parse(File.ReadAllText(TestEnvironment.DemoDataPath)), null);
        var platform = File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "scripts", "platform.sh"));
        // The credential-bearing fragments, not the bare words ("casework" is also the release's name).
        foreach (Match match in Regex.Matches(platform, @"Password=[^;""\s]+|amqp://[^/\s""@]+@"))
        {
            secrets.Add(match.Value);
        }
        Assert.True(secrets.Count >= 3, $"expected the demo data's and platform.sh's secrets, found {secrets.Count}");
        return secrets;
    });

    [Fact]
    public void The_demo_secrets_are_known() =>
        Assert.Contains(KnownSecrets.Value, secret => secret.StartsWith("Password=", StringComparison.Ordinal));

    // Each rule fails on a rendered object broken the way it guards against.

    private static async Task<(IReadOnlyList<Manifest> All, Manifest Deployment)> DefaultWithDeploymentAsync(string name = "intake")
    {
        var manifests = (await Renderings.GetAsync(Renderings.Default)).Manifests;
        return (manifests, manifests.Single(m => m.Kind == "Deployment" && m.Name == $"{Helm.Release}-{name}"));
    }

    private static IReadOnlyList<Manifest> Replace(IReadOnlyList<Manifest> manifests, Manifest old, Manifest replacement) =>
        manifests.Select(m => ReferenceEquals(m, old) ? replacement : m).ToList();

    private static void AssertViolation(IEnumerable<string> violations, params string[] fragments) =>
        Assert.Contains(violations, v => fragments.All(f => v.Contains(f, StringComparison.Ordinal)));

    [Fact]
    public async Task The_rules_name_what_breaks_them()
    {
        var (all, deployment) = await DefaultWithDeploymentAsync();

        var writable = Mutated(deployment, json => Container(json)["securityContext"]!["readOnlyRootFilesystem"] = false);
        AssertViolation(Policies.RestrictedSecurity(Replace(all, deployment, writable)), deployment.Name, "readOnlyRootFilesystem");

        var unlimited = Mutated(deployment, json => Container(json)["resources"]!.AsObject().Remove("limits"));
        AssertViolation(Policies.Resources(Replace(all, deployment, unlimited)), deployment.Name, "cpu request and limit");

        var wrongProbe = Mutated(deployment, json => Container(json)["readinessProbe"]!["httpGet"]!["port"] = "grpc");
        AssertViolation(Policies.Probes(Replace(all, deployment, wrongProbe)), deployment.Name, "readinessProbe port 8081 is not the HTTP port");
        var undeclared = Mutated(deployment, json => Container(json)["livenessProbe"]!["httpGet"]!["port"] = 9999L);
        AssertViolation(Policies.Probes(Replace(all, deployment, undeclared)), deployment.Name, "not a declared containerPort");

        var relabelled = Mutated(deployment, json => json["spec"]!["template"]!["metadata"]!["labels"]!["app.kubernetes.io/name"] = "other");
        AssertViolation(Policies.WorkloadSelectors(Replace(all, deployment, relabelled)), deployment.Name, "does not select");
        AssertViolation(Policies.ServicePorts(Replace(all, deployment, relabelled)), "Service/casework-intake", "selects no Deployment");
        AssertViolation(Policies.BudgetsAndAutoscalers(Replace(all, deployment, relabelled)), "PodDisruptionBudget/casework-intake");

        var renamedPort = Mutated(deployment, json => Container(json)["ports"]![1]!["name"] = "rpc");
        AssertViolation(Policies.ServicePorts(Replace(all, deployment, renamedPort)), "Service/casework-intake", "targetPort \"grpc\"");

        var plainSecret = Mutated(deployment, json =>
        {
            var store = Container(json)["env"]!.AsArray().Single(v => (string?)v!["name"] == "ConnectionStrings__Store")!.AsObject();
            store.Remove("valueFrom");
            store["value"] = "Host=db;Password=hunter2";
        });
        AssertViolation(Policies.SecretsByReference(Replace(all, deployment, plainSecret)), deployment.Name, "ConnectionStrings__Store");
        AssertViolation(Policies.SecretText("broken", "value: \"Host=db;Password=hunter2\"\n", []), "line 1", "secret pattern");
        AssertViolation(Policies.SecretText("broken", "  key: \"-----BEGIN EC PRIVATE KEY-----\"\n", []), "line 1");
        Assert.Empty(Policies.SecretText("public", "  value: \"-----BEGIN PUBLIC KEY-----\\nMFkw\"\n", []));

        var latest = Mutated(deployment, json => Container(json)["image"] = "casework/intake:latest");
        AssertViolation(Policies.PinnedImages(Replace(all, deployment, latest)), deployment.Name, "latest");
        var untagged = Mutated(deployment, json => Container(json)["image"] = "registry.example.org:5000/casework/intake");
        AssertViolation(Policies.PinnedImages(Replace(all, deployment, untagged)), deployment.Name, "no tag");

        var token = Mutated(deployment, json => json["spec"]!["template"]!["spec"]!.AsObject().Remove("automountServiceAccountToken"));
        AssertViolation(Policies.NoServiceAccountToken(Replace(all, deployment, token)), deployment.Name, "automountServiceAccountToken");

        var shortGrace = Mutated(deployment, json => json["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"] = 30L);
        AssertViolation(Policies.GracefulShutdown(Replace(all, deployment, shortGrace)), deployment.Name, "terminationGracePeriodSeconds 30");
        var noPause = Mutated(deployment, json => Container(json)["lifecycle"]!["preStop"]!["sleep"]!["seconds"] = 0L);
        AssertViolation(Policies.GracefulShutdown(Replace(all, deployment, noPause)), deployment.Name, "preStop sleep of 0 s");

        var recreate = Mutated(deployment, json => json["spec"]!["strategy"]!["type"] = "Recreate");
        AssertViolation(Policies.RolloutStrategies(Replace(all, deployment, recreate)), deployment.Name, "Recreate with a rollingUpdate block");

        var options = (await Renderings.GetAsync("options")).Manifests;
        var monitor = options.First(m => m.Kind == "ServiceMonitor");
        var dishonest = Mutated(monitor, json => json["spec"]!["endpoints"]![0]!.AsObject().Remove("honorLabels"));
        AssertViolation(Policies.MonitorsHonourLabels(Replace(options, monitor, dishonest)), monitor.Name, "honorLabels");

        var ingress = options.Single(m => m.Kind == "Ingress");
        var everything = Mutated(ingress, json => json["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["path"] = "/");
        AssertViolation(Policies.PublicPathsOnly(Replace(options, ingress, everything)), ingress.Name, "path / (Prefix) exposes /metrics");
        var health = Mutated(ingress, json => json["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["path"] = "/health");
        AssertViolation(Policies.PublicPathsOnly(Replace(options, ingress, health)), ingress.Name, "exposes /health/ready");

        var hookPolicy = all.First(m => m.Kind == "NetworkPolicy" && m.Hook is not null);
        var lingering = Mutated(hookPolicy, json => json["metadata"]!["annotations"]!["helm.sh/hook-delete-policy"] = "before-hook-creation");
        AssertViolation(Policies.HookPoliciesCleanedUp(Replace(all, hookPolicy, lingering)), hookPolicy.Name, "hook-succeeded");

        // A call outside the release (traces to the collector) with no egress rule for it.
        var options_intake = options.Single(m => m.Kind == "NetworkPolicy" && m.Name == $"{Helm.Release}-intake");
        var noTraces = Mutated(options_intake, json => json["spec"]!["egress"] = new JsonArray(json["spec"]!["egress"]!.AsArray()
            .Where(rule => !rule!.ToJsonString().Contains("4317", StringComparison.Ordinal)).Select(rule => rule!.DeepClone()).ToArray()));
        AssertViolation(Policies.NetworkFlows(Replace(options, options_intake, noTraces)), "casework-intake", "OTEL_EXPORTER_OTLP_ENDPOINT calls", "outside the release");
    }

    [Fact]
    public async Task A_pod_no_network_policy_selects_is_named()
    {
        var (all, deployment) = await DefaultWithDeploymentAsync();
        var unpoliced = Mutated(deployment, json =>
        {
            foreach (var labels in new[] { json["spec"]!["template"]!["metadata"]!["labels"]!, json["spec"]!["selector"]!["matchLabels"]! })
            {
                labels.AsObject().Clear();
                labels["app"] = "stray";
            }
        });
        var withoutIt = all.Where(m => !(m.Kind == "NetworkPolicy" && m.Name == deployment.Name)).ToList();
        AssertViolation(Policies.NetworkPolicies(Replace(withoutIt, deployment, unpoliced)), deployment.Name, "no NetworkPolicy selects its pods for Ingress");
        // Flows to a component that is not rendered are named too.
        var withoutCase = all.Where(m => m.Name != $"{Helm.Release}-case").ToList();
        AssertViolation(Policies.NetworkPolicies(withoutCase), "NetworkPolicy/casework-intake", "selects no rendered pod");
    }

    [Fact]
    public async Task A_wrong_address_and_a_call_no_policy_allows_are_named()
    {
        var (all, deployment) = await DefaultWithDeploymentAsync();
        Assert.Empty(Policies.References(all));
        Assert.Empty(Policies.NetworkFlows(all));

        var wrongPort = Mutated(deployment, json => Container(json)["env"]!.AsArray()
            .Single(v => (string?)v!["name"] == "Services__Case__Grpc")!["value"] = "http://casework-case:8080");
        var withWrongPort = Replace(all, deployment, wrongPort);
        Assert.Empty(Policies.References(withWrongPort)); // 8080 is a port of casework-case too ...
        AssertViolation(Policies.NetworkFlows(withWrongPort), deployment.Name, "Services__Case__Grpc calls", "casework-case", "no NetworkPolicy of the caller allows it out");
        var wrongName = Mutated(deployment, json => Container(json)["env"]!.AsArray()
            .Single(v => (string?)v!["name"] == "Services__Case__Grpc")!["value"] = "http://casework-cases:8081");
        AssertViolation(Policies.References(Replace(all, deployment, wrongName)), deployment.Name, "casework-cases, which is no rendered Service");

        // Notes calls Case over gRPC: without Case's ingress rule for it, the call is named.
        var casePolicy = all.Single(m => m.Kind == "NetworkPolicy" && m.Name == $"{Helm.Release}-case");
        var closed = Mutated(casePolicy, json => json["spec"]!["ingress"] = new JsonArray(json["spec"]!["ingress"]!.AsArray()
            .Where(rule => !rule!.ToJsonString().Contains("\"notes\"", StringComparison.Ordinal)).Select(rule => rule!.DeepClone()).ToArray()));
        AssertViolation(Policies.NetworkFlows(Replace(all, casePolicy, closed)), "Deployment/casework-case", "Deployment/casework-notes", "calls it on 8081", "lets it in");
    }

    [Fact]
    public void Secret_looking_setting_names_are_recognised()
    {
        Assert.True(Policies.LooksSecret("ConnectionStrings__Store"));
        Assert.True(Policies.LooksSecret("Identity__SigningKeyPem"));
        Assert.True(Policies.LooksSecret("Webhooks__SharedSecret"));
        Assert.True(Policies.LooksSecret("Smtp__Password"));
        Assert.True(Policies.LooksSecret("Api__Token"));
        Assert.False(Policies.LooksSecret("Referrals__DecisionSla__WorkingDays"));
        Assert.False(Policies.LooksSecret("Auth__Authority"));
    }
}
