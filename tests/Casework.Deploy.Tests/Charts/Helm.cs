using Casework.Testing;

namespace Casework.Deploy.Tests.Charts;

/// <summary>
/// The helm binary scripts/tools.sh installs (make test runs it first), and a private copy of charts/ with every
/// file:// dependency built from the working tree: charts/*/charts/ is git-ignored and may be missing or stale, and
/// building into the real folder would race a developer's helm commands.
/// </summary>
public static class Helm
{
    /// <summary>Release name and namespace of every rendering (the release name the README installs with).</summary>
    public const string Release = "casework";
    public const string Namespace = "casework-test";

    /// <summary>The application charts that depend on the library, then the umbrella that depends on them.</summary>
    public static readonly string[] ComponentCharts = ["identity", "intake", "case", "notes", "assignment", "reporting", "gateway"];
    public const string Library = "casework-lib";
    public const string Umbrella = "casework";

    public static string Executable => Locate(Path.Combine(TestEnvironment.RepoRoot, ".tools", "bin"));

    /// <summary>helm in that folder; missing, a failure that says how to install it (never a skip).</summary>
    public static string Locate(string toolsBin)
    {
        var path = Path.Combine(toolsBin, "helm");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"helm is not installed at {path}: run `bash scripts/tools.sh` (make test does) to install helm and kubectl.");
        }
        return path;
    }

    private static readonly Lazy<Task<string>> PreparedCharts = new(PrepareAsync);

    /// <summary>The copy of charts/ (dependencies built), made once per test run.</summary>
    public static Task<string> ChartsAsync() => PreparedCharts.Value;

    public static Task<string> RunAsync(params string[] arguments) =>
        ProcessRunner.RunAsync(Executable, arguments, new Dictionary<string, string>
        {
            // No user configuration, caches or plugins from the machine: the same result everywhere.
            ["HELM_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "casework-deploy-tests-helm", "config"),
            ["HELM_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "casework-deploy-tests-helm", "cache"),
            ["HELM_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "casework-deploy-tests-helm", "data"),
        }, TimeSpan.FromMinutes(1));

    private static async Task<string> PrepareAsync()
    {
        var source = Path.Combine(TestEnvironment.RepoRoot, "charts");
        var root = Path.Combine(Path.GetTempPath(), "casework-deploy-tests", Guid.NewGuid().ToString("N")[..12]);
        var copy = Path.Combine(root, "charts");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // best effort: it is under the temp directory
            }
        };
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            // <chart>/charts/ holds vendored dependencies: rebuilt below from this working tree.
            if (relative.Split(Path.DirectorySeparatorChar) is [_, "charts", ..])
            {
                continue;
            }
            var target = Path.Combine(copy, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        foreach (var chart in ComponentCharts.Append(Umbrella))
        {
            await RunAsync("dependency", "build", Path.Combine(copy, chart));
        }
        return copy;
    }
}
