using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Casework.Bench;

/// <summary>Which code and machine the figures belong to.</summary>
public static class Git
{
    /// <summary>The commit, marked "+changes" when the working tree differs from it.</summary>
    public static async Task<string> DescribeAsync(string repoRoot)
    {
        var commit = (await RunAsync(repoRoot, "rev-parse", "--short=12", "HEAD")).Trim();
        var changes = await RunAsync(repoRoot, "status", "--porcelain", "--untracked-files=no");
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
            using var process = Process.Start(new ProcessStartInfo("git", ["-C", repoRoot, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? output : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (no git)";
        }
    }
}
