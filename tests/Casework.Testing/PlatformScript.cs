namespace Casework.Testing;

/// <summary>
/// Runs scripts/platform.sh (the same script as `make run`) to start or stop the whole platform as
/// separate processes. Settings go in as the script's CASEWORK_* variables (and any other variable
/// the processes should see, such as configuration overrides).
/// </summary>
public static class PlatformScript
{
    public static Task RunAsync(string verb, IReadOnlyDictionary<string, string> environment, TimeSpan timeout) =>
        ProcessRunner.RunAsync("bash", [Path.Combine(TestEnvironment.RepoRoot, "scripts", "platform.sh"), verb], environment, timeout);
}
