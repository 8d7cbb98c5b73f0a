using System.Diagnostics;
using Accountability.EventStore.Appending;
using Accountability.EventStore.Reading;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Accountability.EventStore.Projections;

/// <summary>
/// Runs one async projection or subscription: reads pages in global order from its checkpoint up to the safe
/// high-water mark, applies them, and moves the checkpoint with a compare-and-set in the same transaction,
/// so that rows and checkpoint move together and a second runner (a zombie leader) can never apply a page twice.
/// </summary>
internal sealed partial class ProjectionAgent(
    Consumer consumer,
    NpgsqlDataSource dataSource,
    EventStoreOptions options,
    EventReader reader,
    EventLogTail tail,
    EventLogSignal signal,
    ILogger logger)
{
    private readonly string s = options.QuotedSchema;

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var pulse = signal.NextPulse;
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (!await StepAsync(ct).ConfigureAwait(false))
                {
                    var window = Window(options.Daemon, Stopwatch.GetElapsedTime(started));
                    await EventLogSignal.WaitForNextPageAsync(pulse, options.Daemon.PollInterval, started, window, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (AppendWriter.IsUnavailable(ex))
            {
                LogUnavailable(logger, consumer.Name, ex.Message);
                await DelayAsync(options.Daemon.RetryDelay, ct).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, consumer.Name);
                await RecordErrorAsync(ex, ct).ConfigureAwait(false);
                await DelayAsync(options.Daemon.RetryDelay, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// How long, from the start of one read, a caught-up runner gathers events before the next, after a page that
    /// took <paramref name="busy"/>: twenty times that, so that it applies pages at most a twentieth of the time, within
    /// <see cref="DaemonOptions.BatchWindow"/> and <see cref="DaemonOptions.MaxBatchWindow"/>.
    /// </summary>
    internal static TimeSpan Window(DaemonOptions daemon, TimeSpan busy)
    {
        var paced = busy * 20;
        var longest = daemon.MaxBatchWindow > daemon.BatchWindow ? daemon.MaxBatchWindow : daemon.BatchWindow;
        return paced < daemon.BatchWindow ? daemon.BatchWindow : paced > longest ? longest : paced;
    }

    /// <summary>Processes one page; true when it was full (more are waiting), false when it reached the head of the log.</summary>
    internal async Task<bool> StepAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var (position, rebuildTarget) = await ReadCheckpointAsync(connection, ct).ConfigureAwait(false);
        var rebuilding = rebuildTarget is not null && position < rebuildTarget;
        var pageSize = rebuilding ? options.Daemon.RebuildBatchSize : options.Daemon.BatchSize;
        // A rebuild reads the log from PostgreSQL in its own large pages; a runner near the head shares the tail.
        var page = rebuilding
            ? await reader.ReadAllAsync(connection, null, position, pageSize, consumer.TypeNames, ct).ConfigureAwait(false)
            : await tail.ReadAllAsync(connection, position, pageSize, consumer.TypeNames, ct).ConfigureAwait(false);
        var ceiling = page.Ceiling(position);
        if (ceiling <= position)
        {
            return false;
        }

        try
        {
            await ApplyAsync(connection, position, ceiling, page.Events, rebuilding, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (page.Events.Count > 0 && !AppendWriter.IsUnavailable(ex) && ex is not OperationCanceledException)
        {
            // One bad event must not hold the projection: find it by applying the page one event at a time.
            LogIsolating(logger, consumer.Name, position, ceiling, ex.Message);
            await ApplyOneByOneAsync(connection, position, ceiling, page.Events, rebuilding, ct).ConfigureAwait(false);
        }

        return page.IsFull;
    }

    private async Task<bool> ApplyAsync(NpgsqlConnection connection, long from, long to, IReadOnlyList<StoredEvent> events, bool rebuilding, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var readable = new List<StoredEvent>(events.Count);
        foreach (var e in events)
        {
            if (e.Data is UnreadableEvent unreadable)
            {
                await DeadLetterAsync(connection, transaction, e, unreadable.Error, ct).ConfigureAwait(false);
            }
            else
            {
                readable.Add(e);
            }
        }

        var context = new ProjectionContext(connection, transaction, rebuilding, from, to) { AsynchronousCommit = consumer.Projection is not null };
        if (readable.Count > 0)
        {
            await consumer.ApplyAsync(context, readable, ct).ConfigureAwait(false);
        }

        if (await context.FlushWithAsync(CheckpointMove(from, to), ct).ConfigureAwait(false) != 1)
        {
            // Someone else moved the checkpoint (a rebuild reset it, or another node ran this page): drop ours.
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            LogLostRace(logger, consumer.Name, from);
            return false;
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        context.Committed();
        return true;
    }

    private async Task ApplyOneByOneAsync(NpgsqlConnection connection, long from, long ceiling, IReadOnlyList<StoredEvent> events, bool rebuilding, CancellationToken ct)
    {
        var position = from;
        foreach (var e in events)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (!await ApplyAsync(connection, position, e.Sequence, [e], rebuilding, ct).ConfigureAwait(false))
                    {
                        return;
                    }

                    break;
                }
                catch (Exception ex) when (!AppendWriter.IsUnavailable(ex) && ex is not OperationCanceledException && attempt < options.Daemon.AttemptsBeforeDeadLetter)
                {
                    await Task.Delay(options.Daemon.RetryDelay * attempt, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (!AppendWriter.IsUnavailable(ex) && ex is not OperationCanceledException)
                {
                    await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                    await DeadLetterAsync(connection, transaction, e, ex.ToString(), ct).ConfigureAwait(false);
                    if (!await MoveCheckpointAsync(connection, transaction, position, e.Sequence, ct).ConfigureAwait(false))
                    {
                        return;
                    }

                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    LogDeadLettered(logger, consumer.Name, e.Sequence, e.EventType, ex.Message);
                    break;
                }
            }

            position = e.Sequence;
        }

        if (ceiling > position)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            if (await MoveCheckpointAsync(connection, transaction, position, ceiling, ct).ConfigureAwait(false))
            {
                await transaction.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<(long Position, long? RebuildTarget)> ReadCheckpointAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT position, rebuild_target FROM {s}.checkpoints WHERE name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer.Name });
        await using var row = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await row.ReadAsync(ct).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"The checkpoint of '{consumer.Name}' is missing; the store's start-up creates it.");
        }

        return (row.GetInt64(0), await row.IsDBNullAsync(1, ct).ConfigureAwait(false) ? null : row.GetInt64(1));
    }

    private async Task<bool> MoveCheckpointAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long from, long to, CancellationToken ct) =>
        await new ProjectionContext(connection, transaction, isRebuild: false).FlushWithAsync(CheckpointMove(from, to), ct).ConfigureAwait(false) == 1;

    /// <summary>The compare-and-set that moves the checkpoint from <paramref name="from"/> to <paramref name="to"/>: 0 rows when someone else moved it.</summary>
    private NpgsqlBatchCommand CheckpointMove(long from, long to)
    {
        var command = new NpgsqlBatchCommand(
            $"""
            UPDATE {s}.checkpoints
               SET position = $3, updated_at = now(), owner = $4, status = 'running', last_error = NULL,
                   rebuild_target = CASE WHEN rebuild_target <= $3 THEN NULL ELSE rebuild_target END,
                   rebuild_started_at = CASE WHEN rebuild_target <= $3 THEN NULL ELSE rebuild_started_at END
             WHERE name = $1 AND position = $2
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer.Name });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = to });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = options.Daemon.NodeName });
        return command;
    }

    private async Task DeadLetterAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredEvent e, string error, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {s}.dead_letters (consumer, seq, stream_id, event_type, error)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (consumer, seq) DO UPDATE SET error = excluded.error, failed_at = now()
            """,
            connection,
            transaction);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer.Name });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = e.Sequence });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.StreamId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = e.EventType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = error.Length > 8000 ? error[..8000] : error });
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task RecordErrorAsync(Exception ex, CancellationToken ct)
    {
        try
        {
            await using var command = dataSource.CreateCommand($"UPDATE {s}.checkpoints SET last_error = $2, status = 'retrying' WHERE name = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = consumer.Name });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ex.Message });
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (Exception inner) when (inner is NpgsqlException or OperationCanceledException)
        {
            // The error is logged already; the status row is best effort.
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projection {Name}: the database is unavailable ({Reason}); retrying")]
    private static partial void LogUnavailable(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Projection {Name} failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception ex, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projection {Name}: page ({From}, {To}] failed ({Reason}); applying it event by event")]
    private static partial void LogIsolating(ILogger logger, string name, long from, long to, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Projection {Name}: event {Sequence} ({Type}) dead-lettered: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string name, long sequence, string type, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name}: checkpoint {Position} moved under us; reloading")]
    private static partial void LogLostRace(ILogger logger, string name, long position);
}
