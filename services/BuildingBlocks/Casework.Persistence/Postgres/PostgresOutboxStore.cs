using Npgsql;

namespace Casework.Persistence.Postgres;

internal sealed class PostgresOutboxStore(NpgsqlDataSource dataSource) : IOutboxStore
{
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        // SKIP LOCKED lets replicas claim disjoint batches; the lease returns a batch to the pool
        // if its relay dies before marking it sent.
        await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
        await using var command = connection.Command("""
            UPDATE outbox SET locked_until = now() + $2
            WHERE id IN (
                SELECT id FROM outbox
                WHERE sent_at IS NULL AND (locked_until IS NULL OR locked_until < now())
                ORDER BY seq
                LIMIT $1
                FOR UPDATE SKIP LOCKED)
            RETURNING id, type, payload::text, created_at, seq
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = max });
        command.Parameters.Add(new NpgsqlParameter { Value = lease });
        var messages = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new OutboxMessage(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetInt64(4)));
        }
        messages.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return messages;
    }

    public async Task MarkSentAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
        await using var command = connection.Command("UPDATE outbox SET sent_at = now(), locked_until = NULL WHERE id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
        await using var command = connection.Command("SELECT count(*) FROM outbox WHERE sent_at IS NULL");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<int> PurgeSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
        await using var command = connection.Command("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = sentBefore });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
