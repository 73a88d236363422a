using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casework.Persistence;

/// <summary>
/// The <c>migrate</c> verb every service with a document store understands: ensure the schema (tables, collections,
/// indexes), run the other <see cref="IMigrationStep"/>s (the broker's queues) and exit, without starting the service. The Helm charts run it as a pre-install/pre-upgrade Job with the
/// service's own image and configuration, so a new release's indexes are built before its pods roll out.
/// </summary>
public static class StoreCommands
{
    public const string Migrate = "migrate";

    /// <summary>The exit code when <paramref name="args"/> is the <c>migrate</c> verb; null: no verb, start the service.</summary>
    public static async Task<int?> RunStoreCommandAsync(this IHost host, string[] args)
    {
        if (args is not [Migrate])
        {
            return null;
        }
        await host.Services.GetRequiredService<IStoreSchema>().EnsureAsync(CancellationToken.None);
        Console.WriteLine("The store's schema is up to date.");
        foreach (var step in host.Services.GetServices<IMigrationStep>())
        {
            Console.WriteLine(await step.RunAsync(CancellationToken.None));
        }
        return 0;
    }
}

/// <summary>
/// Something else a release prepares in the <c>migrate</c> verb, after the store's schema and before its pods start
/// (e.g. the broker's queues). Idempotent: the verb runs on every install and upgrade.
/// </summary>
public interface IMigrationStep
{
    /// <summary>Runs the step; returns one line saying what is now in place.</summary>
    Task<string> RunAsync(CancellationToken cancellationToken);
}
