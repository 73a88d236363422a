using System.Text.Json.Nodes;
using Casework.Deploy.Tests.Charts;
using Casework.Deploy.Tests.Manifests;
using Casework.Testing;

namespace Casework.Deploy.Tests.Contract;

/// <summary>What happened to one component of a rendering started locally.</summary>
public sealed class ComponentRun(Component component)
{
    public Component Component { get; } = component;

    /// <summary>The environment the server process got (rendered, secrets resolved, overrides applied).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>();

    /// <summary>The migration hook Job's run (the migrate verb), when it was run.</summary>
    public ServiceProcess? Migration { get; set; }
    public bool MigrationSucceeded { get; set; }

    public ServiceProcess? Server { get; set; }

    /// <summary>/health/ready answered 200.</summary>
    public bool Ready { get; set; }

    /// <summary>The host logged "Application started." (the unread-settings record comes just before it).</summary>
    public bool Started { get; set; }

    /// <summary>Why it could not even be started (a Secret with no local equivalent, no build).</summary>
    public string? Error { get; set; }

    /// <summary>The ConfigurationUsage record of settings nothing read (<see cref="ServiceLogs.UnreadSettingsEventId"/>), if logged.</summary>
    public IReadOnlyList<string> UnreadSettingsLines =>
        Server?.Lines.Where(line => line.Contains(ServiceLogs.UnreadSettingsText, StringComparison.Ordinal)).ToList() ?? [];

    public string Describe() =>
        $"{Component}: {Error ?? (Ready ? "ready" : "not ready")}; log {Server?.LogPath}\n{Server?.Tail()}";
}

/// <summary>
/// One rendering of the umbrella chart started on this machine: every component's Release build with the environment
/// its container renders (see <see cref="LocalConfiguration"/>), against a fresh PostgreSQL database per component and
/// the test-deploy vhost. Started all at once; stopped and its databases dropped on dispose.
/// </summary>
public sealed class LocalRegion : IAsyncDisposable
{
    /// <summary>
    /// How long one migration, and then one server, may take to finish or become ready. The fixture starts ~22
    /// processes at once: on the 2-core machine, alone, the whole fixture took ~20 s; while a full solution build ran
    /// beside it (load average 18) ~37 s. Twice the loaded figure and more, so a busy CI machine does not fail it;
    /// only a failing start waits this long.
    /// </summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly List<TestDatabase> _databases = [];

    private LocalRegion(Rendering rendering) => Rendering = rendering;

    public Rendering Rendering { get; }

    public IReadOnlyDictionary<string, ComponentRun> Runs { get; private set; } = new Dictionary<string, ComponentRun>();

    /// <summary>The loopback ports each component was given.</summary>
    public LocalAddresses Addresses { get; private set; } = null!;

    /// <summary>Every rewrite applied (override pattern, variable: rendered -> local).</summary>
    public List<(string Pattern, string Change)> Applied { get; } = [];

    public static JsonObject Container(Rendering rendering, string kind, string name) =>
        rendering.Manifests.SingleOrDefault(m => m.Kind == kind && m.Name == name)?.Pod?.Spec["containers"]?[0]?.AsObject()
        ?? throw new InvalidOperationException($"{rendering}: no {kind}/{name} rendered");

    /// <param name="migrate">Run each migration hook Job's container (the migrate verb) to completion before its server starts.</param>
    /// <param name="extra">Variables added to one component's environment (the negative test's made-up setting).</param>
    public static async Task<LocalRegion> StartAsync(Rendering rendering, IEnumerable<Component> components, bool migrate,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? extra = null)
    {
        var region = new LocalRegion(rendering);
        var wanted = components.ToList();
        var ports = ServiceProcess.FreePorts(Component.All.Count * 2);
        var addresses = new LocalAddresses(
            Component.All.Select((c, i) => (c.Name, Port: ports[2 * i])).ToDictionary(p => p.Name, p => p.Port),
            Component.All.Select((c, i) => (c.Name, Port: ports[2 * i + 1])).ToDictionary(p => p.Name, p => p.Port));

        var databases = new Dictionary<string, string>();
        foreach (var component in wanted.Where(c => c.Name != "gateway"))
        {
            var database = await TestDatabase.CreateAsync($"deploy_{component.Name}");
            region._databases.Add(database);
            databases[component.Name] = database.ConnectionString;
        }
        var secrets = new LocalSecrets { StoreConnectionStrings = databases };
        var logs = Path.Combine(TestEnvironment.RepoRoot, ".run", "deploy-tests", rendering.Name + (extra is null ? "" : "-extra"));

        region.Addresses = addresses;
        var runs = wanted.ToDictionary(c => c.Name, c => new ComponentRun(c));
        region.Runs = runs;
        await Task.WhenAll(wanted.Select(component => region.RunAsync(runs[component.Name], addresses, secrets, logs, migrate,
            extra?.GetValueOrDefault(component.Name))));
        return region;
    }

    private async Task RunAsync(ComponentRun run, LocalAddresses addresses, LocalSecrets secrets, string logs, bool migrate,
        IReadOnlyDictionary<string, string>? extra)
    {
        var component = run.Component;
        var fullName = $"{Helm.Release}-{component.Name}";
        try
        {
            if (migrate && component.Migrates)
            {
                var job = Rendering.Manifests.SingleOrDefault(m => m.Kind == "Job" && m.Name == $"{fullName}-migrate");
                if (job is not null)
                {
                    var container = job.Pod!.Spec["containers"]![0]!.AsObject();
                    var arguments = container["args"]?.AsArray().Select(a => (string)a!).ToArray() ?? [];
                    var jobEnvironment = LocalConfiguration.Localise(container, component, addresses, secrets, Applied.Synchronized());
                    run.Migration = ServiceProcess.Start(component, jobEnvironment, Path.Combine(logs, $"{component.Name}-migrate.log"), arguments);
                    run.MigrationSucceeded = await run.Migration.WaitForExitAsync(ReadyTimeout) && run.Migration.ExitCode == 0;
                }
            }

            var server = Container(Rendering, "Deployment", fullName);
            var environment = LocalConfiguration.Localise(server, component, addresses, secrets, Applied.Synchronized());
            foreach (var (name, value) in extra ?? new Dictionary<string, string>())
            {
                environment[name] = value;
            }
            run.Environment = environment;
            run.Server = ServiceProcess.Start(component, environment, Path.Combine(logs, $"{component.Name}.log"), ContainerArguments(server));
            run.Ready = await run.Server.WaitReadyAsync(addresses.Http[component.Name], ReadyTimeout);
            run.Started = run.Ready && await run.Server.WaitForLineAsync(ServiceLogs.StartedText, TimeSpan.FromSeconds(10));
        }
        catch (Exception exception)
        {
            run.Error = exception.Message;
        }
    }

    private static string[] ContainerArguments(JsonObject container) =>
        container["args"]?.AsArray().Select(a => (string)a!).ToArray() ?? [];

    public async ValueTask DisposeAsync()
    {
        foreach (var run in Runs.Values)
        {
            if (run.Migration is not null)
            {
                await run.Migration.DisposeAsync();
            }
            if (run.Server is not null)
            {
                await run.Server.DisposeAsync();
            }
        }
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }
}

internal static class CollectionExtensions
{
    /// <summary>A view of the list whose Add takes a lock, for the components' parallel start-ups.</summary>
    public static ICollection<T> Synchronized<T>(this List<T> list) => new SynchronizedAdd<T>(list);

    private sealed class SynchronizedAdd<T>(List<T> list) : System.Collections.ObjectModel.Collection<T>
    {
        protected override void InsertItem(int index, T item)
        {
            lock (list)
            {
                list.Add(item);
            }
        }
    }
}
