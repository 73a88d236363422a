using Casework.Persistence;

namespace Casework.Reporting.Consumers;

internal static class ReadModel
{
    /// <summary>
    /// Applies an event to a read-model document, creating it if this is the first event seen for it.
    /// Two first events at once both insert: the loser's commit throws DuplicateDocumentException and
    /// its retry (with fresh reads) takes the update path; a stale update throws StaleVersionException
    /// and is retried the same way.
    /// </summary>
    public static async Task UpsertAsync<T>(
        IDocumentSession session, string id, Func<T> empty, Func<T, T> apply, CancellationToken cancellationToken) where T : class
    {
        var current = await session.GetAsync<T>(id, cancellationToken);
        if (current is null)
        {
            session.Insert(id, apply(empty()));
            return;
        }
        var next = apply(current.Document);
        if (!Equals(next, current.Document))
        {
            session.Update(id, next, current.Version);
        }
    }
}
