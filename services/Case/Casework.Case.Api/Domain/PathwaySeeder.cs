using System.Text.Json;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Case.Domain;

/// <summary>Creates the demo region's pathways for a local run.</summary>
public sealed class PathwaySeeder(IDocumentStore store) : IDemoDataSeeder
{
    public async Task SeedAsync(JsonElement demoData, CancellationToken cancellationToken)
    {
        await using var session = store.OpenSession();
        foreach (var pathway in demoData.Section<Pathway>("pathways"))
        {
            if (await store.GetAsync<Pathway>(pathway.Id, cancellationToken) is null)
            {
                session.Insert(pathway.Id, pathway with { Active = true });
            }
        }
        try
        {
            await session.CommitAsync(cancellationToken);
        }
        catch (DuplicateDocumentException)
        {
            // Another replica seeded them at the same moment.
        }
    }
}
