using Casework.Persistence;
using Microsoft.AspNetCore.Http;

namespace Casework.ServiceDefaults;

/// <summary>
/// Who read or changed which sensitive record, and when. Kept in the service's own store (collection
/// <c>audit_log</c>), written in the same commit as a change, or committed before the data of a read
/// leaves the service.
/// </summary>
/// <param name="ParentId">The record the audited one belongs to, when there is one (a note's case).</param>
public sealed record AuditEntry(
    Guid Id, string Action, string RecordType, string RecordId, string? ParentId, string ActorId, string ActorName, DateTimeOffset At);

public static class AuditLog
{
    /// <summary>Declares the service's audit log collection, indexed for "who looked at this record".</summary>
    public static DocumentCollections AddAuditLog(this DocumentCollections collections) =>
        collections.Add<AuditEntry>("audit_log", ["recordId", "at"], ["actorId", "at"]);

    /// <summary>Queues an audit entry for the caller of <paramref name="http"/> on the session.</summary>
    public static void Audit(this IDocumentSession session, HttpContext http, string action, string recordType, string recordId,
        DateTimeOffset now, string? parentId = null)
    {
        var entry = new AuditEntry(Guid.CreateVersion7(now), action, recordType, recordId, parentId, http.ActorId(), http.User.DisplayName(), now);
        session.Insert(entry.Id.ToString(), entry);
    }
}
