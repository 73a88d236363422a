using Npgsql;

namespace Casework.Bench;

/// <summary>
/// Fills the Case service's store to a realistic size straight in its database: each added case is a copy
/// of a case the platform itself opened (one per team), with its own ids and a spread of statuses, stages, concern
/// levels, workers, review dates and opening times, so list filters and the team rule select realistic fractions.
/// </summary>
public static class CaseStore
{
    public static async Task<long> FillAsync(int target)
    {
        await using var connection = new NpgsqlConnection(BenchPlatform.ConnectionString("case"));
        await connection.OpenAsync();
        var existing = await CountAsync(connection);
        if (existing < target)
        {
            await using var fill = new NpgsqlCommand("""
                WITH templates AS (
                    SELECT data, row_number() OVER (ORDER BY data->>'teamId') - 1 AS n, count(*) OVER () AS teams
                      FROM (SELECT DISTINCT ON (data->>'teamId') data FROM doc_cases
                             WHERE data->>'assignedWorkerId' IS NOT NULL ORDER BY data->>'teamId', id) first_of_team)
                INSERT INTO doc_cases (id, version, data)
                SELECT new.id::text, 1, t.data || jsonb_build_object(
                           'id', new.id,
                           'referralId', gen_random_uuid(),
                           'personId', gen_random_uuid(),
                           'status', (ARRAY['Open', 'Open', 'Open', 'Paused', 'Closed'])[1 + new.g % 5],
                           'stage', CASE WHEN new.g % 5 = 4 THEN 'Closed' ELSE (ARRAY['Intake', 'Assessment', 'Active', 'Active', 'Active', 'Review'])[1 + (new.g / 3) % 6] END,
                           'concernLevel', (ARRAY['Low', 'Medium', 'Medium', 'High', 'Critical'])[1 + (new.g / 7) % 5],
                           'concernRank', (ARRAY[1, 2, 2, 3, 4])[1 + (new.g / 7) % 5],
                           -- Reviews spread from a month overdue to four months ahead; a closed case has none.
                           'nextReviewOn', CASE WHEN new.g % 5 = 4 THEN NULL ELSE to_char(current_date + ((new.g * 13) % 150 - 30), 'YYYY-MM-DD') END,
                           'openedAt', to_char(now() AT TIME ZONE 'UTC' - new.g * interval '20 seconds', 'YYYY-MM-DD"T"HH24:MI:SS.US"0+00:00"'),
                           'assignedWorkerId', CASE WHEN new.g % $3 = 0 THEN t.data->>'assignedWorkerId'
                                                    ELSE format('bench-%s-%s', t.data->>'teamId', lpad((2 + new.g % ($3 - 2))::text, 2, '0')) END)
                  FROM (SELECT g, gen_random_uuid() AS id FROM generate_series(1, $1) AS g) new
                  JOIN templates t ON t.n = new.g % t.teams
                 WHERE $2 > 0
                """, connection) { CommandTimeout = 600 };
            fill.Parameters.Add(new NpgsqlParameter { Value = target - (int)existing });
            fill.Parameters.Add(new NpgsqlParameter { Value = existing });
            fill.Parameters.Add(new NpgsqlParameter { Value = BenchPlatform.WorkersPerTeam });
            await fill.ExecuteNonQueryAsync();
            // As autovacuum would have done on a store that grew over months, not during the measurement.
            await using var analyze = new NpgsqlCommand("VACUUM (ANALYZE) doc_cases", connection);
            await analyze.ExecuteNonQueryAsync();
        }
        return await CountAsync(connection);
    }

    /// <summary>Random case ids: of any team, and of the housing team (the demo caseworker's).</summary>
    public static async Task<(string[] Any, string[] Housing)> SampleIdsAsync(int count)
    {
        await using var connection = new NpgsqlConnection(BenchPlatform.ConnectionString("case"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, data->>'teamId' FROM doc_cases ORDER BY random() LIMIT $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = count });
        var any = new List<string>();
        var housing = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            any.Add(reader.GetString(0));
            if (reader.GetString(1) == "housing")
            {
                housing.Add(reader.GetString(0));
            }
        }
        return ([.. any], [.. housing]);
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM doc_cases", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
