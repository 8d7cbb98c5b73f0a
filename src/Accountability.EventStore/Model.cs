namespace Accountability.EventStore;

/// <summary>An event to append: the client may choose its id, so that a retried append writes nothing twice.</summary>
public sealed record EventData(Guid EventId, object Data, EventMetadata? Metadata = null)
{
    public EventData(object data, EventMetadata? metadata = null)
        : this(Guid.NewGuid(), data, metadata)
    {
    }
}

/// <summary>Who and what caused an event; stored beside it as jsonb.</summary>
public sealed record EventMetadata(
    string? CorrelationId = null,
    string? CausationId = null,
    string? UserId = null,
    string? TimeZone = null,
    IReadOnlyDictionary<string, string>? Headers = null)
{
    public static readonly EventMetadata Empty = new();
}

/// <summary>An event as stored: its place in the global log (<see cref="Sequence"/>) and in its stream (<see cref="Version"/>).</summary>
public sealed record StoredEvent(
    long Sequence,
    string StreamId,
    long Version,
    Guid EventId,
    string EventType,
    object Data,
    EventMetadata Metadata,
    DateTimeOffset Timestamp);

/// <summary>What the writer expects the stream's version to be when its append is applied.</summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(bool any, long version)
    {
        IsAny = any;
        Version = version;
    }

    /// <summary>Append whatever the stream's version (the stream row is still locked, so such appends queue).</summary>
    public static ExpectedVersion Any { get; } = new(true, 0);

    /// <summary>The stream must not exist yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(false, 0);

    public bool IsAny { get; }

    /// <summary>The exact version expected (0: the stream must not exist yet); meaningless when <see cref="IsAny"/>.</summary>
    public long Version { get; }

    /// <summary>The stream must be at exactly this version (0 means it must not exist yet).</summary>
    public static ExpectedVersion Exactly(long version) => new(false, version);

    /// <summary>The value the append function understands: -1 for any, otherwise the exact version.</summary>
    internal long WireValue => IsAny ? -1 : Version;

    public override string ToString() =>
        IsAny ? "any" : Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The outcome of an append.</summary>
/// <param name="StreamId">The stream appended to.</param>
/// <param name="Version">The stream's version after the append: the expected version for the next one.</param>
/// <param name="FirstSequence">Global sequence of the first event appended.</param>
/// <param name="LastSequence">Global sequence of the last event appended.</param>
/// <param name="AlreadyAppended">True when these event ids were already in the stream: a retry that wrote nothing.</param>
public sealed record AppendResult(string StreamId, long Version, long FirstSequence, long LastSequence, bool AlreadyAppended);

/// <summary>A stream's state folded from its events, and the version to expect when appending the decision.</summary>
/// <param name="Confirmed">
/// Whether the version was read from the database by this fetch. False for a state this process kept in memory
/// (<see cref="FetchMode.Optimistic"/>): it was true at its version, and the append's expectation finds out
/// whether it still is.
/// </param>
public sealed record StreamState<T>(string StreamId, T? State, long Version, bool Confirmed = true)
{
    public bool Exists => Version > 0;

    public ExpectedVersion ExpectedVersion => ExpectedVersion.Exactly(Version);

    /// <summary>An expectation that the stream is still at this version when another stream's append commits.</summary>
    public StreamRead AsRead() => new(StreamId, Version);
}

/// <summary>How a stream is fetched for a decision.</summary>
public enum FetchMode
{
    /// <summary>Ask the database for the stream's version and any events after the state kept in memory.</summary>
    Latest,

    /// <summary>
    /// Use the state kept in memory when there is one, without asking the database (otherwise as
    /// <see cref="Latest"/>). Only for decisions whose append expects the version fetched (the stream written, or
    /// a <see cref="StreamRead"/> for the other streams read): a stale state then fails the append with a
    /// <see cref="ConcurrencyException"/> instead of deciding on the past. Anything answered without an append
    /// (a refusal, a no-op) must be decided again on <see cref="Latest"/> states.
    /// </summary>
    Optimistic,
}

/// <summary>
/// Another stream a decision read: the append goes through only if that stream is still at <paramref name="Version"/>
/// (0: still does not exist) when it commits, so the decision never rests on a state that had already moved on.
/// </summary>
public readonly record struct StreamRead(string StreamId, long Version);

/// <summary>An event whose stored type name is not registered (a newer writer, a retired type): skipped by projections.</summary>
public sealed record UnknownEvent(string TypeName, string Json);

/// <summary>An event whose payload could not be read as its registered type: dead-lettered by projections.</summary>
public sealed record UnreadableEvent(string TypeName, string Json, string Error);
