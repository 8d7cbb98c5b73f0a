using System.Text.Json;
using Accountability.EventStore.Appending;
using Accountability.EventStore.Reading;
using Npgsql;

namespace Accountability.EventStore;

/// <summary>The PostgreSQL event store: validates and serializes appends, hands them to the group-commit writer, reads streams and the log.</summary>
internal sealed class EventStore(
    NpgsqlDataSource dataSource,
    EventStoreOptions options,
    EventReader reader,
    EventLogTail tail,
    StreamStateCache states,
    AppendWriter writer) : IEventStore
{
    public Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken ct = default)
    {
        var pending = new PendingAppend(streamId, expected, Validate(streamId, expected, events), [], ct);
        return writer.EnqueueAsync(pending).WaitAsync(ct);
    }

    public async Task<AppendResult> AppendDecisionAsync<T>(StreamState<T> fetched, Func<T?, object, T?> evolve, IReadOnlyList<EventData> events, IReadOnlyList<StreamRead>? reads = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        ArgumentNullException.ThrowIfNull(evolve);
        var serialized = Validate(fetched.StreamId, fetched.ExpectedVersion, events);
        foreach (var read in reads ?? [])
        {
            StreamIds.Validate(read.StreamId);
            if (read.Version < 0)
            {
                throw new InvalidAppendException(fetched.StreamId, $"the version {read.Version} read from stream '{read.StreamId}' is negative.");
            }
        }

        var pending = new PendingAppend(fetched.StreamId, fetched.ExpectedVersion, serialized, reads ?? [], ct);
        var result = await writer.EnqueueAsync(pending).WaitAsync(ct).ConfigureAwait(false);
        if (!result.AlreadyAppended)
        {
            // Appended right after the fetched version: the decision's events fold the fetched state to the new one.
            states.Put(fetched.StreamId, evolve, result.Version, events.Aggregate(fetched.State, (state, e) => evolve(state, e.Data)));
        }

        return result;
    }

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long afterVersion = 0, CancellationToken ct = default) =>
        reader.ReadStreamAsync(dataSource, streamId, afterVersion, upToVersion: null, asOf: null, ct);

    public Task<StreamState<T>> FetchForWritingAsync<T>(string streamId, Func<T?, object, T?> evolve, CancellationToken ct = default) =>
        FetchForWritingAsync(streamId, evolve, FetchMode.Latest, ct);

    public async Task<StreamState<T>> FetchForWritingAsync<T>(string streamId, Func<T?, object, T?> evolve, FetchMode mode, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(evolve);
        var (knownVersion, knownState) = states.Get(streamId, evolve);
        if (mode == FetchMode.Optimistic && knownVersion > 0)
        {
            return new StreamState<T>(streamId, knownState, knownVersion, Confirmed: false);
        }

        // The version comes from the stream row read in the same statement as the events: one snapshot. Only the
        // events after a state already folded are read.
        var sql = $"""
            SELECT st.version, {EventReader.Columns}
              FROM {options.QuotedSchema}.streams st
              LEFT JOIN {options.QuotedSchema}.events e ON e.stream_id = st.id AND e.version > $2
             WHERE st.id = $1
             ORDER BY e.version
            """;
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = knownVersion });
        await using var rows = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var state = knownState;
        long version = 0;
        while (await rows.ReadAsync(ct).ConfigureAwait(false))
        {
            version = rows.GetInt64(0);
            if (!await rows.IsDBNullAsync(1, ct).ConfigureAwait(false))
            {
                state = evolve(state, reader.Read(rows, 1).Data);
            }
        }

        if (version == 0)
        {
            // No such stream (it never had an event): nothing to start from.
            return new StreamState<T>(streamId, default, 0);
        }

        states.Put(streamId, evolve, version, state);
        return new StreamState<T>(streamId, state, version);
    }

    public async Task<T?> AggregateStreamAsync<T>(string streamId, Func<T?, object, T?> evolve, long? upToVersion = null, DateTimeOffset? asOf = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(evolve);
        if (upToVersion is not null || asOf is not null)
        {
            var past = await reader.ReadStreamAsync(dataSource, streamId, 0, upToVersion, asOf, ct).ConfigureAwait(false);
            return past.Aggregate(default(T), (state, e) => evolve(state, e.Data));
        }

        var (version, current) = states.Get(streamId, evolve);
        var events = await reader.ReadStreamAsync(dataSource, streamId, version, null, null, ct).ConfigureAwait(false);
        if (events.Count == 0)
        {
            return current;
        }

        current = events.Aggregate(current, (state, e) => evolve(state, e.Data));
        states.Put(streamId, evolve, events[^1].Version, current);
        return current;
    }

    public async Task<EventPage> ReadAllAsync(long afterSequence, int maxCount, IReadOnlyCollection<string>? eventTypes = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return await tail.ReadAllAsync(connection: null, afterSequence, maxCount, eventTypes, ct).ConfigureAwait(false);
    }

    public async Task<long> ReadHighWaterMarkAsync(CancellationToken ct = default)
    {
        await using var command = dataSource.CreateCommand($"SELECT coalesce(max(seq), 0) FROM {options.QuotedSchema}.events");
        return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private List<SerializedEvent> Validate(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events)
    {
        StreamIds.Validate(streamId);
        if (!expected.IsAny && expected.Version < 0)
        {
            throw new InvalidAppendException(streamId, $"the expected version {expected.Version} is negative; expect 0 for a new stream or the stream's current version.");
        }

        if (events is null || events.Count == 0)
        {
            throw new InvalidAppendException(streamId, "there are no events to append.");
        }

        if (events.Count > options.MaxEventsPerAppend)
        {
            throw new InvalidAppendException(streamId, $"{events.Count} events in one append is over the limit of {options.MaxEventsPerAppend}.");
        }

        var serialized = new List<SerializedEvent>(events.Count);
        var ids = new HashSet<Guid>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new InvalidAppendException(streamId, $"event {i} is null.");
            if (e.Data is null)
            {
                throw new InvalidAppendException(streamId, $"event {i} has no data.");
            }

            if (e.EventId == Guid.Empty || !ids.Add(e.EventId))
            {
                throw new InvalidAppendException(streamId, $"event {i} has an empty or repeated event id {e.EventId}.");
            }

            var type = e.Data.GetType();
            var name = options.Events.NameOf(type)
                ?? throw new InvalidAppendException(streamId, $"event {i} is of type {type.FullName}, which is not registered with the event store.");
            var json = JsonSerializer.Serialize(e.Data, type, options.Json);
            var metadata = e.Metadata ?? EventMetadata.Empty;
            var metadataJson = JsonSerializer.Serialize(metadata, options.Json);
            var size = System.Text.Encoding.UTF8.GetByteCount(json) + System.Text.Encoding.UTF8.GetByteCount(metadataJson);
            if (size > options.MaxEventBytes)
            {
                throw new InvalidAppendException(streamId, $"event {i} ({name}) is {size} bytes, over the limit of {options.MaxEventBytes} bytes.");
            }

            serialized.Add(new SerializedEvent(e.EventId, name, e.Data, json, metadata, metadataJson));
        }

        return serialized;
    }
}
