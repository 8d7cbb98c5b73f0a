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
}

/// <summary>A durable consumer of the log (for example an outbox relay): it runs outside the projection transaction.</summary>
public interface ISubscription
{
    string Name { get; }

    IReadOnlyCollection<Type> EventTypes { get; }

    /// <summary>Handles a page of events. Throwing makes the page be retried event by event; an event that still fails is dead-lettered.</summary>
    Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct);
}

/// <summary>The transaction a projection writes in.</summary>
public sealed class ProjectionContext(NpgsqlConnection connection, NpgsqlTransaction transaction, bool isRebuild)
{
    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    /// <summary>True while the projection is being rebuilt from the start of the log.</summary>
    public bool IsRebuild { get; } = isRebuild;

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    public NpgsqlBatch CreateBatch() => new(Connection, Transaction);
}

internal sealed record ProjectionRegistration(Type Type, ProjectionLifecycle Lifecycle);
