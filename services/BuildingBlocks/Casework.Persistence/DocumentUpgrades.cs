using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Casework.Persistence;

/// <summary>
/// Brings documents stored before their shape changed up to date: those without <see cref="MarkerField"/>
/// (a field every current document has, e.g. a derived, indexed key) are re-saved through
/// <see cref="UpgradeAsync"/>, so lists and indexes see them like new ones.
/// </summary>
public interface IDocumentUpgrade<T> where T : class
{
    /// <summary>A field every document written by the current code has; its absence marks an old one.</summary>
    string MarkerField { get; }

    /// <summary>
    /// The document as the current code would have written it (derived fields are recomputed by saving); events the
    /// change implies are published on <paramref name="session"/>, which commits them with the document.
    /// </summary>
    Task<T> UpgradeAsync(T document, IDocumentSession session, CancellationToken cancellationToken);
}

public static class DocumentUpgradeExtensions
{
    /// <summary>
    /// Runs <typeparamref name="TUpgrade"/> in the background after start: batch by batch, each document saved
    /// at the version read (a document changed meanwhile is simply read again), on every replica safely.
    /// </summary>
    public static IHostApplicationBuilder AddDocumentUpgrade<T, TUpgrade>(this IHostApplicationBuilder builder)
        where T : class where TUpgrade : class, IDocumentUpgrade<T>
    {
        builder.Services.AddSingleton<IDocumentUpgrade<T>, TUpgrade>();
        builder.Services.AddHostedService<DocumentUpgrader<T>>();
        return builder;
    }
}

/// <summary>Re-saves the old documents of one collection; see <see cref="IDocumentUpgrade{T}"/>.</summary>
public sealed class DocumentUpgrader<T>(IDocumentStore store, IDocumentUpgrade<T> upgrade, ILogger<DocumentUpgrader<T>> logger)
    : BackgroundService where T : class
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var upgraded = await UpgradeAllAsync(stoppingToken);
            if (upgraded > 0)
            {
                logger.LogInformation("Upgraded {Count} stored {Type} documents (without {Field})", upgraded, typeof(T).Name, upgrade.MarkerField);
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Old documents stay as they were (still readable); the next start tries again.
            logger.LogError(exception, "Upgrading stored {Type} documents failed", typeof(T).Name);
        }
    }

    /// <summary>Upgrades every old document; returns how many were saved.</summary>
    public async Task<int> UpgradeAllAsync(CancellationToken cancellationToken)
    {
        var upgraded = 0;
        HashSet<string> previous = [];
        while (true)
        {
            var batch = await store.QueryAsync<T>(new DocumentQuery
            {
                Filter = new DocumentFilter().Missing(upgrade.MarkerField),
                Limit = BatchSize,
                CountLimit = 0,
            }, cancellationToken);
            if (batch.Items.Count == 0)
            {
                return upgraded;
            }
            var ids = batch.Items.Select(i => i.Id).ToHashSet();
            if (ids.SetEquals(previous))
            {
                // Only documents that cannot be upgraded are left (each was logged): stop rather than loop.
                logger.LogError("{Count} stored {Type} documents could not be upgraded; they stay as they are", ids.Count, typeof(T).Name);
                return upgraded;
            }
            previous = ids;
            await using var session = store.OpenSession();
            var saved = 0;
            foreach (var stored in batch.Items)
            {
                try
                {
                    session.Update(stored.Id, await upgrade.UpgradeAsync(stored.Document, session, cancellationToken), stored.Version);
                    saved++;
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // One document the upgrade cannot handle must not keep every later one old.
                    logger.LogError(exception, "Stored {Type} document {Id} could not be upgraded; it is skipped", typeof(T).Name, stored.Id);
                }
            }
            try
            {
                await session.CommitAsync(cancellationToken);
                upgraded += saved;
            }
            catch (StaleVersionException)
            {
                // Someone (a request, another replica's upgrader) changed one meanwhile: read the batch again.
                previous = [];
            }
        }
    }
}
