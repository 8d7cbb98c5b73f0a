using Npgsql;

namespace Accountability.EventStore.Reading;

/// <summary>
/// The newest stretch of the log, read once and kept in memory for every reader of this process that follows the
/// head: the async projections, the feed relay and the follower each read the same events moments apart, and would
/// otherwise each fetch and deserialise them from PostgreSQL. The stretch is always complete: it holds every event
/// with a sequence number in (<c>from</c>, <c>to</c>], because it only grows by unfiltered pages read from
/// <c>to</c>, each complete up to its ceiling (ADR 2: nothing at or below a read's high-water mark can still
/// appear). A reader inside it is answered from memory, filtered by its event types; a reader at its end fetches
/// the next page for everyone; a reader behind it, or a rebuild, reads PostgreSQL as before. At most
/// <see cref="Capacity"/> events are kept (the oldest are let go first).
/// </summary>
internal sealed class EventLogTail(NpgsqlDataSource dataSource, EventReader reader, EventStoreOptions options)
{
    private readonly Lock gate = new();
    private readonly List<StoredEvent> events = [];
    private long from;
    private long to;

    /// <summary>How many events are kept: two of the daemon's pages.</summary>
    public int Capacity { get; } = options.Daemon.BatchSize * 2;

    /// <summary>The stretch kept: every event with a sequence number in (From, To].</summary>
    internal (long From, long To) Range
    {
        get
        {
            lock (gate)
            {
                return (from, to);
            }
        }
    }

    /// <summary>
    /// Reads what <see cref="EventReader.ReadAllAsync"/> would: the events after <paramref name="afterSequence"/> of
    /// the given types, at most <paramref name="maxCount"/>, complete up to the page's ceiling, and reaching the head
    /// of the log unless full. From memory where the tail covers them; otherwise on <paramref name="connection"/>, or
    /// on one of the pool's when that is null.
    /// </summary>
    public async Task<EventPage> ReadAllAsync(NpgsqlConnection? connection, long afterSequence, int maxCount, IReadOnlyCollection<string>? eventTypes, CancellationToken ct)
    {
        var found = new List<StoredEvent>();
        var position = afterSequence;
        var headReached = false;
        NpgsqlConnection? own = null;
        try
        {
            while (true)
            {
                bool atEnd;
                lock (gate)
                {
                    if (from <= position && position < to)
                    {
                        position = Take(position, maxCount, eventTypes, found);
                        if (found.Count >= maxCount)
                        {
                            return new EventPage(found, position, IsFull: true);
                        }
                    }

                    if (headReached)
                    {
                        return new EventPage(found, position, IsFull: false);
                    }

                    atEnd = AtEnd(position);
                }

                connection ??= own = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                if (!atEnd)
                {
                    // Behind the tail (or ahead of it): PostgreSQL answers, as it would without the tail.
                    var page = await reader.ReadAllAsync(connection, null, position, maxCount - found.Count, eventTypes, ct).ConfigureAwait(false);
                    found.AddRange(page.Events);
                    return new EventPage(found, page.Ceiling(position), page.IsFull);
                }

                // At the tail's end: read the next page of the log, every type, for every reader.
                var next = await reader.ReadAllAsync(connection, null, position, options.Daemon.BatchSize, null, ct).ConfigureAwait(false);
                var ceiling = next.Ceiling(position);
                if (ceiling <= position)
                {
                    return new EventPage(found, position, IsFull: false);
                }

                bool extended;
                lock (gate)
                {
                    extended = AtEnd(position);
                    if (extended)
                    {
                        if (events.Count == 0)
                        {
                            from = position;
                        }

                        events.AddRange(next.Events);
                        to = ceiling;
                        Trim();
                    }
                }

                if (!extended)
                {
                    // Another reader moved the tail meanwhile: answer from this page alone (complete up to its ceiling).
                    return Answer(next, ceiling, maxCount, eventTypes, found);
                }

                headReached = !next.IsFull;
            }
        }
        finally
        {
            if (own is not null)
            {
                await own.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Adds the kept events after <paramref name="position"/> of the given types to <paramref name="found"/>, up to <paramref name="maxCount"/> in all; returns the position reached. Under the gate.</summary>
    private long Take(long position, int maxCount, IReadOnlyCollection<string>? eventTypes, List<StoredEvent> found) =>
        AddWanted(events, FirstAfter(position), maxCount, eventTypes, found) ? found[^1].Sequence : to;

    private static EventPage Answer(EventPage page, long ceiling, int maxCount, IReadOnlyCollection<string>? eventTypes, List<StoredEvent> found) =>
        AddWanted(page.Events, 0, maxCount, eventTypes, found)
            ? new EventPage(found, found[^1].Sequence, IsFull: true)
            : new EventPage(found, ceiling, IsFull: false);

    /// <summary>Adds the events of <paramref name="source"/> from <paramref name="start"/> that are of the given types; true once <paramref name="found"/> holds <paramref name="maxCount"/>.</summary>
    private static bool AddWanted(IReadOnlyList<StoredEvent> source, int start, int maxCount, IReadOnlyCollection<string>? eventTypes, List<StoredEvent> found)
    {
        for (var i = start; i < source.Count; i++)
        {
            if (eventTypes is not { Count: > 0 } || eventTypes.Contains(source[i].EventType))
            {
                found.Add(source[i]);
                if (found.Count >= maxCount)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether a page read from <paramref name="position"/> would extend the tail (it ends there, or holds nothing). Under the gate.</summary>
    private bool AtEnd(long position) => position == to || events.Count == 0;

    private int FirstAfter(long sequence)
    {
        int low = 0, high = events.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (events[middle].Sequence <= sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private void Trim()
    {
        var excess = events.Count - Capacity;
        if (excess > 0)
        {
            // What remains starts after the last event let go, so the kept stretch stays complete.
            from = events[excess - 1].Sequence;
            events.RemoveRange(0, excess);
        }
    }
}
