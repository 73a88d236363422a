using Casework.Deploy.Tests.Charts;
using Casework.Deploy.Tests.Manifests;
using Casework.Testing;

namespace Casework.Deploy.Tests.Contract;

/// <summary>
/// Starts, all at once, every component of the default rendering (each migration hook first), of every region that
/// puts services on MongoDB (their settings are named for it), and of any other region that gives a component a
/// setting none of those do; plus one more gateway given a made-up setting. Stops them and drops their databases at the
/// end. (A region whose settings are all covered adds only values, at the cost of seven more processes.)
/// </summary>
public sealed class ConfigurationContractFixture : IAsyncLifetime
{
    /// <summary>A setting no Casework process reads, for the negative test.</summary>
    public const string MadeUpVariable = "Casework__DeployTests__NotASetting";
    /// <summary>The configuration key <see cref="MadeUpVariable"/> sets (what the unread-settings record names).</summary>
    public static readonly string MadeUpKey = MadeUpVariable.Replace("__", ":", StringComparison.Ordinal);

    public IReadOnlyList<LocalRegion> Regions { get; private set; } = [];

    /// <summary>The gateway of the default rendering with <see cref="MadeUpVariable"/> added.</summary>
    public LocalRegion WithMadeUpSetting { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await EnsureVhostAsync();
        var renderings = (await Renderings.AllAsync()).Where(Renderings.IsRegion).ToList();
        var chosen = renderings.Where(r => r.Name == Renderings.Default || UsesMongoDb(r)).ToList();
        foreach (var other in renderings.Except(chosen).ToList())
        {
            if (Component.All.Any(c => SettingNames(other, c).Except(chosen.SelectMany(r => SettingNames(r, c))).Any()))
            {
                chosen.Add(other);
            }
        }
        var gateway = Component.All.Where(c => c.Name == "gateway");
        var starting = chosen
            .Select(r => LocalRegion.StartAsync(r, Component.All, migrate: r.Name == Renderings.Default))
            .Append(LocalRegion.StartAsync(chosen[0], gateway, migrate: false,
                new Dictionary<string, IReadOnlyDictionary<string, string>> { ["gateway"] = new Dictionary<string, string> { [MadeUpVariable] = "1" } }))
            .ToList();
        var started = await Task.WhenAll(starting);
        Regions = started[..^1];
        WithMadeUpSetting = started[^1];
    }

    /// <summary>The names of the settings a rendering gives a component's server container.</summary>
    public static IEnumerable<string> SettingNames(Rendering rendering, Component component) =>
        LocalRegion.Container(rendering, "Deployment", $"{Helm.Release}-{component.Name}")["env"]!.AsArray().Select(v => (string)v!["name"]!);

    public static bool UsesMongoDb(Rendering rendering) =>
        rendering.Manifests.Where(m => m.Kind == "Deployment")
            .Any(m => m.Pod!.Containers.Any(c => Policies.Env(c).GetValueOrDefault("Store__Engine") == "mongodb"));

    /// <summary>Creates the vhost if missing (make test recreates it empty first: scripts/infra.sh test-vhosts).</summary>
    private static async Task EnsureVhostAsync()
    {
        var definitions = Path.Combine(Path.GetTempPath(), $"casework-deploy-vhost-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(definitions,
            $$"""{"vhosts":[{"name":"{{LocalSecrets.Vhost}}"}],"permissions":[{"user":"guest","vhost":"{{LocalSecrets.Vhost}}","configure":".*","write":".*","read":".*"}]}""");
        try
        {
            await ProcessRunner.RunAsync("rabbitmqctl", ["-q", "import_definitions", definitions], timeout: TimeSpan.FromSeconds(60));
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException(
                $"Could not create the RabbitMQ vhost {LocalSecrets.Vhost} (is RabbitMQ up? `bash scripts/infra.sh up`): {exception.Message}", exception);
        }
        finally
        {
            File.Delete(definitions);
        }
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(Regions.Append(WithMadeUpSetting).Where(r => r is not null).Select(r => r.DisposeAsync().AsTask()));
    }
}
