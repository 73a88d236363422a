using System.Text.Json;
using Casework.Notes.Apis;
using Casework.Notes.Domain;
using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes.Hosting;

/// <summary>
/// Loads the demo note templates (<c>noteTemplates[]</c> of the file at <c>Seed:DemoDataPath</c>) at start-up. Idempotent: a
/// template that exists is left as it is (an admin may have edited it since).
/// </summary>
public sealed class TemplateSeeder(IDocumentStore store, TimeProvider clock, ILogger<TemplateSeeder> logger) : IDemoDataSeeder
{
    public async Task SeedAsync(JsonElement demoData, CancellationToken cancellationToken)
    {
        var templates = demoData.Section<TemplateSeed>("noteTemplates");
        var created = 0;
        foreach (var seed in templates)
        {
            var errors = TemplateRules.Check(seed.PathwayId, seed.NoteType, seed.Name, seed.Sections);
            if (seed.Id == Guid.Empty || errors.Any)
            {
                throw new InvalidOperationException($"Demo data: note template '{seed.Name}' needs an id and {errors}");
            }
            if (await store.GetAsync<NoteTemplate>(seed.Id.ToString(), cancellationToken) is not null)
            {
                continue;
            }
            var template = new NoteTemplate(seed.Id, seed.PathwayId!, seed.NoteType!, seed.Name!, seed.Sections!.Select(s => s!).ToList(), "demo-data",
                clock.GetUtcNow());
            await using var session = store.OpenSession();
            session.Insert(template.Id.ToString(), template);
            session.Publish(TemplatesApi.Saved(template, 1));
            try
            {
                await session.CommitAsync(cancellationToken);
                created++;
            }
            catch (DuplicateDocumentException)
            {
                // Another replica seeded it meanwhile.
            }
        }
        logger.LogInformation("Seeded note templates: {Created} of {Count} created", created, templates.Count);
    }

    public sealed record TemplateSeed(Guid Id, string? PathwayId, string? NoteType, string? Name, IReadOnlyList<TemplateSection?>? Sections);
}
