using System.Text.Json;
using Casework.Assignment.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Assignment.Hosting;

/// <summary>
/// Loads the demo workers (<c>workers[]</c> of the file at <c>Seed:DemoDataPath</c>) at start-up, before
/// the service is ready and before the bus starts consuming. Idempotent: an existing worker keeps its
/// caseload and only has its name, team and capacity brought in line with the file.
/// </summary>
public sealed class WorkerSeeder(IDocumentStore store, ILogger<WorkerSeeder> logger) : IDemoDataSeeder
{
    public async Task SeedAsync(JsonElement demoData, CancellationToken cancellationToken)
    {
        var workers = demoData.Section<WorkerSeed>("workers");
        var changed = 0;
        foreach (var seed in workers)
        {
            if (string.IsNullOrWhiteSpace(seed.Id) || string.IsNullOrWhiteSpace(seed.TeamId) || seed.Capacity < 0)
            {
                throw new InvalidOperationException("Demo data: every worker needs an id, a teamId and a capacity of 0 or more.");
            }
            if (await SeedAsync(seed, cancellationToken))
            {
                changed++;
            }
        }
        logger.LogInformation("Seeded workers: {Changed} of {Count} created or updated", changed, workers.Count);
    }
    private async Task<bool> SeedAsync(WorkerSeed seed, CancellationToken cancellationToken)
    {
        var name = seed.Name ?? seed.Id!;
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync<Worker>(seed.Id!, cancellationToken);
            if (current is not null && current.Document.HasProfile(name, seed.TeamId!, seed.Capacity))
            {
                return false;
            }
            await using var session = store.OpenSession();
            if (current is null)
            {
                session.Insert(seed.Id!, new Worker(seed.Id!, name, seed.TeamId!, seed.Capacity, 0));
            }
            else
            {
                session.Update(seed.Id!, current.Document.WithProfile(name, seed.TeamId!, seed.Capacity), current.Version);
            }
            try
            {
                await session.CommitAsync(cancellationToken);
                return true;
            }
            catch (Exception exception) when (exception is StaleVersionException or DuplicateDocumentException && attempt < 5)
            {
                // Another replica (or a consumer) wrote the worker meanwhile: read it again.
            }
        }
    }

    public sealed record WorkerSeed(string? Id, string? Name, string? TeamId, int Capacity);
}
