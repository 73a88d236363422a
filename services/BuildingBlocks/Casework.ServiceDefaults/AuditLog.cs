using Casework.Persistence;
using Microsoft.AspNetCore.Http;

namespace Casework.ServiceDefaults;

/// <summary>
/// Who read or changed which sensitive record, and when. Kept in the service's own store (collection
/// <c>audit_log</c>), written in the same commit as a change, or committed before the data of a read
/// leaves the service.
/// </summary>
/// <param name="ParentId">The record the audited one belongs to, when there is one (a note's case).</param>
/// <param name="At">
/// Stored as sortable UTC text (<see cref="SortableUtc"/>), so the log can be read by time range. Entries written before that
/// (in the default ISO form, "+00:00" and trimmed fractions) compare correctly with newer ones only to the second: within one
/// second their order, and a from/to bound falling inside it, may be off.
/// </param>
public sealed record AuditEntry(
    Guid Id, string Action, string RecordType, string RecordId, string? ParentId, string ActorId, string ActorName,
    [property: System.Text.Json.Serialization.JsonConverter(typeof(SortableUtc.JsonConverter))] DateTimeOffset At);

public static class AuditLog
{
    /// <summary>
    /// Declares the service's audit log collection, indexed for "who looked at this record" and "what did this person look
    /// at". A service that also reads its log another way passes those indexes in <paramref name="extraIndexes"/> (Notes: by
    /// parent record and by record type): every index is built and kept on every write, so busy logs declare only what they use.
    /// </summary>
    public static DocumentCollections AddAuditLog(this DocumentCollections collections, params string[][] extraIndexes) =>
        collections.Add<AuditEntry>("audit_log", [["recordId", "at"], ["actorId", "at"], .. extraIndexes]);

    /// <summary>Queues an audit entry for the caller of <paramref name="http"/> on the session.</summary>
    public static void Audit(this IDocumentSession session, HttpContext http, string action, string recordType, string recordId,
        DateTimeOffset now, string? parentId = null)
    {
        var entry = new AuditEntry(Guid.CreateVersion7(now), action, recordType, recordId, parentId, http.ActorId(), http.User.DisplayName(), now);
        session.Insert(entry.Id.ToString(), entry);
    }
}
