using Casework.Persistence;
using Casework.ServiceDefaults;

namespace Casework.Notes.Tests;

/// <summary>The audit log building block indexes only what a service asks for (each index costs every write).</summary>
public sealed class AuditLogIndexTests
{
    [Fact]
    public void The_audit_log_has_the_two_shared_indexes_and_only_the_extra_ones_a_service_passes()
    {
        string Indexes(DocumentCollections collections) =>
            string.Join(" ", collections.For<AuditEntry>().Indexes.Select(index => string.Join("+", index)));

        Assert.Equal("recordId+at actorId+at", Indexes(new DocumentCollections().AddAuditLog())); // e.g. Intake's busy log
        Assert.Equal("recordId+at actorId+at parentId+at recordType+at",
            Indexes(new DocumentCollections().AddAuditLog(["parentId", "at"], ["recordType", "at"])));
    }
}
