using System.Text.Json;
using Casework.Assignment.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Assignment.Hosting;

/// <summary>
/// Loads the demo teams' assignment settings (<c>teams[]</c>: pathwayIds, hoursPerCase) and workers (<c>workers[]</c>)
/// of the file at <c>Seed:DemoDataPath</c> at start-up, before the service is ready and before the bus starts
/// consuming. Idempotent: an existing worker keeps their load and availability and only has their profile brought
/// in line with the file.
/// </summary>
public sealed class WorkerSeeder(IDocumentStore store, ILogger<WorkerSeeder> logger) : IDemoDataSeeder
{
    public async Task SeedAsync(JsonElement demoData, CancellationToken cancellationToken)
    {
        var teams = demoData.Section<TeamSeed>("teams");
        foreach (var seed in teams)
        {
            if (string.IsNullOrWhiteSpace(seed.Id))
            {
                throw new InvalidOperationException("Demo data: every team needs an id.");
            }
            var team = new Team(seed.Id, seed.Name ?? seed.Id, seed.PathwayIds ?? [], seed.HoursPerCase ?? ConcernHours.Default);
            await SaveAsync<Team>(team.Id, current => current is not null && current.Name == team.Name && current.HoursPerCase == team.HoursPerCase
                && current.PathwayIds.SequenceEqual(team.PathwayIds) ? null : team, cancellationToken);
        }
        var workers = demoData.Section<WorkerSeed>("workers");
        var changed = 0;
        foreach (var seed in workers)
        {
            if (string.IsNullOrWhiteSpace(seed.Id) || seed.TeamIds is not { Count: > 0 } || seed.CapacityHours < 0)
            {
                throw new InvalidOperationException("Demo data: every worker needs an id, teamIds and capacityHours of 0 or more.");
            }
            var changedOne = await SaveAsync<Worker>(seed.Id, current =>
            {
                var profile = (current ?? new Worker { Id = seed.Id, Name = seed.Name ?? seed.Id }) with
                {
                    Name = seed.Name ?? seed.Id,
                    TeamIds = seed.TeamIds,
                    Region = seed.Region,
                    PathwayIds = seed.PathwayIds ?? [],
                    CapacityHours = seed.CapacityHours,
                };
                return current is not null && current.Name == profile.Name && current.TeamIds.SequenceEqual(profile.TeamIds)
                    && current.Region == profile.Region && current.PathwayIds.SequenceEqual(profile.PathwayIds)
                    && current.CapacityHours == profile.CapacityHours ? null : profile;
            }, cancellationToken);
            changed += changedOne ? 1 : 0;
        }
        logger.LogInformation("Seeded {Teams} teams; workers: {Changed} of {Count} created or updated", teams.Count, changed, workers.Count);
    }

    /// <summary>Writes what <paramref name="wanted"/> says (null: nothing to change), retrying when a replica or consumer wrote meanwhile.</summary>
    private async Task<bool> SaveAsync<T>(string id, Func<T?, T?> wanted, CancellationToken cancellationToken) where T : class
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync<T>(id, cancellationToken);
            if (wanted(current?.Document) is not { } document)
            {
                return false;
            }
            await using var session = store.OpenSession();
            if (current is null)
            {
                session.Insert(id, document);
            }
            else
            {
                session.Update(id, document, current.Version);
            }
            try
            {
                await session.CommitAsync(cancellationToken);
                return true;
            }
            catch (Exception exception) when (exception is StaleVersionException or DuplicateDocumentException && attempt < 5)
            {
                // Another replica (or a consumer) wrote it meanwhile: read it again.
            }
        }
    }

    public sealed record TeamSeed(string? Id, string? Name, IReadOnlyList<string>? PathwayIds, ConcernHours? HoursPerCase);

    public sealed record WorkerSeed(string? Id, string? Name, IReadOnlyList<string>? TeamIds, string? Region, IReadOnlyList<string>? PathwayIds, decimal CapacityHours);
}
