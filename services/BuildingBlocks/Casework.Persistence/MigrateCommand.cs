using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Casework.Persistence;

/// <summary>
/// The <c>migrate</c> verb every service understands: prepare what a release needs before its pods start (the document
/// store's schema, then every <see cref="IMigrationStep"/>: the broker's queues, Identity's schema and first key) and
/// exit, without starting the service. The Helm charts run it as a pre-install/pre-upgrade Job with the service's own
/// image and configuration, so a new release's indexes and subscriptions exist before its pods roll out.
/// </summary>
public static class MigrateCommand
{
    public const string Verb = "migrate";

    /// <summary>The exit code when <paramref name="args"/> is the <c>migrate</c> verb; null: not this verb.</summary>
    public static async Task<int?> RunMigrateCommandAsync(this IHost host, string[] args)
    {
        if (args is not [Verb])
        {
            return null;
        }
        // Identity has no document store: its schema is one of its migration steps.
        if (host.Services.GetService<IStoreSchema>() is { } schema)
        {
            await schema.EnsureAsync(CancellationToken.None);
            Console.WriteLine("The store's schema is up to date.");
        }
        foreach (var step in host.Services.GetServices<IMigrationStep>())
        {
            Console.WriteLine(await step.RunAsync(CancellationToken.None));
        }
        return 0;
    }
}

/// <summary>
/// Something a release prepares in the <c>migrate</c> verb, after the document store's schema (if any) and before its
/// pods start (e.g. the broker's queues). Idempotent: the verb runs on every install and upgrade.
/// </summary>
public interface IMigrationStep
{
    /// <summary>Runs the step; returns one line saying what is now in place.</summary>
    Task<string> RunAsync(CancellationToken cancellationToken);
}
