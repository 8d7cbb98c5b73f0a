using Npgsql;

namespace Accountability.Api.Tests.Infrastructure;

/// <summary>Row count and content checksum of every table in a database, to prove a request changed nothing.</summary>
public sealed record DatabaseSnapshot(IReadOnlyDictionary<string, (long Rows, string Checksum)> Tables)
{
    public static async Task<DatabaseSnapshot> TakeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("""
            SELECT quote_ident(table_schema) || '.' || quote_ident(table_name)
            FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
            ORDER BY 1
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var result = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand(
                $"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {table} t", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            result[table] = (reader.GetInt64(0), reader.GetString(1));
        }

        return new DatabaseSnapshot(result);
    }

    /// <summary>The tables that differ from <paramref name="other"/>, described; empty when equal.</summary>
    public IReadOnlyList<string> DifferencesFrom(DatabaseSnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Tables.Keys.Union(other.Tables.Keys)
            .Where(t => !Tables.TryGetValue(t, out var mine) || !other.Tables.TryGetValue(t, out var theirs) || mine != theirs)
            .Select(t => $"{t}: {(other.Tables.TryGetValue(t, out var before) ? before.Rows : 0)} -> {(Tables.TryGetValue(t, out var after) ? after.Rows : 0)} rows (content changed)")
            .ToList();
    }
}
