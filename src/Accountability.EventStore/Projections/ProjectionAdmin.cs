using Accountability.EventStore.Reading;
using Npgsql;

namespace Accountability.EventStore.Projections;

/// <summary>Where each projection stands, rebuilds, dead letters, and waiting for projections to catch up.</summary>
public interface IProjectionAdmin
{
    /// <summary>Every projection and subscription with its checkpoint, the log's high-water mark and the lag between them.</summary>
    Task<IReadOnlyList<ProjectionStatus>> GetStatusAsync(CancellationToken ct = default);

    /// <summary>
    /// Waits until every async projection and subscription has processed the log as it is now (its high-water
    /// mark at the call). Tests use this instead of sleeping.
    /// </summary>
    /// <exception cref="TimeoutException">Some did not catch up in time; the message names them.</exception>
    Task WaitForNonStaleAsync(TimeSpan timeout, CancellationToken ct = default);

    /// <summary>
    /// Rebuilds a projection from the start of the log while the service keeps running. An async projection's
    /// tables and checkpoint are reset in one transaction and the daemon replays to the mark of that moment in
    /// large pages (this call waits for it); an inline projection is rebuilt in one transaction that holds its
    /// tables, so appends touching them wait until it commits.
    /// </summary>
    Task<RebuildResult> RebuildAsync(string name, TimeSpan timeout, CancellationToken ct = default);

    /// <summary>Events a consumer could not process, newest first.</summary>
    Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(string consumer, int max = 100, CancellationToken ct = default);

    /// <summary>The sequence a projection or subscription has processed the log up to (0 before its first page).</summary>
    Task<long> GetPositionAsync(string name, CancellationToken ct = default);
}

public sealed record ProjectionStatus(
    string Name,
    ProjectionLifecycle Lifecycle,
    long Position,
    long HighWaterMark,
    string Status,
    string? Owner,
    string? LastError,
    DateTimeOffset? UpdatedAt,
    long? RebuildTarget,
    long DeadLetters)
{
    /// <summary>How many sequence numbers the projection is behind the log.</summary>
    public long Lag => Math.Max(0, HighWaterMark - Position);
}

public sealed record RebuildResult(string Name, long ReplayedUpTo, TimeSpan Elapsed);

public sealed record DeadLetter(string Consumer, long Sequence, string StreamId, string EventType, string Error, DateTimeOffset FailedAt);

internal sealed class ProjectionAdmin(
    NpgsqlDataSource dataSource,
    EventStoreOptions options,
    ProjectionCatalog catalog,
    EventReader reader,
    EventLogSignal signal) : IProjectionAdmin
{
    private readonly string s = options.QuotedSchema;

    public async Task<IReadOnlyList<ProjectionStatus>> GetStatusAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT c.name, c.position, c.status, c.owner, c.last_error, c.updated_at, c.rebuild_target, hw.mark,
                   (SELECT count(*) FROM {s}.dead_letters d WHERE d.consumer = c.name)
              FROM {s}.checkpoints c, (SELECT coalesce(max(seq), 0) AS mark FROM {s}.events) hw
            """);
        var rows = new Dictionary<string, ProjectionStatus>(StringComparer.Ordinal);
        long mark = 0;
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                mark = reader.GetInt64(7);
                var lifecycle = catalog.All.FirstOrDefault(c => c.Name == name)?.Lifecycle ?? ProjectionLifecycle.Async;
                rows[name] = new ProjectionStatus(
                    name,
                    lifecycle,
                    reader.GetInt64(1),
                    mark,
                    reader.GetString(2),
                    await reader.IsDBNullAsync(3, ct).ConfigureAwait(false) ? null : reader.GetString(3),
                    await reader.IsDBNullAsync(4, ct).ConfigureAwait(false) ? null : reader.GetString(4),
                    await reader.GetFieldValueAsync<DateTimeOffset>(5, ct).ConfigureAwait(false),
                    await reader.IsDBNullAsync(6, ct).ConfigureAwait(false) ? null : reader.GetInt64(6),
                    reader.GetInt64(8));
            }
        }

        if (rows.Count == 0)
        {
            mark = await ReadMarkAsync(ct).ConfigureAwait(false);
        }

        // Inline projections are current by construction: they commit with the events.
        foreach (var inline in catalog.All.Where(c => c.Lifecycle == ProjectionLifecycle.Inline))
        {
            rows[inline.Name] = new ProjectionStatus(inline.Name, ProjectionLifecycle.Inline, mark, mark, "inline", null, null, null, null, 0);
        }

        return rows.Values.OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    public async Task WaitForNonStaleAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var names = catalog.Daemon.Select(c => c.Name).ToArray();
        if (names.Length == 0)
        {
            return;
        }

        var target = await ReadMarkAsync(ct).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var behind = await BehindAsync(names, target, ct).ConfigureAwait(false);
            if (behind.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"Projections did not reach sequence {target} within {timeout}: " +
                    string.Join(", ", behind.Select(b => $"{b.Name} at {b.Position}")));
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    public async Task<RebuildResult> RebuildAsync(string name, TimeSpan timeout, CancellationToken ct = default)
    {
        var consumer = catalog.Get(name);
        if (consumer.Projection is null)
        {
            throw new InvalidOperationException($"'{name}' is a subscription: its effects are outside the store and are not replayed.");
        }

        var started = DateTime.UtcNow;
        return consumer.Lifecycle == ProjectionLifecycle.Inline
            ? await RebuildInlineAsync(consumer, started, ct).ConfigureAwait(false)
            : await RebuildAsyncProjectionAsync(consumer, started, timeout, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeadLetter>> GetDeadLettersAsync(string consumer, int max = 100, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT consumer, seq, stream_id, event_type, error, failed_at FROM {s}.dead_letters WHERE consumer = $1 ORDER BY seq DESC LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = max });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            letters.Add(new DeadLetter(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), await reader.GetFieldValueAsync<DateTimeOffset>(5, ct).ConfigureAwait(false)));
        }

        return letters;
    }

    private async Task<RebuildResult> RebuildAsyncProjectionAsync(Consumer consumer, DateTime started, TimeSpan timeout, CancellationToken ct)
    {
        long target;
        await using (var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false))
        await using (var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            // Tables first, then the checkpoint row: the agent writes in the same order, so the two never deadlock.
            await LockAndTruncateAsync(connection, transaction, consumer, ct).ConfigureAwait(false);
            await using var reset = new NpgsqlCommand(
                $"""
                WITH hw AS (SELECT coalesce(max(seq), 0) AS mark FROM {s}.events)
                UPDATE {s}.checkpoints
                   SET position = 0, rebuild_target = NULLIF(hw.mark, 0), rebuild_started_at = now(),
                       status = CASE WHEN hw.mark > 0 THEN 'rebuilding' ELSE 'running' END, last_error = NULL, updated_at = now()
                  FROM hw
                 WHERE name = $1
                RETURNING hw.mark
                """,
                connection,
                transaction);
            reset.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer.Name });
            target = (long)(await reset.ExecuteScalarAsync(ct).ConfigureAwait(false) ?? throw new InvalidOperationException($"The checkpoint of '{consumer.Name}' is missing."));
            await using var forget = new NpgsqlCommand($"DELETE FROM {s}.dead_letters WHERE consumer = $1", connection, transaction);
            forget.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer.Name });
            await forget.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }

        signal.Pulse();
        var deadline = DateTime.UtcNow + timeout;
        while ((await BehindAsync([consumer.Name], target, ct).ConfigureAwait(false)).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Rebuild of '{consumer.Name}' did not reach sequence {target} within {timeout}; it goes on in the background.");
            }

            await Task.Delay(20, ct).ConfigureAwait(false);
        }

        return new RebuildResult(consumer.Name, target, DateTime.UtcNow - started);
    }

    private async Task<RebuildResult> RebuildInlineAsync(Consumer consumer, DateTime started, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await LockAndTruncateAsync(connection, transaction, consumer, ct).ConfigureAwait(false);

        // Appends that would write these tables are blocked on our lock before they commit, so their events
        // are invisible here and apply on top of the rebuilt rows once we commit.
        var context = new ProjectionContext(connection, transaction, isRebuild: true);
        long position = 0;
        while (true)
        {
            var page = await reader.ReadAllAsync(connection, transaction, position, options.Daemon.RebuildBatchSize, consumer.TypeNames, ct).ConfigureAwait(false);
            var readable = page.Events.Where(e => e.Data is not UnreadableEvent).ToList();
            if (readable.Count > 0)
            {
                await consumer.Projection!.ApplyAsync(context, readable, ct).ConfigureAwait(false);
                await context.FlushAsync(ct).ConfigureAwait(false);
            }

            position = page.Ceiling(position);
            if (!page.IsFull)
            {
                break;
            }
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return new RebuildResult(consumer.Name, position, DateTime.UtcNow - started);
    }

    private static async Task LockAndTruncateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Consumer consumer, CancellationToken ct)
    {
        if (consumer.Tables.Count == 0)
        {
            return;
        }

        var tables = string.Join(", ", consumer.Tables);
        await using var command = new NpgsqlCommand($"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE; TRUNCATE {tables}", connection, transaction);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<List<(string Name, long Position)>> BehindAsync(string[] names, long target, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT n, coalesce(c.position, 0) FROM unnest($1::text[]) n LEFT JOIN {s}.checkpoints c ON c.name = n WHERE coalesce(c.position, 0) < $2");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = target });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var behind = new List<(string, long)>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            behind.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return behind;
    }

    public async Task<long> GetPositionAsync(string name, CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT coalesce(max(position), 0) FROM {s}.checkpoints WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private async Task<long> ReadMarkAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand($"SELECT coalesce(max(seq), 0) FROM {s}.events");
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }
}
