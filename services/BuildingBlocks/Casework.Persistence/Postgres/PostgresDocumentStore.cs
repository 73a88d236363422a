using System.Text;
using System.Text.Json;
using Casework.Contracts.Events;
using Npgsql;

namespace Casework.Persistence.Postgres;

internal sealed class PostgresDocumentStore(NpgsqlDataSource dataSource, DocumentCollections collections, OutboxSignal outboxSignal) : IDocumentStore
{
    public IDocumentSession OpenSession() => new PostgresDocumentSession(this, dataSource, collections, outboxSignal);

    public async Task<Stored<T>?> GetAsync<T>(string id, CancellationToken cancellationToken = default) where T : class
    {
        var table = PostgresEngine.Table(collections.For<T>());
        await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
        await using var command = connection.Command($"SELECT id, version, data::text FROM {table} WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read<T>(reader) : null;
    }

    public async Task<Page<Stored<T>>> QueryAsync<T>(DocumentQuery query, CancellationToken cancellationToken = default) where T : class
    {
        var table = PostgresEngine.Table(collections.For<T>());
        var parameters = new List<NpgsqlParameter>();
        var where = Where(query.Filter, parameters);
        // Ties go by id in the same direction, so an index on (field, id) yields the page in order.
        var direction = query.Descending ? "DESC" : "ASC";
        var order = query.OrderBy is null ? "id" : $"{PostgresEngine.Field(query.OrderBy)} {direction}, id {direction}";
        var limit = Math.Clamp(query.Limit, 1, 500);
        var offset = Math.Max(query.Offset, 0);

        // The count stops at the count limit, so it reads at most that many matches however large the
        // collection (an exact count reads them all). It is an uncorrelated subquery of the page's own
        // statement: computed once, and from the same snapshot as the page, so the two always agree.
        // Limits are parameters, so each query shape is one SQL text (prepared once per connection).
        long? countLimit = query.CountLimit is { } limitOfCount ? Math.Max(limitOfCount, (long)offset + limit) : null;
        // The count's SQL with its limit (when it has one) as parameter number capParameter.
        string CountSql(int capParameter) => countLimit is null
            ? $"SELECT count(*) FROM {table}{where}"
            : $"SELECT count(*) FROM (SELECT 1 FROM {table}{where} LIMIT ${capParameter}) AS matches";
        void AddCap(NpgsqlParameterCollection to)
        {
            if (countLimit is { } cap)
            {
                to.Add(new NpgsqlParameter { Value = cap + 1 });
            }
        }

        var counted = query.CountLimit is not 0;
        var items = new List<Stored<T>>();
        long? total = null;
        await using (var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken))
        await using (var command = connection.Command(
            $"SELECT id, version, data::text{(counted ? $", ({CountSql(parameters.Count + 3)})" : "")} FROM {table}{where} " +
            $"ORDER BY {order} LIMIT ${parameters.Count + 1} OFFSET ${parameters.Count + 2}"))
        {
            command.Parameters.AddRange(parameters.ToArray());
            command.Parameters.Add(new NpgsqlParameter { Value = (long)limit });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)offset });
            if (counted)
            {
                AddCap(command.Parameters);
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Read<T>(reader));
                total = counted ? reader.GetInt64(3) : null;
            }
        }
        if (!counted)
        {
            // Count limit 0: no count wanted; a short page says there is nothing after it.
            return new Page<Stored<T>>(items, offset + items.Count, offset, limit, items.Count < limit);
        }
        if (total is null && offset > 0)
        {
            // No row carries the count because the page lies past the last match: count on its own.
            await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
            await using var count = connection.Command(CountSql(parameters.Count + 1));
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            AddCap(count.Parameters);
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }
        total ??= 0; // nothing matches
        var exact = countLimit is null || total <= countLimit;
        return new Page<Stored<T>>(items, exact ? total.Value : countLimit!.Value, offset, limit, exact);
    }

    public async Task<int> PurgeAsync<T>(DocumentFilter filter, int limit, CancellationToken cancellationToken = default) where T : class
    {
        if (filter.Conditions.Count == 0)
        {
            return 0; // a retention rule always says what is finished with; never "everything"
        }
        var table = PostgresEngine.Table(collections.For<T>());
        var parameters = new List<NpgsqlParameter>();
        var where = Where(filter, parameters);
        await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
        // The filter again on the DELETE itself: a row that stopped matching since the subquery read it stays.
        await using var command = connection.Command(
            $"DELETE FROM {table}{where} AND id IN (SELECT id FROM {table}{where} LIMIT ${parameters.Count + 1})");
        command.Parameters.AddRange(parameters.ToArray());
        command.Parameters.Add(new NpgsqlParameter { Value = Math.Clamp(limit, 1, 10_000) });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<GroupCount>> CountByAsync<T>(string field, DocumentFilter? filter = null, CancellationToken cancellationToken = default) where T : class
    {
        var table = PostgresEngine.Table(collections.For<T>());
        var parameters = new List<NpgsqlParameter>();
        var where = Where(filter ?? new DocumentFilter(), parameters);
        await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {PostgresEngine.Field(field)}, count(*) FROM {table}{where} GROUP BY 1 ORDER BY 1");
        command.Parameters.AddRange(parameters.ToArray());
        var groups = new List<GroupCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            groups.Add(new GroupCount(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1)));
        }
        return groups;
    }

    public async Task<bool> HasConsumedAsync(Guid messageId, string consumer, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
        await using var command = connection.Command("SELECT EXISTS (SELECT 1 FROM inbox WHERE message_id = $1 AND consumer = $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = messageId });
        command.Parameters.Add(new NpgsqlParameter { Value = consumer });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    internal static Stored<T> Read<T>(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetInt64(1), JsonSerializer.Deserialize<T>(reader.GetString(2), DocumentJson.Options)!);

    /// <summary>Makes <c>%</c>, <c>_</c> and the escape character match themselves in a LIKE pattern (default escape: backslash).</summary>
    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static string Where(DocumentFilter filter, List<NpgsqlParameter> parameters)
    {
        if (filter.Conditions.Count == 0)
        {
            return "";
        }
        var sql = new StringBuilder(" WHERE ");
        for (var i = 0; i < filter.Conditions.Count; i++)
        {
            var condition = filter.Conditions[i];
            if (i > 0)
            {
                sql.Append(" AND ");
            }
            if (condition.Kind == ConditionKind.Includes)
            {
                // A JSON array holding the value as one of its elements (jsonb containment).
                parameters.Add(new NpgsqlParameter { Value = condition.Values[0] });
                sql.Append($"(data->'{DocumentCollections.EnsureSafeField(condition.Field)}') @> jsonb_build_array(${parameters.Count}::text)");
                continue;
            }
            sql.Append(PostgresEngine.Field(condition.Field));
            if (condition.Kind == ConditionKind.Contains)
            {
                parameters.Add(new NpgsqlParameter { Value = "%" + EscapeLike(condition.Values[0]) + "%" });
                sql.Append($" ILIKE ${parameters.Count}");
                continue;
            }
            if (condition.Kind == ConditionKind.Missing)
            {
                sql.Append(" IS NULL");
                continue;
            }
            if (condition.Kind == ConditionKind.In)
            {
                parameters.Add(new NpgsqlParameter { Value = condition.Values.ToArray() });
                sql.Append($" = ANY(${parameters.Count})");
                continue;
            }
            parameters.Add(new NpgsqlParameter { Value = condition.Values[0] });
            sql.Append(condition.Kind switch
            {
                ConditionKind.Equal => " = ",
                ConditionKind.LessThan => " < ",
                ConditionKind.AtMost => " <= ",
                ConditionKind.AtLeast => " >= ",
                _ => throw new NotSupportedException($"Condition {condition.Kind}"),
            }).Append('$').Append(parameters.Count);
        }
        return sql.ToString();
    }
}

internal sealed class PostgresDocumentSession(
    PostgresDocumentStore store,
    NpgsqlDataSource dataSource,
    DocumentCollections collections,
    OutboxSignal outboxSignal) : IDocumentSession
{
    private readonly List<PendingWrite> _writes = [];
    private readonly List<(Guid Id, string Type, string Payload)> _events = [];
    private (Guid MessageId, string Consumer)? _consumed;
    private bool _committed;

    public Task<Stored<T>?> GetAsync<T>(string id, CancellationToken cancellationToken = default) where T : class =>
        store.GetAsync<T>(id, cancellationToken);

    public void Insert<T>(string id, T document) where T : class =>
        _writes.Add(new PendingWrite(collections.For<T>(), id, Serialize(document), null));

    public void Update<T>(string id, T document, long expectedVersion) where T : class =>
        _writes.Add(new PendingWrite(collections.For<T>(), id, Serialize(document), expectedVersion));

    public void Publish<TEvent>(TEvent integrationEvent) where TEvent : class =>
        _events.Add((Guid.CreateVersion7(), EventTypes.NameOf(typeof(TEvent)), JsonSerializer.Serialize(integrationEvent, DocumentJson.Options)));

    public void MarkConsumed(Guid messageId, string consumer) => _consumed = (messageId, consumer);

    public async Task<CommitResult> CommitAsync(CancellationToken cancellationToken = default)
    {
        if (_committed)
        {
            throw new InvalidOperationException("A session commits once.");
        }
        _committed = true;

        await using var connection = await dataSource.OpenStoreConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);

        NpgsqlBatchCommand? inbox = null;
        if (_consumed is { } consumed)
        {
            inbox = new NpgsqlBatchCommand("INSERT INTO inbox (message_id, consumer) VALUES ($1, $2) ON CONFLICT DO NOTHING");
            inbox.Parameters.Add(new NpgsqlParameter { Value = consumed.MessageId });
            inbox.Parameters.Add(new NpgsqlParameter { Value = consumed.Consumer });
            batch.BatchCommands.Add(inbox);
        }
        var updates = new List<(NpgsqlBatchCommand Command, PendingWrite Write)>();
        foreach (var write in _writes)
        {
            var table = PostgresEngine.Table(write.Collection);
            NpgsqlBatchCommand command;
            if (write.ExpectedVersion is { } expected)
            {
                command = new NpgsqlBatchCommand($"UPDATE {table} SET data = $2, version = version + 1, updated_at = now() WHERE id = $1 AND version = $3");
                command.Parameters.Add(new NpgsqlParameter { Value = write.Id });
                command.Parameters.Add(PostgresEngine.Jsonb(write.Json));
                command.Parameters.Add(new NpgsqlParameter { Value = expected });
                updates.Add((command, write));
            }
            else
            {
                command = new NpgsqlBatchCommand($"INSERT INTO {table} (id, version, data) VALUES ($1, 1, $2)");
                command.Parameters.Add(new NpgsqlParameter { Value = write.Id });
                command.Parameters.Add(PostgresEngine.Jsonb(write.Json));
            }
            batch.BatchCommands.Add(command);
        }
        foreach (var (id, type, payload) in _events)
        {
            var command = new NpgsqlBatchCommand("INSERT INTO outbox (id, type, payload) VALUES ($1, $2, $3)");
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = type });
            command.Parameters.Add(PostgresEngine.Jsonb(payload));
            batch.BatchCommands.Add(command);
        }
        if (batch.BatchCommands.Count == 0)
        {
            return CommitResult.Committed;
        }

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            // A redelivered message whose first delivery inserted the same document: nothing to do.
            if (_consumed is { } again && await store.HasConsumedAsync(again.MessageId, again.Consumer, cancellationToken))
            {
                return CommitResult.AlreadyConsumed;
            }
            var collision = _writes.FirstOrDefault(w => w.ExpectedVersion is null && PostgresEngine.Table(w.Collection) == exception.TableName);
            throw new DuplicateDocumentException(collision?.Collection.Name ?? exception.TableName ?? "unknown", collision?.Id, exception);
        }

        if (inbox is { RecordsAffected: 0 })
        {
            await transaction.RollbackAsync(CancellationToken.None);
            return CommitResult.AlreadyConsumed;
        }
        foreach (var (command, write) in updates)
        {
            if (command.RecordsAffected == 0)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                throw new StaleVersionException(write.Collection.Name, write.Id, write.ExpectedVersion!.Value);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        if (_events.Count > 0)
        {
            outboxSignal.Notify();
        }
        return CommitResult.Committed;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string Serialize<T>(T document) => JsonSerializer.Serialize(document, DocumentJson.Options);

    private sealed record PendingWrite(CollectionDefinition Collection, string Id, string Json, long? ExpectedVersion);
}
