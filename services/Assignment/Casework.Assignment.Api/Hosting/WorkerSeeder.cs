using System.Text.Json;
using Casework.Assignment.Apis;
using Casework.Assignment.Assigning;
using Casework.Assignment.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Assignment.Hosting;

/// <summary>
/// Loads the demo teams' assignment settings (<c>teams[]</c>: pathwayIds, hoursPerCase) and workers (<c>workers[]</c>)
/// of the file at <c>Seed:DemoDataPath</c> at start-up, before the service is ready and before the bus starts
/// consuming. Idempotent: an existing worker keeps their load and availability and only has their profile brought
/// in line with the file. Changes go through the same unit of work as the API's (TeamSettingsChanged,
/// WorkerCapacityChanged, and queued cases offered to a worker with more room).
/// </summary>
public sealed class WorkerSeeder(IDocumentStore store, IServiceScopeFactory scopes, TimeProvider clock, ILogger<WorkerSeeder> logger) : IDemoDataSeeder
{
    public const string SeededBy = "demo-data";

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
            await SaveAsync(async (session, _) =>
            {
                var current = await session.GetAsync<Team>(team.Id, cancellationToken);
                if (current is not null && current.Document.Name == team.Name && current.Document.HoursPerCase == team.HoursPerCase
                    && current.Document.PathwayIds.SequenceEqual(team.PathwayIds))
                {
                    return false;
                }
                session.SaveAt(team.Id, team, current?.Version);
                session.Publish(TeamsApi.SettingsChanged(team, SeededBy, clock.GetUtcNow()));
                return true;
            }, cancellationToken);
        }
        var workers = demoData.Section<WorkerSeed>("workers");
        var changed = 0;
        foreach (var seed in workers)
        {
            if (string.IsNullOrWhiteSpace(seed.Id) || seed.TeamIds is not { Count: > 0 } || seed.CapacityHours < 0)
            {
                throw new InvalidOperationException("Demo data: every worker needs an id, teamIds and capacityHours of 0 or more.");
            }
            var changedOne = await SaveAsync(async (session, loads) =>
            {
                var current = await loads.GetAsync(seed.Id, cancellationToken);
                var profile = (current ?? new Worker { Id = seed.Id, Name = seed.Name ?? seed.Id }) with
                {
                    Name = seed.Name ?? seed.Id,
                    TeamIds = seed.TeamIds,
                    Region = seed.Region,
                    PathwayIds = seed.PathwayIds ?? [],
                    CapacityHours = seed.CapacityHours,
                };
                if (current is not null && current.Name == profile.Name && current.TeamIds.SequenceEqual(profile.TeamIds)
                    && current.Region == profile.Region && current.PathwayIds.SequenceEqual(profile.PathwayIds)
                    && current.CapacityHours == profile.CapacityHours)
                {
                    return false;
                }
                if (current is null)
                {
                    loads.Add(profile);
                }
                else
                {
                    loads.Set(profile);
                }
                return true;
            }, cancellationToken);
            changed += changedOne ? 1 : 0;
        }
        logger.LogInformation("Seeded {Teams} teams; workers: {Changed} of {Count} created or updated", teams.Count, changed, workers.Count);
    }

    /// <summary>
    /// Runs <paramref name="change"/> (false: nothing to change) in a unit of work and commits it, retrying when a
    /// replica or consumer wrote meanwhile; then offers queued cases to workers with more room.
    /// </summary>
    private async Task<bool> SaveAsync(Func<IDocumentSession, WorkerLoads, Task<bool>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var capacity = scope.ServiceProvider.GetRequiredService<CapacityUnit>();
            await using var session = store.OpenSession();
            var loads = capacity.Loads(session);
            if (!await change(session, loads))
            {
                return false;
            }
            loads.Flush();
            try
            {
                await session.CommitAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is StaleVersionException or DuplicateDocumentException && attempt < 5)
            {
                continue; // another replica (or a consumer) wrote it meanwhile: read it again
            }
            await capacity.FillFreedAsync(cancellationToken);
            return true;
        }
    }

    public sealed record TeamSeed(string? Id, string? Name, IReadOnlyList<string>? PathwayIds, ConcernHours? HoursPerCase);

    public sealed record WorkerSeed(string? Id, string? Name, IReadOnlyList<string>? TeamIds, string? Region, IReadOnlyList<string>? PathwayIds, decimal CapacityHours);
}
