using System.Net.Sockets;
using System.Threading.Channels;
using Accountability.EventStore.Projections;
using Accountability.EventStore.Reading;
using Accountability.EventStore.Schema;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.EventStore.Appending;

/// <summary>
/// Group commit: appends that arrive while a transaction is being committed are gathered into the next one,
/// each with its own expected-version check, so one commit (one WAL flush, one turn of the append lock)
/// serves many writers. An append that fails for its own reason (wrong version, duplicate ids) does not
/// affect the others; when a batch fails as a whole, its appends are retried one by one.
/// </summary>
internal sealed partial class AppendWriter : IAsyncDisposable
{
    /// <summary>How long the writer keeps its connection with no append to write.</summary>
    private static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(30);

    private readonly Channel<PendingAppend> queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly NpgsqlDataSource dataSource;
    private readonly EventStoreOptions options;
    private readonly IReadOnlyList<InlineProjection> inlineProjections;
    private readonly EventLogSignal signal;
    private readonly ILogger logger;
    private readonly string sql;
    private readonly bool projectAhead;
    private readonly Task loop;

    /// <summary>
    /// The writer's connection, kept from one commit to the next and used by the loop alone: under load every
    /// commit then runs on the same warm server process, without the pool's reset statements. It goes back to the
    /// pool after <see cref="IdleRelease"/> without appends (so an idle writer does not sit on a connection that a
    /// network device or the server may have closed meanwhile), and is dropped after any failure.
    /// </summary>
    private NpgsqlConnection? connection;

    public AppendWriter(
        NpgsqlDataSource dataSource,
        EventStoreOptions options,
        IReadOnlyList<InlineProjection> inlineProjections,
        EventLogSignal signal,
        ILogger logger)
    {
        this.dataSource = dataSource;
        this.options = options;
        this.inlineProjections = inlineProjections;
        this.signal = signal;
        this.logger = logger;
        sql = $"SELECT status, stream_version, first_seq, last_seq, committed_at FROM {options.QuotedSchema}.append_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
        projectAhead = inlineProjections.All(p => p.Projection.QueuesWritesOnly);
        loop = Task.Run(RunAsync);
    }

    public Task<AppendResult> EnqueueAsync(PendingAppend append)
    {
        if (!queue.Writer.TryWrite(append))
        {
            throw new ObjectDisposedException(nameof(AppendWriter), "The event store is shutting down.");
        }

        return append.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop.ConfigureAwait(false);
        await ReleaseConnectionAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingAppend>(options.MaxAppendsPerBatch);
        while (await WaitForAppendsAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < options.MaxAppendsPerBatch && queue.Reader.TryRead(out var append))
            {
                if (!append.Cancellation.IsCancellationRequested)
                {
                    batch.Add(append);
                }
                else
                {
                    append.Completion.TrySetCanceled(append.Cancellation);
                }
            }

            if (batch.Count > 0)
            {
                await WriteAsync(batch).ConfigureAwait(false);

                // The writers just answered resume on the thread pool and often append again at once: step
                // behind them so they join the next commit, instead of half the writers always waiting for
                // the other half's commit.
                await Task.Yield();
            }
        }
    }

    /// <summary>
    /// Waits for the next append. A writer that has had nothing to do for <see cref="IdleRelease"/> gives its
    /// connection back to the pool, whose own idle pruning and health checks then apply to it.
    /// </summary>
    private async ValueTask<bool> WaitForAppendsAsync()
    {
        if (connection is not null && !queue.Reader.TryPeek(out _))
        {
            using var idle = new CancellationTokenSource(IdleRelease);
            try
            {
                return await queue.Reader.WaitToReadAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (idle.IsCancellationRequested)
            {
                await ReleaseConnectionAsync().ConfigureAwait(false);
            }
        }

        return await queue.Reader.WaitToReadAsync().ConfigureAwait(false);
    }

    private async Task WriteAsync(List<PendingAppend> batch)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var outcomes = await ExecuteWithDeadlockRetryAsync(batch).ConfigureAwait(false);
            EventStoreMetrics.AppendsPerCommit.Record(batch.Count);
            EventStoreMetrics.CommitDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Complete(batch, outcomes);
        }
        catch (Exception ex) when (batch.Count > 1 && !IsUnavailable(ex))
        {
            // Something in the batch failed as a whole (an inline projection threw, an id collided between
            // two appends of the batch): find the culprit by writing each append on its own.
            LogBatchFailed(logger, ex, batch.Count);
            foreach (var append in batch)
            {
                await WriteAsync([append]).ConfigureAwait(false);
            }
        }
        catch (PostgresException ex) when (batch.Count == 1 && ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "events_event_id" })
        {
            // A retry of an append that went through, made with "any" version: answer it as the first time.
            var append = batch[0];
            var earlier = await FindAppendedAsync(append).ConfigureAwait(false);
            if (earlier is not null)
            {
                append.Completion.TrySetResult(earlier);
            }
            else
            {
                append.Completion.TrySetException(new DuplicateEventIdException(append.StreamId, ex));
            }
        }
        catch (Exception ex)
        {
            foreach (var append in batch)
            {
                append.Completion.TrySetException(Translate(ex, append.StreamId));
            }
        }
    }

    private async Task<AppendResult?> FindAppendedAsync(PendingAppend append)
    {
        try
        {
            await using var command = dataSource.CreateCommand(
                $"SELECT count(*), max(version), min(seq), max(seq) FROM {options.QuotedSchema}.events WHERE stream_id = $1 AND event_id = ANY ($2)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = append.StreamId });
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = append.Events.Select(e => e.EventId).ToArray() });
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            await reader.ReadAsync().ConfigureAwait(false);
            return reader.GetInt64(0) == append.Events.Count
                ? new AppendResult(append.StreamId, reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), AlreadyAppended: true)
                : null;
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    private async Task<Outcome[]> ExecuteWithDeadlockRetryAsync(List<PendingAppend> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ExecuteAsync(batch).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 5)
            {
                await Task.Delay(Random.Shared.Next(1, 10 * attempt)).ConfigureAwait(false);
            }
        }
    }

    private async Task<Outcome[]> ExecuteAsync(List<PendingAppend> batch)
    {
        if (connection is not { FullState: System.Data.ConnectionState.Open })
        {
            await ReleaseConnectionAsync().ConfigureAwait(false);
            connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        }

        Outcome[] outcomes;
        try
        {
            if (inlineProjections.Count == 0)
            {
                // One statement, committed on its own: one round trip.
                outcomes = await CallAppendFunctionAsync(connection, batch, projected: null).ConfigureAwait(false);
            }
            else
            {
                outcomes = (projectAhead && batch.TrueForAll(a => !a.Expected.IsAny) ? await TryInOneTripAsync(connection, batch).ConfigureAwait(false) : null)
                    ?? await InTwoTripsAsync(connection, batch).ConfigureAwait(false);
            }
        }
        catch
        {
            // Whatever state the failure left the connection in, the next commit starts on a fresh one.
            await ReleaseConnectionAsync().ConfigureAwait(false);
            throw;
        }

        long last = 0;
        var events = 0;
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i].Status == AppendStatus.Appended)
            {
                last = Math.Max(last, outcomes[i].LastSequence);
                events += batch[i].Events.Count;
            }
        }

        if (last > 0)
        {
            EventStoreMetrics.EventsAppended.Add(events);
            signal.Pulse(last);
        }

        return outcomes;
    }

    /// <summary>
    /// Every append states the version it expects, and every inline projection only queues writes: the projections
    /// run first, as if each append goes through, and BEGIN, the append, their writes and COMMIT travel in one round
    /// trip, so the append lock is held only while PostgreSQL works. Null when the function refused the batch as a
    /// whole (nothing was written): it is then decided again in two round trips.
    /// </summary>
    private async Task<Outcome[]?> TryInOneTripAsync(NpgsqlConnection connection, List<PendingAppend> batch)
    {
        var context = new ProjectionContext(connection, null, isRebuild: false) { QueuedOnly = true };
        await ApplyInlineProjectionsAsync(context, AsStored(batch, outcomes: null)).ConfigureAwait(false);
        try
        {
            return await CallAppendFunctionAsync(connection, batch, projected: context).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == EventStoreSchema.BatchRefusedState)
        {
            await RollBackQuietlyAsync(connection).ConfigureAwait(false);
            return null;
        }
        catch
        {
            await RollBackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>BEGIN travels with the append call, and COMMIT with the writes of the projections applied to what went through.</summary>
    private async Task<Outcome[]> InTwoTripsAsync(NpgsqlConnection connection, List<PendingAppend> batch)
    {
        try
        {
            var outcomes = await CallAppendFunctionAsync(connection, batch, projected: null, begin: true).ConfigureAwait(false);
            var context = new ProjectionContext(connection, null, isRebuild: false);
            await ApplyInlineProjectionsAsync(context, AsStored(batch, outcomes)).ConfigureAwait(false);
            await context.FlushWithAsync(new NpgsqlBatchCommand("COMMIT"), CancellationToken.None).ConfigureAwait(false);
            return outcomes;
        }
        catch
        {
            await RollBackQuietlyAsync(connection).ConfigureAwait(false);
            throw;
        }
    }

    private async Task ReleaseConnectionAsync()
    {
        if (connection is null)
        {
            return;
        }

        try
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or SocketException)
        {
            // A broken connection is discarded by the pool either way.
        }

        connection = null;
    }

    private static async Task RollBackQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
                await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection is discarded by the pool; its transaction died with it.
        }
    }

    /// <summary>
    /// Calls the append function. With <paramref name="projected"/> (projections applied ahead), the call is BEGIN, the
    /// append refusing anything but the whole batch, the projections' writes and COMMIT; otherwise the append alone,
    /// after BEGIN when <paramref name="begin"/>.
    /// </summary>
    private async Task<Outcome[]> CallAppendFunctionAsync(NpgsqlConnection connection, List<PendingAppend> batch, ProjectionContext? projected, bool begin = false)
    {
        var total = batch.Sum(a => a.Events.Count);
        var streamIds = new string[batch.Count];
        var streamTypes = new string[batch.Count];
        var expected = new long[batch.Count];
        var counts = new int[batch.Count];
        var eventIds = new Guid[total];
        var types = new string[total];
        var data = new string[total];
        var metadata = new string[total];
        var readCount = batch.Sum(a => a.Reads.Count);
        var readOwners = new int[readCount];
        var readIds = new string[readCount];
        var readVersions = new long[readCount];
        var e = 0;
        var r = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var append = batch[i];
            streamIds[i] = append.StreamId;
            streamTypes[i] = StreamIds.CategoryOf(append.StreamId);
            expected[i] = append.Expected.WireValue;
            counts[i] = append.Events.Count;
            foreach (var read in append.Reads)
            {
                readOwners[r] = i + 1;
                readIds[r] = read.StreamId;
                readVersions[r] = read.Version;
                r++;
            }

            foreach (var ev in append.Events)
            {
                eventIds[e] = ev.EventId;
                types[e] = ev.TypeName;
                data[e] = ev.Json;
                metadata[e] = ev.MetadataJson;
                e++;
            }
        }

        await using var call = new NpgsqlBatch(connection);
        if (begin || projected is not null)
        {
            call.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        }

        var command = new NpgsqlBatchCommand(sql);
        call.BatchCommands.Add(command);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streamIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streamTypes, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = expected });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = counts });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = eventIds });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = metadata, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = readOwners });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = readIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = readVersions });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = projected is not null });
        if (projected is not null)
        {
            projected.MoveQueuedTo(call);
            call.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        var outcomes = new Outcome[batch.Count];
        await using var reader = await call.ExecuteReaderAsync().ConfigureAwait(false);
        var row = 0;
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            outcomes[row++] = new Outcome(
                (AppendStatus)reader.GetInt32(0),
                reader.GetInt64(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                await reader.GetFieldValueAsync<DateTimeOffset>(4).ConfigureAwait(false));
        }

        // The statements after the append (the projections' writes, COMMIT) answer no rows; reading past them
        // surfaces their errors here.
        while (await reader.NextResultAsync().ConfigureAwait(false))
        {
        }

        return outcomes;
    }

    /// <summary>
    /// The batch's events as stored: those of the appends that went through (<paramref name="outcomes"/>), or, ahead
    /// of the append (null), every append's at the versions it expects, with sequence 0 and the writer's clock.
    /// </summary>
    private static List<StoredEvent> AsStored(List<PendingAppend> batch, Outcome[]? outcomes)
    {
        var now = DateTimeOffset.UtcNow;
        var stored = new List<StoredEvent>();
        for (var i = 0; i < batch.Count; i++)
        {
            var append = batch[i];
            long firstVersion, firstSequence;
            DateTimeOffset at;
            if (outcomes is null)
            {
                (firstVersion, firstSequence, at) = (append.Expected.Version + 1, 0, now);
            }
            else if (outcomes[i].Status == AppendStatus.Appended)
            {
                (firstVersion, firstSequence, at) = (outcomes[i].Version - append.Events.Count + 1, outcomes[i].FirstSequence, outcomes[i].CommittedAt);
            }
            else
            {
                continue;
            }

            for (var j = 0; j < append.Events.Count; j++)
            {
                var ev = append.Events[j];
                stored.Add(new StoredEvent(
                    firstSequence == 0 ? 0 : firstSequence + j,
                    append.StreamId,
                    firstVersion + j,
                    ev.EventId,
                    ev.TypeName,
                    ev.Data,
                    ev.Metadata,
                    at));
            }
        }

        return stored;
    }

    private async Task ApplyInlineProjectionsAsync(ProjectionContext context, List<StoredEvent> appended)
    {
        if (appended.Count == 0)
        {
            return;
        }

        foreach (var projection in inlineProjections)
        {
            var relevant = projection.Filter(appended);
            if (relevant.Count > 0)
            {
                await projection.Projection.ApplyAsync(context, relevant, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static void Complete(List<PendingAppend> batch, Outcome[] outcomes)
    {
        var readsBefore = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var append = batch[i];
            var outcome = outcomes[i];
            switch (outcome.Status)
            {
                case AppendStatus.Appended:
                case AppendStatus.AlreadyAppended:
                    append.Completion.TrySetResult(new AppendResult(
                        append.StreamId,
                        outcome.Version,
                        outcome.FirstSequence,
                        outcome.LastSequence,
                        outcome.Status == AppendStatus.AlreadyAppended));
                    break;
                case AppendStatus.WrongExpectedVersion:
                    append.Completion.TrySetException(new ConcurrencyException(append.StreamId, append.Expected, outcome.Version));
                    break;
                case AppendStatus.ReadStreamMoved:
                    // The function names the read (1-based over the whole batch) in first_seq and gives its version.
                    var read = append.Reads[(int)outcome.FirstSequence - 1 - readsBefore];
                    append.Completion.TrySetException(new ConcurrencyException(append.StreamId, ExpectedVersion.Exactly(read.Version), outcome.Version, read.StreamId));
                    break;
                default:
                    append.Completion.TrySetException(new DuplicateEventIdException(append.StreamId));
                    break;
            }

            readsBefore += append.Reads.Count;
        }
    }

    internal static bool IsUnavailable(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        NpgsqlException npg when npg.IsTransient => true,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    private static Exception Translate(Exception ex, string streamId) => ex switch
    {
        EventStoreException => ex,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "events_event_id" } => new DuplicateEventIdException(streamId, ex),
        _ when IsUnavailable(ex) => new EventStoreUnavailableException(
            $"Cannot append to stream '{streamId}': the database is unavailable ({ex.Message}). Whether the append was written is unknown; retry with the same event ids.", ex),
        _ => new EventStoreException($"Cannot append to stream '{streamId}': {ex.Message}", ex),
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "A batch of {Count} appends failed as a whole; writing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception ex, int count);

    private enum AppendStatus
    {
        Appended = 0,
        WrongExpectedVersion = 1,
        AlreadyAppended = 2,
        EventIdsUsedElsewhere = 3,
        ReadStreamMoved = 4,
    }

    private readonly record struct Outcome(AppendStatus Status, long Version, long FirstSequence, long LastSequence, DateTimeOffset CommittedAt);
}

/// <summary>An append validated and serialized, waiting for its turn in a batch.</summary>
internal sealed class PendingAppend(string streamId, ExpectedVersion expected, IReadOnlyList<SerializedEvent> events, IReadOnlyList<StreamRead> reads, CancellationToken cancellation)
{
    public string StreamId { get; } = streamId;

    public ExpectedVersion Expected { get; } = expected;

    public IReadOnlyList<SerializedEvent> Events { get; } = events;

    /// <summary>Other streams the decision read, which must still be at the versions read.</summary>
    public IReadOnlyList<StreamRead> Reads { get; } = reads;

    public CancellationToken Cancellation { get; } = cancellation;

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal sealed record SerializedEvent(Guid EventId, string TypeName, object Data, string Json, EventMetadata Metadata, string MetadataJson);

/// <summary>An inline projection with the stored type names it reacts to.</summary>
internal sealed class InlineProjection(IProjection projection, IReadOnlySet<string>? typeNames)
{
    public IProjection Projection { get; } = projection;

    public IReadOnlyList<StoredEvent> Filter(List<StoredEvent> events) =>
        typeNames is null ? events : events.Where(e => typeNames.Contains(e.EventType)).ToList();
}
