namespace Accountability.EventStore;

/// <summary>Base of every error the event store raises on purpose.</summary>
public class EventStoreException : Exception
{
    public EventStoreException(string message)
        : base(message)
    {
    }

    public EventStoreException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}

/// <summary>The stream was not at the version the writer expected; nothing of the append was written.</summary>
public sealed class ConcurrencyException : EventStoreException
{
    public ConcurrencyException(string streamId, ExpectedVersion expected, long actual, string? readStreamId = null)
        : base(readStreamId is null
            ? $"Stream '{streamId}' was expected at version {expected} but is at version {actual}; nothing was appended."
            : $"The append to stream '{streamId}' read stream '{readStreamId}' at version {expected}, but it is at version {actual}; nothing was appended.")
    {
        StreamId = readStreamId ?? streamId;
        AppendedStreamId = streamId;
        Expected = expected;
        ActualVersion = actual;
    }

    /// <summary>The stream that was not at the expected version: the one appended to, or a stream the decision read.</summary>
    public string StreamId { get; }

    /// <summary>The stream the append was for.</summary>
    public string AppendedStreamId { get; }

    /// <summary>Whether a stream the decision read moved on (the appended stream itself was where expected).</summary>
    public bool IsReadConflict => !string.Equals(StreamId, AppendedStreamId, StringComparison.Ordinal);

    public ExpectedVersion Expected { get; }

    public long ActualVersion { get; }
}

/// <summary>An append the store refuses before touching the database: bad stream id, expected version, event type or size.</summary>
public sealed class InvalidAppendException : EventStoreException
{
    public InvalidAppendException(string streamId, string problem)
        : base($"Cannot append to stream '{streamId}': {problem}")
    {
        StreamId = streamId;
        Problem = problem;
    }

    public string StreamId { get; }

    public string Problem { get; }
}

/// <summary>Some of the event ids are already used by other events (another stream or another append).</summary>
public sealed class DuplicateEventIdException : EventStoreException
{
    public DuplicateEventIdException(string streamId, Exception? inner = null)
        : base($"Cannot append to stream '{streamId}': some of the event ids are already used by other events; nothing was appended.", inner)
    {
        StreamId = streamId;
    }

    public string StreamId { get; }
}

/// <summary>The database could not be reached or failed mid-way; the append's outcome is not known unless retried with the same event ids.</summary>
public sealed class EventStoreUnavailableException : EventStoreException
{
    public EventStoreUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
