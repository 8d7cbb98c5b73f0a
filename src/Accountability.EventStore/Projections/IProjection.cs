using Npgsql;

namespace Accountability.EventStore.Projections;

public enum ProjectionLifecycle
{
    /// <summary>Applied in the append's transaction: the writer sees it at once. Single-stream read models only.</summary>
    Inline,

    /// <summary>Applied by the daemon in global order, checkpointed together with its rows.</summary>
    Async,

    /// <summary>A checkpointed consumer with effects outside the projection tables (at least once).</summary>
    Subscription,
}

/// <summary>
/// A read model built from events. Its rows live in its own tables; <see cref="ApplyAsync"/> must be
/// idempotent per event and must only use the given connection and transaction, so that its rows and its
/// checkpoint commit together.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name: the checkpoint key.</summary>
    string Name { get; }

    /// <summary>The event types it reacts to; events of other types are never loaded for it. Empty: all.</summary>
    IReadOnlyCollection<Type> EventTypes { get; }

    /// <summary>Idempotent DDL creating its tables (run at start-up, under the store's migration lock).</summary>
    IReadOnlyList<string> Schema { get; }

    /// <summary>Tables emptied when the projection is rebuilt.</summary>
    IReadOnlyList<string> Tables { get; }

    Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct);

    /// <summary>
    /// For an inline projection: true when <see cref="ApplyAsync"/> only queues writes (<see cref="ProjectionContext.Enqueue"/>)
    /// and uses neither <see cref="StoredEvent.Sequence"/> nor <see cref="StoredEvent.Timestamp"/>. When every inline
    /// projection says so, the writer applies them before the append, to events at the versions the appends expect
    /// (sequence 0, the writer's clock), and sends their writes with the append and the COMMIT: one round trip, with the
    /// append lock held only while PostgreSQL works. A batch that would not go through whole is decided again the
    /// usual way, projections after the append.
    /// </summary>
    bool QueuesWritesOnly => false;
}

/// <summary>A durable consumer of the log (for example an outbox relay): it runs outside the projection transaction.</summary>
public interface ISubscription
{
    string Name { get; }

    IReadOnlyCollection<Type> EventTypes { get; }

    /// <summary>Handles a page of events. Throwing makes the page be retried event by event; an event that still fails is dead-lettered.</summary>
    Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct);
}

/// <summary>
/// The transaction a projection writes in. Writes that need no answer should be queued with
/// <see cref="Enqueue"/>: they are sent together with the store's own last statement of the transaction
/// (the checkpoint move, or the commit of an append), saving a round trip per page or append.
/// </summary>
public sealed class ProjectionContext(NpgsqlConnection connection, NpgsqlTransaction? transaction, bool isRebuild, long? after = null, long? through = null)
{
    private readonly List<NpgsqlBatchCommand> queued = [];
    private List<Action>? committed;

    /// <summary>For a page of an async projection: the checkpoint it starts from (null for inline projections).</summary>
    public long? After { get; } = after;

    /// <summary>For a page of an async projection: the checkpoint it moves to when it commits (null for inline projections).</summary>
    public long? Through { get; } = through;

    public NpgsqlConnection Connection { get; } = connection;

    /// <summary>The transaction object, when the store opened one; inline projections run in a transaction begun by SQL.</summary>
    public NpgsqlTransaction? Transaction { get; } = transaction;

    /// <summary>True while the projection is being rebuilt from the start of the log.</summary>
    public bool IsRebuild { get; } = isRebuild;

    /// <summary>
    /// Whether the transaction commits without waiting for its WAL to reach the disk: true for an async projection's
    /// page, whose rows and checkpoint are one unit derived from the log, so a commit lost in a server crash is
    /// applied again from the older checkpoint. Never for an append, whose 201 promises the events are durable.
    /// </summary>
    internal bool AsynchronousCommit { get; init; }

    /// <summary>True while inline projections that only queue writes are applied ahead of their append: nothing may run now.</summary>
    internal bool QueuedOnly { get; init; }

    /// <summary>A command to run now, in the projection's transaction (for reads, or writes whose result is needed).</summary>
    public NpgsqlCommand CreateCommand(string sql) => QueuedOnly
        ? throw new InvalidOperationException($"This projection runs ahead of its append and may only queue writes; it must not say {nameof(IProjection.QueuesWritesOnly)}.")
        : new(sql, Connection, Transaction);

    /// <summary>Queues a write to be sent with the transaction's last statement; add its parameters to the returned command.</summary>
    public NpgsqlBatchCommand Enqueue(string sql)
    {
        var command = new NpgsqlBatchCommand(sql);
        queued.Add(command);
        return command;
    }

    /// <summary>
    /// Runs <paramref name="action"/> after an async projection's page has committed, never when it rolls back: for
    /// what a projection keeps in memory between pages. Inline projections keep nothing between appends.
    /// </summary>
    public void OnCommitted(Action action) => (committed ??= []).Add(action);

    internal void Committed()
    {
        foreach (var action in committed ?? [])
        {
            action();
        }
    }

    /// <summary>Moves the queued writes into <paramref name="batch"/>, to travel with the store's own statements.</summary>
    internal void MoveQueuedTo(NpgsqlBatch batch)
    {
        foreach (var command in queued)
        {
            batch.BatchCommands.Add(command);
        }

        queued.Clear();
    }

    /// <summary>Sends the queued writes, if any.</summary>
    internal async Task FlushAsync(CancellationToken ct)
    {
        if (queued.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(Connection, Transaction);
        MoveQueuedTo(batch);
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Sends the queued writes followed by <paramref name="last"/> in one round trip; returns the rows <paramref name="last"/> affected.</summary>
    internal async Task<int> FlushWithAsync(NpgsqlBatchCommand last, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        if (AsynchronousCommit)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit = off"));
        }

        MoveQueuedTo(batch);
        batch.BatchCommands.Add(last);
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return last.RecordsAffected;
    }
}

internal sealed record ProjectionRegistration(Type Type, ProjectionLifecycle Lifecycle);
