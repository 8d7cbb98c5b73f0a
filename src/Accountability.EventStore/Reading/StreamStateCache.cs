using System.Collections.Concurrent;

namespace Accountability.EventStore.Reading;

/// <summary>
/// Folded stream states kept by version, so that reading a stream for writing or aggregating it again reads and
/// folds only the events appended since (usually none). Events are never changed or removed, so a state folded up
/// to version N stays true: every read still asks the database for what came after N, and a state cached by
/// another process's view is never trusted beyond that. Keyed by stream and fold function (the same stream can be
/// folded into different states). Bounded: past <see cref="EventStoreOptions.StreamStateCacheSize"/> entries the
/// least recently used quarter is dropped. Requires fold functions that never mutate the state they are given.
/// </summary>
internal sealed class StreamStateCache(EventStoreOptions options)
{
    private readonly ConcurrentDictionary<(string StreamId, Delegate Evolve), Entry> entries = new();
    private readonly Lock trimming = new();
    private long clock;
    private int count;

    /// <summary>The state kept for the stream and fold, and the version it was folded to; version 0 when none is kept.</summary>
    public (long Version, T? State) Get<T>(string streamId, Func<T?, object, T?> evolve)
    {
        if (options.StreamStateCacheSize > 0 && entries.TryGetValue((streamId, evolve), out var entry))
        {
            entry.LastUsed = Interlocked.Increment(ref clock);
            return (entry.Version, (T?)entry.State);
        }

        return (0, default);
    }

    public void Put<T>(string streamId, Func<T?, object, T?> evolve, long version, T? state)
    {
        if (options.StreamStateCacheSize <= 0 || version <= 0)
        {
            return;
        }

        var key = (streamId, (Delegate)evolve);
        var entry = new Entry(version, state) { LastUsed = Interlocked.Increment(ref clock) };

        if (entries.TryAdd(key, entry))
        {
            // Counted here (exact again after each trim) rather than with the dictionary's Count, which takes all its locks.
            if (Interlocked.Increment(ref count) > options.StreamStateCacheSize)
            {
                Trim();
            }

            return;
        }

        // Never replace a state with an older one (two readers racing): both are true, the newer saves a fold.
        entries.AddOrUpdate(key, entry, (_, current) => current.Version > version ? current : entry);
    }

    private void Trim()
    {
        if (!trimming.TryEnter())
        {
            return;
        }

        try
        {
            // ToArray is the dictionary's own snapshot: safe while other threads add and remove.
            var snapshot = entries.ToArray();
            var drop = snapshot.Length - (options.StreamStateCacheSize * 3 / 4);
            foreach (var stale in snapshot.OrderBy(e => e.Value.LastUsed).Take(drop))
            {
                entries.TryRemove(stale);
            }

            Interlocked.Exchange(ref count, entries.Count);
        }
        finally
        {
            trimming.Exit();
        }
    }

    private sealed class Entry(long version, object? state)
    {
        public long Version { get; } = version;

        public object? State { get; } = state;

        public long LastUsed { get; set; }
    }
}
