using Casework.Case.Domain;
using Casework.Persistence;

namespace Casework.Case.Apis;

/// <summary>Reading pathways: the current version (for new cases) and the version a case follows (for its rules).</summary>
public static class PathwayCatalog
{
    public static async Task<Stored<Pathway>?> CurrentPathwayAsync(this IDocumentStore store, string pathwayId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(pathwayId) ? null : await store.GetAsync<Pathway>(pathwayId, cancellationToken);

    public static async Task<Pathway?> PathwayVersionAsync(this IDocumentStore store, string pathwayId, int version, CancellationToken cancellationToken) =>
        (await store.GetAsync<PathwayVersion>(Pathway.VersionId(pathwayId, version), cancellationToken))?.Document.Pathway;

    /// <summary>The pathway version whose rules the case follows (a case from before versioning follows the first).</summary>
    public static async Task<Pathway> PathwayOfAsync(this IDocumentStore store, SupportCase supportCase, CancellationToken cancellationToken) =>
        await store.PathwayVersionAsync(supportCase.PathwayId, Math.Max(supportCase.PathwayVersion, 1), cancellationToken)
            ?? throw new InvalidOperationException($"Case {supportCase.Id} follows pathway {supportCase.PathwayId} version {supportCase.PathwayVersion}, which is not stored.");
}
