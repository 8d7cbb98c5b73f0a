namespace Accountability.EventStore;

/// <summary>
/// The write and read API of the event store: fetch a stream for writing, decide, append with the version
/// fetched; read streams and the global log.
/// </summary>
public interface IEventStore
{
    /// <summary>
    /// Appends <paramref name="events"/> to <paramref name="streamId"/> atomically, if the stream is at
    /// <paramref name="expected"/>. Inline projections are applied in the same transaction. Retrying with
    /// the same event ids writes nothing twice and returns the first append's result.
    /// </summary>
    /// <exception cref="ConcurrencyException">The stream was at another version; nothing was written.</exception>
    /// <exception cref="InvalidAppendException">Malformed stream id, negative expected version, unregistered event type, event too large.</exception>
    /// <exception cref="DuplicateEventIdException">Some event ids are used by other events.</exception>
    /// <exception cref="EventStoreUnavailableException">The database could not be reached.</exception>
    Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken ct = default);

    /// <summary>
    /// Appends a decision made on <paramref name="fetched"/>: as <see cref="AppendAsync"/> with the fetched version
    /// expected, and only if every stream in <paramref name="reads"/> (the other streams the decision read) is still
    /// at the version read. The state the events fold <paramref name="fetched"/> to is kept in memory at the new
    /// version, so the next fetch of the stream in this process starts from it.
    /// </summary>
    /// <exception cref="ConcurrencyException">
    /// The stream, or one of <paramref name="reads"/> (<see cref="ConcurrencyException.IsReadConflict"/>), was at
    /// another version; nothing was written.
    /// </exception>
    Task<AppendResult> AppendDecisionAsync<T>(StreamState<T> fetched, Func<T?, object, T?> evolve, IReadOnlyList<EventData> events, IReadOnlyList<StreamRead>? reads = null, CancellationToken ct = default);

    /// <summary>The stream's events after <paramref name="afterVersion"/>, in version order (empty when the stream does not exist).</summary>
    Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken ct = default);

    /// <summary>
    /// Folds the stream with <paramref name="evolve"/> and returns the state with the version read in the same
    /// statement: append the decision with <see cref="StreamState{T}.ExpectedVersion"/>. States are kept by version
    /// in memory (<see cref="EventStoreOptions.StreamStateCacheSize"/>) and only newer events are folded onto them,
    /// so <paramref name="evolve"/> must return new states and never change the one it is given.
    /// </summary>
    Task<StreamState<T>> FetchForWritingAsync<T>(string streamId, Func<T?, object, T?> evolve, CancellationToken ct = default);

    /// <summary>
    /// As <see cref="FetchForWritingAsync{T}(string, Func{T, object, T}, CancellationToken)"/>; with
    /// <see cref="FetchMode.Optimistic"/> a state kept in memory is returned without asking the database
    /// (<see cref="StreamState{T}.Confirmed"/> false), for a decision whose append checks it.
    /// </summary>
    Task<StreamState<T>> FetchForWritingAsync<T>(string streamId, Func<T?, object, T?> evolve, FetchMode mode, CancellationToken ct = default);

    /// <summary>
    /// Live aggregation: the stream folded up to <paramref name="upToVersion"/> or to events recorded at or before
    /// <paramref name="asOf"/>. The latest state (neither given) comes from the same in-memory states as
    /// <see cref="FetchForWritingAsync{T}"/>, with the same rule for <paramref name="evolve"/>.
    /// </summary>
    Task<T?> AggregateStreamAsync<T>(string streamId, Func<T?, object, T?> evolve, long? upToVersion = null, DateTimeOffset? asOf = null, CancellationToken ct = default);

    /// <summary>
    /// A page of the global log after <paramref name="afterSequence"/>, never past the safe high-water mark
    /// (every event at or below it is committed or will never exist), read in one statement with the mark.
    /// </summary>
    Task<EventPage> ReadAllAsync(long afterSequence, int maxCount, IReadOnlyCollection<string>? eventTypes = null, CancellationToken ct = default);

    /// <summary>The safe high-water mark: the highest committed global sequence.</summary>
    Task<long> ReadHighWaterMarkAsync(CancellationToken ct = default);
}

/// <summary>A page of the global log, and the high-water mark read with it.</summary>
/// <param name="Events">Events in global order.</param>
/// <param name="HighWaterMark">Every sequence at or below it is settled: committed and visible, or never to exist.</param>
/// <param name="IsFull">Whether the page was cut at its size: more events may follow before the mark.</param>
public sealed record EventPage(IReadOnlyList<StoredEvent> Events, long HighWaterMark, bool IsFull)
{
    /// <summary>The position a reader has safely reached after this page.</summary>
    public long Ceiling(long afterSequence) =>
        IsFull ? Events[^1].Sequence : Math.Max(afterSequence, HighWaterMark);
}
