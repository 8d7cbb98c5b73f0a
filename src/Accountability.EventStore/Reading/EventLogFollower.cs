using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Accountability.EventStore.Reading;

/// <summary>
/// Follows the log from a position as events commit, in global order and never past the safe high-water
/// mark: the building block of live feeds. It keeps no checkpoint; a consumer that restarts resumes from the
/// last sequence it handled.
/// </summary>
public sealed class EventLogFollower(IEventStore store, EventLogSignal signal, EventStoreOptions options)
{
    /// <summary>The stored type names of <paramref name="types"/>, for <see cref="FollowAsync"/>'s filter.</summary>
    public IReadOnlyList<string> TypeNames(IEnumerable<Type> types) => options.Events.NamesFor(types);

    /// <summary>
    /// The events after <paramref name="afterSequence"/>, as they commit. After a page that reached the head it waits for
    /// the next commit and for the rest of <paramref name="gather"/>'s window (none when null or zero), so that a
    /// follower with nobody waiting on it reads the events of that window as one page instead of one read per commit.
    /// </summary>
    public async IAsyncEnumerable<StoredEvent> FollowAsync(
        long afterSequence,
        IReadOnlyCollection<string>? eventTypes,
        Func<TimeSpan>? gather,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var position = afterSequence;
        while (!ct.IsCancellationRequested)
        {
            var pulse = signal.NextPulse;
            var started = Stopwatch.GetTimestamp();
            var page = await store.ReadAllAsync(position, options.Daemon.BatchSize, eventTypes, ct).ConfigureAwait(false);
            foreach (var e in page.Events)
            {
                yield return e;
            }

            position = Math.Max(position, page.Ceiling(position));
            if (!page.IsFull)
            {
                await EventLogSignal.WaitForNextPageAsync(pulse, options.Daemon.PollInterval, started, gather?.Invoke() ?? TimeSpan.Zero, ct).ConfigureAwait(false);
            }
        }
    }
}
