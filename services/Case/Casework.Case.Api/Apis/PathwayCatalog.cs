using System.Collections.Concurrent;
using Casework.Case.Domain;
using Casework.Persistence;

namespace Casework.Case.Apis;

/// <summary>
/// Reading pathways: the current version (for new cases and editing) and the version a case follows (for
/// its rules). Published versions never change, so each is read from the store once per process.
/// </summary>
public sealed class PathwayCatalog(IDocumentStore store)
{
    private readonly ConcurrentDictionary<string, Pathway> _versions = new();

    public async Task<Stored<Pathway>?> CurrentAsync(string pathwayId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(pathwayId) ? null : await store.GetAsync<Pathway>(pathwayId, cancellationToken);

    public async Task<Pathway?> VersionAsync(string pathwayId, int version, CancellationToken cancellationToken)
    {
        var id = Pathway.VersionId(pathwayId, version);
        if (_versions.TryGetValue(id, out var cached))
        {
            return cached;
        }
        var stored = await store.GetAsync<PathwayVersion>(id, cancellationToken);
        return stored is null ? null : _versions.GetOrAdd(id, stored.Document.Pathway);
    }

    /// <summary>
    /// The pathway version whose rules the case follows (a case from before versioning follows the first). Should
    /// that version be missing (a store from before versions were kept), the current one rules rather than no rules.
    /// </summary>
    public async Task<Pathway> OfCaseAsync(SupportCase supportCase, CancellationToken cancellationToken) =>
        await VersionAsync(supportCase.PathwayId, Math.Max(supportCase.PathwayVersion, 1), cancellationToken)
            ?? (await CurrentAsync(supportCase.PathwayId, cancellationToken))?.Document
            ?? throw new InvalidOperationException($"Case {supportCase.Id} follows pathway {supportCase.PathwayId}, which does not exist.");
}
