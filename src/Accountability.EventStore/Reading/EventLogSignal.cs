using System.Diagnostics;

namespace Accountability.EventStore.Reading;

/// <summary>
/// Wakes the readers of the log (daemon agents, live tails) when new events may be there: pulsed by this
/// process's own appends and by NOTIFY from other processes. Only a wake-up: readers still read by sequence.
/// </summary>
public sealed class EventLogSignal
{
    private TaskCompletionSource next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long latest;

    /// <summary>The highest sequence announced so far (0 when none).</summary>
    public long Latest => Interlocked.Read(ref latest);

    /// <summary>
    /// A task that completes at the next pulse. Take it before reading the log, then wait on it when the read
    /// came back empty, so that a pulse between the read and the wait is not missed.
    /// </summary>
    public Task NextPulse => Volatile.Read(ref next).Task;

    public void Pulse(long sequence = 0)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref latest);
        }
        while (sequence > current && Interlocked.CompareExchange(ref latest, sequence, current) != current);

        var previous = Interlocked.Exchange(ref next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }

    /// <summary>
    /// Between two pages of a reader that has caught up: waits for <paramref name="pulse"/> (taken from
    /// <see cref="NextPulse"/> before the last read) or the timeout, then for the rest of <paramref name="window"/> since
    /// the last read began (taken with <see cref="Stopwatch.GetTimestamp"/>), so that what commits meanwhile is read as one
    /// page. The first event after a spell longer than the window is read at once.
    /// </summary>
    public static async Task WaitForNextPageAsync(Task pulse, TimeSpan timeout, long readStarted, TimeSpan window, CancellationToken ct)
    {
        await WaitAsync(pulse, timeout, ct).ConfigureAwait(false);
        var rest = window - Stopwatch.GetElapsedTime(readStarted);
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for <paramref name="pulse"/> (taken from <see cref="NextPulse"/>) or the timeout, whichever comes first.</summary>
    public static async Task WaitAsync(Task pulse, TimeSpan timeout, CancellationToken ct)
    {
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timer = Task.Delay(timeout, delay.Token);
        await Task.WhenAny(pulse, timer).ConfigureAwait(false);
        await delay.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }
}
