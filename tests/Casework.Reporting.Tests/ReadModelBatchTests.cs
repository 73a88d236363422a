using Casework.Contracts.Events;
using Casework.Persistence;
using Casework.Reporting.Domain;
using Casework.Reporting.Projections;
using Xunit;

namespace Casework.Reporting.Tests;

/// <summary>The unit of work of a consumer or a replayed page, over a fake session that records the writes.</summary>
public sealed class ReadModelBatchTests
{
    private sealed class RecordingSession(Dictionary<string, (long Version, object Document)> stored) : IDocumentSession
    {
        public List<string> Writes { get; } = [];

        public Task<Stored<T>?> GetAsync<T>(string id, CancellationToken cancellationToken = default) where T : class =>
            Task.FromResult(stored.TryGetValue(id, out var s) ? new Stored<T>(id, s.Version, (T)s.Document) : null);

        public void Insert<T>(string id, T document) where T : class => Writes.Add($"insert {id}");

        public void Update<T>(string id, T document, long expectedVersion) where T : class => Writes.Add($"update {id} at {expectedVersion}");

        public void Publish<TEvent>(TEvent integrationEvent) where TEvent : class => throw new NotSupportedException();

        public void MarkConsumed(Guid messageId, string consumer) => throw new NotSupportedException();

        public Task<CommitResult> CommitAsync(CancellationToken cancellationToken = default) => Task.FromResult(CommitResult.Committed);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Each_document_is_written_once_new_ones_inserted_changed_ones_at_the_version_read_unchanged_ones_not_at_all()
    {
        var known = Guid.NewGuid();
        var unchanged = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        var opened = new CaseOpened(unchanged, Guid.NewGuid(), Guid.NewGuid(), "p", "t", "Low", T0);
        var session = new RecordingSession(new()
        {
            [known.ToString()] = (7, CaseReport.Empty(known)),
            [unchanged.ToString()] = (3, CaseReport.Empty(unchanged).Apply(opened, TimeZoneInfo.Utc)),
        });
        var projector = new Projector(TimeZoneInfo.Utc);
        var batch = new ReadModelBatch(session);

        await projector.ApplyAsync(new ConcernLevelChanged(known, "t", "Low", "High", "u", "r", T0, 2), batch, default);
        await projector.ApplyAsync(new CaseStageChanged(known, "Intake", "Active", "u", null, T0), batch, default);
        await projector.ApplyAsync(opened, batch, default);
        await projector.ApplyAsync(new CaseAssigned(fresh, "w1", "Worker One", "t", T0, Sequence: 1), batch, default);
        await projector.ApplyAsync(new CaseAssigned(fresh, "w1", "Worker One", "t", T0, Sequence: 1), batch, default);
        batch.QueueWrites();

        Assert.Equal(
            new[] { $"update {known} at 7", $"insert {fresh}", "insert w1" }.Order(),
            session.Writes.Where(w => !w.Contains(opened.ReferralId.ToString())).Order());
        // The opening also tells the referral which case it became (a new referral document).
        Assert.Contains($"insert {opened.ReferralId}", session.Writes);
        Assert.DoesNotContain(session.Writes, w => w.Contains(unchanged.ToString()));
    }
}
