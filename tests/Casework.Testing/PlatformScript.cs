using System.Diagnostics;

namespace Casework.Testing;

/// <summary>
/// Runs scripts/platform.sh (the same script as `make run`) to start or stop the whole platform as
/// separate processes. Settings go in as the script's CASEWORK_* variables (and any other variable
/// the processes should see, such as configuration overrides).
/// </summary>
public static class PlatformScript
{
    public static async Task RunAsync(string verb, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(TestEnvironment.RepoRoot, "scripts", "platform.sh"), verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestEnvironment.RepoRoot,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"platform.sh {verb} did not finish within {timeout}:\n{await output}\n{await errors}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"platform.sh {verb} failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }
    }
}
