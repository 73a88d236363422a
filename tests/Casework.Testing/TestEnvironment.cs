namespace Casework.Testing;

/// <summary>
/// Where the real servers of a test run are. `make test` starts them (scripts/infra.sh); these are
/// its defaults, overridable by environment for another machine.
/// </summary>
public static class TestEnvironment
{
    public static string PostgresAdmin { get; } = Environment.GetEnvironmentVariable("CASEWORK_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=casework;Password=casework;Database=postgres;SSL Mode=Disable";

    /// <summary>The broker URI for a vhost that `scripts/infra.sh test-vhosts` recreated empty for this run.</summary>
    public static string Broker(string vhost) =>
        (Environment.GetEnvironmentVariable("CASEWORK_TEST_BROKER") ?? "amqp://guest:guest@127.0.0.1:5672/") + vhost;

    /// <summary>The repository root (where Casework.slnx is).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string DemoDataPath => Path.Combine(RepoRoot, "deploy", "local", "demo-data.json");

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Casework.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Casework.slnx not found above " + AppContext.BaseDirectory);
    }
}
