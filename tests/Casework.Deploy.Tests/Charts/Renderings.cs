using Casework.Deploy.Tests.Manifests;
using Casework.Testing;

namespace Casework.Deploy.Tests.Charts;

/// <summary>One `helm template` of the umbrella chart: with the defaults, or with one region's values file.</summary>
public sealed record Rendering(string Name, string? ValuesFile, string Text, IReadOnlyList<Manifest> Manifests)
{
    public override string ToString() => Name;
}

/// <summary>
/// The umbrella chart rendered with its defaults and with every example region in k8s/regions/ (hooks and the helm
/// test pod included, as `helm template` prints them), made once per test run and shared by the test classes.
/// </summary>
public static class Renderings
{
    public const string Default = "default";

    public static IReadOnlyList<string> RegionFiles { get; } =
        Directory.GetFiles(Path.Combine(TestEnvironment.RepoRoot, "k8s", "regions"), "*.yaml").Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Values of options no example region sets (Charts/Variants/), rendered for the policy tests; not regions, so the
    /// configuration contract test leaves them out (<see cref="IsRegion"/>).
    /// </summary>
    public static IReadOnlyList<string> VariantFiles { get; } =
        Directory.GetFiles(Path.Combine(TestEnvironment.RepoRoot, "tests", "Casework.Deploy.Tests", "Charts", "Variants"), "*.yaml")
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>The defaults or an example region (not a variant).</summary>
    public static bool IsRegion(Rendering rendering) => rendering.ValuesFile is null || RegionFiles.Contains(rendering.ValuesFile);

    /// <summary>Names of every rendering: the defaults and each region (file name without .yaml), for theories.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string> { Default };
            foreach (var file in RegionFiles.Concat(VariantFiles))
            {
                names.Add(Path.GetFileNameWithoutExtension(file));
            }
            return names;
        }
    }

    private static readonly Lazy<Task<IReadOnlyList<Rendering>>> All = new(RenderAllAsync);

    public static Task<IReadOnlyList<Rendering>> AllAsync() => All.Value;

    public static async Task<Rendering> GetAsync(string name) => (await AllAsync()).Single(r => r.Name == name);

    /// <summary>Every object of every rendering.</summary>
    public static async Task<IReadOnlyList<Manifest>> ManifestsAsync() => (await AllAsync()).SelectMany(r => r.Manifests).ToList();

    public static async Task<Rendering> RenderAsync(string name, string? valuesFile)
    {
        var charts = await Helm.ChartsAsync();
        var arguments = new List<string> { "template", Helm.Release, Path.Combine(charts, Helm.Umbrella), "--namespace", Helm.Namespace };
        if (valuesFile is not null)
        {
            arguments.AddRange(["--values", valuesFile]);
        }
        var text = await Helm.RunAsync([.. arguments]);
        return new Rendering(name, valuesFile, text, Parse(name, text));
    }

    /// <summary>Splits helm's output into objects, each with the template it came from (helm's "# Source:" line).</summary>
    public static IReadOnlyList<Manifest> Parse(string rendering, string text)
    {
        var manifests = new List<Manifest>();
        // A document separator is a line of its own; "-----BEGIN" inside a value never is one.
        foreach (var chunk in System.Text.RegularExpressions.Regex.Split(text, @"(?m)^---[ \t]*$"))
        {
            var source = chunk.Split('\n').Select(line => line.Trim())
                .FirstOrDefault(line => line.StartsWith("# Source: ", StringComparison.Ordinal))?["# Source: ".Length..] ?? "(no source)";
            foreach (var document in YamlJson.Documents(chunk))
            {
                manifests.Add(new Manifest(rendering, source, document.AsObject()));
            }
        }
        return manifests;
    }

    private static async Task<IReadOnlyList<Rendering>> RenderAllAsync()
    {
        var renderings = new List<Rendering> { await RenderAsync(Default, null) };
        foreach (var file in RegionFiles.Concat(VariantFiles))
        {
            renderings.Add(await RenderAsync(Path.GetFileNameWithoutExtension(file), file));
        }
        return renderings;
    }
}
