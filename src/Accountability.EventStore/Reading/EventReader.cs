using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.EventStore.Reading;

/// <summary>Turns event rows into <see cref="StoredEvent"/>s; the one place that knows the events table's columns.</summary>
internal sealed class EventReader(EventStoreOptions options)
{
    public const string Columns = "e.seq, e.stream_id, e.version, e.event_id, e.type, e.data::text, e.metadata::text, e.created_at";

    private readonly string s = options.QuotedSchema;

    /// <summary>Reads a <see cref="StoredEvent"/> from the row's columns starting at <paramref name="first"/>, laid out as <see cref="Columns"/>.</summary>
    public StoredEvent Read(NpgsqlDataReader reader, int first = 0)
    {
        var type = reader.GetString(first + 4);
        var json = reader.GetString(first + 5);
        return new StoredEvent(
            reader.GetInt64(first),
            reader.GetString(first + 1),
            reader.GetInt64(first + 2),
            reader.GetGuid(first + 3),
            type,
            options.Events.Deserialize(type, json, options.Json),
            ReadMetadata(reader.GetString(first + 6)),
            reader.GetFieldValue<DateTimeOffset>(first + 7));
    }

    public EventMetadata ReadMetadata(string json)
    {
        if (json.Length <= 2)
        {
            return EventMetadata.Empty;
        }

        try
        {
            return JsonSerializer.Deserialize<EventMetadata>(json, options.Json) ?? EventMetadata.Empty;
        }
        catch (JsonException)
        {
            return EventMetadata.Empty;
        }
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(NpgsqlDataSource dataSource, string streamId, long afterVersion, long? upToVersion, DateTimeOffset? asOf, CancellationToken ct)
    {
        var sql = $"SELECT {Columns} FROM {s}.events e WHERE e.stream_id = $1 AND e.version > $2";
        if (upToVersion is not null)
        {
            sql += " AND e.version <= $3";
        }

        if (asOf is not null)
        {
            sql += " AND e.created_at <= $4";
        }

        await using var command = dataSource.CreateCommand(sql + " ORDER BY e.version");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterVersion });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = upToVersion ?? long.MaxValue });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = asOf ?? DateTimeOffset.MaxValue, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            events.Add(Read(reader));
        }

        return events;
    }

    public async Task<EventPage> ReadAllAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, long afterSequence, int maxCount, IReadOnlyCollection<string>? eventTypes, CancellationToken ct)
    {
        // One statement, so the mark and the page come from one snapshot: with every append drawing its
        // sequence numbers under the append lock, nothing below max(seq) can still become visible.
        var filter = eventTypes is { Count: > 0 } ? " AND p.type = ANY ($3)" : string.Empty;
        var sql = $"""
            WITH hw AS (SELECT coalesce(max(seq), 0) AS mark FROM {s}.events)
            SELECT hw.mark, {Columns}
              FROM hw
              LEFT JOIN LATERAL (
                  SELECT p.* FROM {s}.events p
                   WHERE p.seq > $1 AND p.seq <= hw.mark{filter}
                   ORDER BY p.seq
                   LIMIT $2) e ON true
             ORDER BY e.seq
            """;
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterSequence });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxCount });
        if (eventTypes is { Count: > 0 })
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = eventTypes.ToArray() });
        }
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var events = new List<StoredEvent>();
        long mark = 0;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            mark = reader.GetInt64(0);
            if (!await reader.IsDBNullAsync(1, ct).ConfigureAwait(false))
            {
                events.Add(Read(reader, 1));
            }
        }

        return new EventPage(events, mark, events.Count >= maxCount);
    }
}
