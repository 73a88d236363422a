using Casework.Testing;
using System.Runtime.InteropServices;

namespace Casework.Bench;

/// <summary>Which code and machine the figures belong to.</summary>
public static class Git
{
    /// <summary>The commit, marked "+changes" when the working tree differs from it (untracked files included).</summary>
    public static async Task<string> DescribeAsync(string repoRoot)
    {
        var commit = (await RunAsync(repoRoot, "rev-parse", "--short=12", "HEAD")).Trim();
        var changes = await RunAsync(repoRoot, "status", "--porcelain");
        return string.IsNullOrWhiteSpace(changes) ? commit : commit + "+changes";
    }

    public static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }

    private static async Task<string> RunAsync(string repoRoot, params string[] arguments)
    {
        try
        {
            return await ProcessRunner.RunAsync("git", ["-C", repoRoot, .. arguments]);
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
