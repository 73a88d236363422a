using Npgsql;

namespace Casework.Persistence.Postgres;

internal sealed class PostgresSchema(NpgsqlDataSource dataSource, DocumentCollections collections) : IStoreSchema
{
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Replicas start together: serialise the DDL so CREATE ... IF NOT EXISTS cannot race.
        await Execute("SELECT pg_advisory_xact_lock(hashtext('casework-schema'))");
        // Never queue behind a long transaction holding a table (every request would queue behind this): fail the
        // start instead, and the orchestrator starts the process again.
        await Execute("SET LOCAL lock_timeout = '10s'");
        await Execute("""
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
            CREATE INDEX IF NOT EXISTS ix_outbox_pending_seq ON outbox (seq) WHERE sent_at IS NULL;
            CREATE TABLE IF NOT EXISTS inbox (
                message_id uuid NOT NULL,
                consumer text NOT NULL,
                consumed_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (message_id, consumer));
            """);
        foreach (var collection in collections.All)
        {
            var table = PostgresEngine.Table(collection);
            await Execute($"""
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
                """);
            foreach (var fields in collection.Indexes)
            {
                var name = $"ix_{collection.Name}_{string.Join("_", fields)}".ToLowerInvariant();
                var columns = string.Join(", ", fields.Select(f => f == DocumentCollections.DocumentId ? "id" : PostgresEngine.Field(f)));
                await Execute($"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})");
            }
        }
        await transaction.CommitAsync(cancellationToken);

        async Task Execute(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
