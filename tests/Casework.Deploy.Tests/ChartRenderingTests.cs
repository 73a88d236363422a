using Casework.Deploy.Tests.Charts;
using Casework.Testing;

namespace Casework.Deploy.Tests;

/// <summary>helm lint and helm template: every chart is well-formed, the umbrella renders a whole region.</summary>
public sealed class ChartRenderingTests
{
    private static IReadOnlyList<string> ChartNames { get; } =
        Directory.GetDirectories(Path.Combine(TestEnvironment.RepoRoot, "charts")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    public static TheoryData<string> Charts => new(ChartNames);

    [Fact]
    public void The_lint_theory_covers_exactly_the_library_the_umbrella_and_the_components()
    {
        // The theory lints whatever is under charts/: a chart the tests do not know of (or a known one gone) fails here,
        // so the library (never installed, so linted only here) and every component stay in it.
        string[] expected = [Helm.Library, Helm.Umbrella, .. Helm.ComponentCharts];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ChartNames);
    }

    [Theory]
    [MemberData(nameof(Charts))]
    public async Task Helm_lint_strict_passes(string chart)
    {
        var charts = await Helm.ChartsAsync();
        // helm lint fails (non-zero exit, with its findings) on any warning under --strict.
        var output = await Helm.RunAsync("lint", "--strict", Path.Combine(charts, chart));
        Assert.Contains("0 chart(s) failed", output);
    }

    [Fact]
    public void Without_helm_the_tests_fail_saying_how_to_install_it()
    {
        var empty = Directory.CreateTempSubdirectory("casework-no-tools-").FullName;
        try
        {
            var missing = Assert.Throws<InvalidOperationException>(() => Helm.Locate(empty));
            Assert.Contains("bash scripts/tools.sh", missing.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
        Assert.True(File.Exists(Helm.Executable));
    }

    [Fact]
    public void There_are_at_least_two_example_regions() =>
        Assert.True(Renderings.RegionFiles.Count >= 2, $"k8s/regions/ holds {Renderings.RegionFiles.Count} region file(s); the issue asks for two");

    [Theory]
    [MemberData(nameof(Renderings.Names), MemberType = typeof(Renderings))]
    public async Task The_umbrella_chart_lints_strictly_and_renders_a_whole_region(string rendering)
    {
        var rendered = await Renderings.GetAsync(rendering);
        var charts = await Helm.ChartsAsync();
        string[] values = rendered.ValuesFile is null ? [] : ["--values", rendered.ValuesFile];
        await Helm.RunAsync(["lint", "--strict", Path.Combine(charts, Helm.Umbrella), .. values]);

        var workloads = rendered.Manifests.Where(m => m.Kind == "Deployment").Select(m => m.Name).Order().ToList();
        Assert.Equal(Helm.ComponentCharts.Select(c => $"{Helm.Release}-{c}").Order(), workloads);
        Assert.Contains(rendered.Manifests, m => m.Hook == "test" && m.Kind == "Pod");
        Assert.Contains(rendered.Manifests, m => m.Kind == "Job" && m.Hook?.Contains("pre-install") == true && m.Hook.Contains("pre-upgrade"));
        Assert.All(rendered.Manifests, m => Assert.True(m.Namespace == Helm.Namespace, $"{m}: namespace '{m.Namespace}', not the release's"));
    }

    [Fact]
    public async Task The_committed_component_values_are_what_chart_values_py_generates()
    {
        // values.yaml and values.schema.json of the component charts are generated: an edit to the outputs alone, or
        // a script change not regenerated, would drift apart.
        var output = Directory.CreateTempSubdirectory("casework-chart-values-").FullName;
        try
        {
            await ProcessRunner.RunAsync("python3", [Path.Combine(TestEnvironment.RepoRoot, "scripts", "chart-values.py"), output],
                timeout: TimeSpan.FromMinutes(1));
            var generated = Directory.GetDirectories(output).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Helm.ComponentCharts.Order(StringComparer.Ordinal), generated);
            foreach (var chart in generated)
            {
                foreach (var file in new[] { "values.yaml", "values.schema.json" })
                {
                    var committed = await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepoRoot, "charts", chart!, file));
                    Assert.True(committed == await File.ReadAllTextAsync(Path.Combine(output, chart!, file)),
                        $"charts/{chart}/{file} differs from what scripts/chart-values.py writes: edit the script and run it");
                }
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task Helm_template_fails_on_a_value_the_schema_refuses()
    {
        // values.schema.json is enforced: a wrong type is refused before anything renders.
        var charts = await Helm.ChartsAsync();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Helm.RunAsync("template", Helm.Release, Path.Combine(charts, Helm.Umbrella), "--set", "intake.replicaCount=many"));
        Assert.Contains("replicaCount", refused.Message);
    }
}
