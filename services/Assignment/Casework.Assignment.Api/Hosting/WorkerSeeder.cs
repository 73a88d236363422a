using System.Text.Json;
using Casework.Assignment.Domain;
using Casework.Persistence;

namespace Casework.Assignment.Hosting;

/// <summary>
/// Loads the demo workers (<c>workers[]</c> of the file at <c>Seed:DemoDataPath</c>) at start-up, before
/// the service is ready and before the bus starts consuming. Idempotent: an existing worker keeps its
/// caseload and only has its name, team and capacity brought in line with the file.
/// </summary>
public sealed class WorkerSeeder(IDocumentStore store, IConfiguration configuration, ILogger<WorkerSeeder> logger) : IHostedService
{
    public const string PathKey = "Seed:DemoDataPath";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var path = configuration[PathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }
        DemoData data;
        await using (var file = File.OpenRead(path))
        {
            data = await JsonSerializer.DeserializeAsync<DemoData>(file, DocumentJson.Options, cancellationToken)
                ?? throw new InvalidOperationException($"{path} is empty.");
        }
        var changed = 0;
        foreach (var seed in data.Workers ?? [])
        {
            if (string.IsNullOrWhiteSpace(seed.Id) || string.IsNullOrWhiteSpace(seed.TeamId) || seed.Capacity < 0)
            {
                throw new InvalidOperationException($"{path}: every worker needs an id, a teamId and a capacity of 0 or more.");
            }
            if (await SeedAsync(seed, cancellationToken))
            {
                changed++;
            }
        }
        logger.LogInformation("Seeded workers from {Path}: {Changed} of {Count} created or updated", path, changed, data.Workers?.Count ?? 0);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
                session.Insert(seed.Id!, new Worker(seed.Id!, name, seed.TeamId!, seed.Capacity, []));
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
            catch (Exception exception) when (exception is ConcurrencyException or DuplicateDocumentException && attempt < 5)
            {
                // Another replica (or a consumer) wrote the worker meanwhile: read it again.
            }
        }
    }

    private sealed record DemoData(IReadOnlyList<WorkerSeed>? Workers);

    private sealed record WorkerSeed(string? Id, string? Name, string? TeamId, int Capacity);
}
