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

    public async IAsyncEnumerable<StoredEvent> FollowAsync(
        long afterSequence,
        IReadOnlyCollection<string>? eventTypes,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var position = afterSequence;
        while (!ct.IsCancellationRequested)
        {
            var pulse = signal.NextPulse;
            var page = await store.ReadAllAsync(position, options.Daemon.BatchSize, eventTypes, ct).ConfigureAwait(false);
            foreach (var e in page.Events)
            {
                yield return e;
            }

            var ceiling = page.Ceiling(position);
            if (ceiling > position)
            {
                position = ceiling;
                continue;
            }

            await EventLogSignal.WaitAsync(pulse, options.Daemon.PollInterval, ct).ConfigureAwait(false);
        }
    }
}
