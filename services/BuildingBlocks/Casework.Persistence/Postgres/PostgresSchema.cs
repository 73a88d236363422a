using Npgsql;

namespace Casework.Persistence.Postgres;

/// <summary>
/// The tables, columns and indexes the store needs, made so at every start. Tables and columns change in one short
/// transaction; indexes are built CONCURRENTLY afterwards, so an index added by an upgrade never blocks writes to a
/// large table while it is built (the service answers once it is done: the start waits for it).
/// </summary>
internal sealed class PostgresSchema(NpgsqlDataSource dataSource, DocumentCollections collections) : IStoreSchema
{
    private sealed record IndexDefinition(string Name, string Table, string Columns, string? Where = null);

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await EnsureTablesAsync(connection, cancellationToken);
        await EnsureIndexesAsync(connection, cancellationToken);
    }

    private async Task EnsureTablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Replicas start together: serialise the DDL so CREATE ... IF NOT EXISTS cannot race.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('casework-schema'))", cancellationToken);
        // Never queue behind a long transaction holding a table (every request would queue behind this): fail the
        // start instead, and the orchestrator starts the process again.
        await ExecuteAsync(connection, "SET LOCAL lock_timeout = '10s'", cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE IF NOT EXISTS outbox (
                id uuid PRIMARY KEY,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                type text NOT NULL,
                payload jsonb NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                locked_until timestamptz,
                sent_at timestamptz);
            -- A store created by an earlier version gains the columns added since (additive changes only). Checked
            -- first: ALTER TABLE takes an exclusive lock even when the column exists, and this runs on every start.
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'outbox' AND column_name = 'seq') THEN
                    ALTER TABLE outbox ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
                END IF;
                IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'outbox' AND column_name = 'locked_until') THEN
                    ALTER TABLE outbox ADD COLUMN locked_until timestamptz;
                END IF;
            END $$;
            CREATE TABLE IF NOT EXISTS inbox (
                message_id uuid NOT NULL,
                consumer text NOT NULL,
                consumed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (message_id, consumer));
            """, cancellationToken);
        foreach (var collection in collections.All)
        {
            var table = PostgresEngine.Table(collection);
            await ExecuteAsync(connection, $"""
                CREATE TABLE IF NOT EXISTS {table} (
                    id text PRIMARY KEY,
                    version bigint NOT NULL,
                    data jsonb NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now());
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = 'updated_at') THEN
                        ALTER TABLE {table} ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();
                        ALTER TABLE {table} ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
                    END IF;
                END $$;
                """, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Builds each missing index CONCURRENTLY (a build that failed half-way leaves an invalid index: it is dropped and
    /// built again). One replica at a time: a lock is tried, never waited on in a statement, because a statement waiting
    /// holds a snapshot that the concurrent build itself would wait for.
    /// </summary>
    private async Task EnsureIndexesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var existing = await ExistingIndexesAsync(connection, cancellationToken);
        var missing = WantedIndexes().Where(index => !existing.TryGetValue(index.Name, out var valid) || !valid).ToList();
        if (missing.Count == 0)
        {
            return; // every restart after the first: nothing to lock or build
        }
        while (!await ScalarAsync<bool>(connection, "SELECT pg_try_advisory_lock(hashtext('casework-schema-indexes'))", cancellationToken))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
        try
        {
            existing = await ExistingIndexesAsync(connection, cancellationToken); // another replica may have built them meanwhile
            foreach (var index in WantedIndexes())
            {
                if (existing.TryGetValue(index.Name, out var valid) && valid)
                {
                    continue;
                }
                if (existing.ContainsKey(index.Name))
                {
                    await ExecuteAsync(connection, $"DROP INDEX CONCURRENTLY IF EXISTS {index.Name}", cancellationToken);
                }
                await ExecuteAsync(connection,
                    $"CREATE INDEX CONCURRENTLY IF NOT EXISTS {index.Name} ON {index.Table} ({index.Columns}){(index.Where is null ? "" : " WHERE " + index.Where)}",
                    cancellationToken);
            }
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(hashtext('casework-schema-indexes'))", CancellationToken.None);
        }
    }

    private IEnumerable<IndexDefinition> WantedIndexes()
    {
        yield return new IndexDefinition("ix_outbox_pending_seq", "outbox", "seq", "sent_at IS NULL");
        foreach (var collection in collections.All)
        {
            foreach (var fields in collection.Indexes)
            {
                yield return new IndexDefinition($"ix_{collection.Name}_{string.Join("_", fields)}".ToLowerInvariant(), PostgresEngine.Table(collection),
                    string.Join(", ", fields.Select(PostgresEngine.Field)));
            }
        }
    }

    /// <summary>The indexes of this schema by name, and whether each is valid (usable).</summary>
    private static async Task<Dictionary<string, bool>> ExistingIndexesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT c.relname, i.indisvalid FROM pg_index i
              JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema()
            """, connection);
        var indexes = new Dictionary<string, bool>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            indexes[reader.GetString(0)] = reader.GetBoolean(1);
        }
        return indexes;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
