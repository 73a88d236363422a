using System.Text.Json;
using Casework.Case.Apis;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Domain;

/// <summary>
/// Creates the demo region's pathways for a local run, as version 1 (kept for the cases that follow it).
/// A pathway stored before pathways were versioned (version 0) becomes version 1 of the demo definition.
/// </summary>
public sealed class PathwaySeeder(IDocumentStore store, TimeProvider clock) : IDemoDataSeeder
{
    public async Task SeedAsync(JsonElement demoData, CancellationToken cancellationToken)
    {
        await using var session = store.OpenSession();
        foreach (var seed in demoData.Section<Pathway>("pathways"))
        {
            var pathway = seed with { Active = true, Version = 1, PublishedAt = clock.GetUtcNow(), PublishedBy = "demo-data" };
            var stored = await store.GetAsync<Pathway>(pathway.Id, cancellationToken);
            if (stored is null)
            {
                session.Insert(pathway.Id, pathway);
                PathwaysApi.Publish(session, pathway);
            }
            else if (stored.Document.Version == 0)
            {
                session.Update(pathway.Id, pathway, stored.Version);
                PathwaysApi.Publish(session, pathway);
            }
        }
        try
        {
            await session.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is DuplicateDocumentException or StaleVersionException)
        {
            // Another replica seeded them at the same moment.
        }
    }
}
