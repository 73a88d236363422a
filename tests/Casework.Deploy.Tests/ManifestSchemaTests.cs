using System.Text.Json.Nodes;
using Casework.Deploy.Tests.Charts;
using Casework.Deploy.Tests.Manifests;
using k8s.Models;

namespace Casework.Deploy.Tests;

/// <summary>Every rendered object is one the Kubernetes API would accept as written.</summary>
public sealed class ManifestSchemaTests
{
    /// <summary>What the strict parse and the required-field rules find wrong, object by object.</summary>
    private static List<string> Problems(IEnumerable<Manifest> manifests)
    {
        var problems = new List<string>();
        foreach (var manifest in manifests)
        {
            try
            {
                KubernetesSchema.Parse(manifest);
            }
            catch (SchemaException exception)
            {
                problems.Add(exception.Message);
            }
            problems.AddRange(RequiredFields.Check(manifest));
        }
        return problems;
    }

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public async Task Every_rendered_object_parses_strictly_against_the_Kubernetes_API_models(string rendering)
    {
        var manifests = (await Renderings.GetAsync(rendering)).Manifests;
        Assert.NotEmpty(manifests);
        var problems = Problems(manifests);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>The region's resources around the charts (k8s/): namespace, broker, databases, policies, monitoring.</summary>
    public static TheoryData<string> RegionResourceFiles => new(
        Directory.GetFiles(Path.Combine(Casework.Testing.TestEnvironment.RepoRoot, "k8s"), "*.yaml", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(Casework.Testing.TestEnvironment.RepoRoot, file))
            // regions/ holds values for the umbrella chart, *.test.yaml promtool's rule tests: neither is a manifest.
            .Where(file => !file.StartsWith(Path.Combine("k8s", "regions"), StringComparison.Ordinal) && !file.EndsWith(".test.yaml", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(RegionResourceFiles))]
    public void Every_object_in_k8s_parses_strictly_too(string file)
    {
        var text = File.ReadAllText(Path.Combine(Casework.Testing.TestEnvironment.RepoRoot, file));
        var manifests = Renderings.Parse(file, text).Select(m => m with { Source = file }).ToList();
        Assert.NotEmpty(manifests);
        var problems = Problems(manifests);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task Custom_resources_are_only_the_allow_listed_kinds()
    {
        var custom = (await Renderings.ManifestsAsync())
            .Where(m => !KubernetesSchema.Models.ContainsKey((m.ApiVersion, m.Kind)))
            .Select(m => (m.ApiVersion, m.Kind)).Distinct().ToList();
        Assert.All(custom, kind => Assert.True(KubernetesSchema.CustomResources.ContainsKey(kind), $"{kind} is not allow-listed"));
        // The monitored region renders ServiceMonitors: the allow-list is exercised, not just declared.
        Assert.Contains(("monitoring.coreos.com/v1", "ServiceMonitor"), custom);
    }

    [Fact]
    public async Task The_strict_parser_refuses_a_misspelt_field_a_wrong_type_and_an_unknown_kind()
    {
        var deployment = (await Renderings.GetAsync(Renderings.Default)).Manifests.First(m => m.Kind == "Deployment");
        Assert.IsType<V1Deployment>(KubernetesSchema.Parse(deployment));

        var misspelt = Mutated(deployment, json => Container(json)["securityContxt"] = new JsonObject { ["runAsNonRoot"] = true });
        var unknownField = Assert.Throws<SchemaException>(() => KubernetesSchema.Parse(misspelt));
        Assert.Contains("securityContxt", unknownField.Message);
        Assert.Contains(deployment.Name, unknownField.Message);

        var wrongType = Mutated(deployment, json => Container(json)["ports"]![0]!["containerPort"] = "eighty");
        Assert.Contains("containerPort", Assert.Throws<SchemaException>(() => KubernetesSchema.Parse(wrongType)).Message);

        var numberAsString = Mutated(deployment, json => json["spec"]!["replicas"] = "2");
        Assert.Contains("replicas", Assert.Throws<SchemaException>(() => KubernetesSchema.Parse(numberAsString)).Message);

        var unknownKind = Mutated(deployment, json => json["apiVersion"] = "example.org/v1");
        Assert.Contains("allow-listed", Assert.Throws<SchemaException>(() => KubernetesSchema.Parse(unknownKind)).Message);
    }

    [Fact]
    public async Task A_custom_resource_without_its_required_fields_is_refused()
    {
        var monitor = (await Renderings.ManifestsAsync()).First(m => m.Kind == "ServiceMonitor");
        Assert.Null(KubernetesSchema.Parse(monitor));
        var withoutEndpoints = Mutated(monitor, json => json["spec"]!.AsObject().Remove("endpoints"));
        Assert.Contains("spec.endpoints", Assert.Throws<SchemaException>(() => KubernetesSchema.Parse(withoutEndpoints)).Message);
    }

    [Fact]
    public async Task Required_fields_the_models_leave_optional_are_checked()
    {
        var deployment = (await Renderings.GetAsync(Renderings.Default)).Manifests.First(m => m.Kind == "Deployment");
        Assert.Empty(RequiredFields.Check(deployment));
        var noImage = Mutated(deployment, json => Container(json).Remove("image"));
        Assert.Contains(RequiredFields.Check(noImage), problem => problem.Contains("image") && problem.Contains(deployment.Name));
        var noSelector = Mutated(deployment, json => json["spec"]!.AsObject().Remove("selector"));
        Assert.Contains(RequiredFields.Check(noSelector), problem => problem.Contains("spec.selector"));
    }

    [Fact]
    public void Yaml_scalars_keep_their_types()
    {
        var json = YamlJson.Documents("a: 8080\nb: \"8080\"\nc: true\nd: 'true'\ne: 1.5\nf: ~\ng: http\nh: |\n  8080\n").Single();
        Assert.Equal(8080, (long)json["a"]!);
        Assert.Equal("8080", (string?)json["b"]);
        Assert.True((bool)json["c"]!);
        Assert.Equal("true", (string?)json["d"]);
        Assert.Equal(1.5, (double)json["e"]!);
        Assert.Null(json["f"]);
        Assert.Equal("http", (string?)json["g"]);
        Assert.Equal("8080\n", (string?)json["h"]);
        Assert.ThrowsAny<Exception>(() => YamlJson.Documents("a: 1\na: 2\n"));
    }

    internal static Manifest Mutated(Manifest manifest, Action<JsonObject> change)
    {
        var copy = manifest.Json.DeepClone().AsObject();
        change(copy);
        return manifest with { Json = copy };
    }

    internal static JsonObject Container(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
}
