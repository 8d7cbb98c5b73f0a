using System.Threading.Channels;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Accountability.EventStore.Reading;
using Npgsql;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// The relay of this process: follows the event log from its head at start-up, in order and never past the safe
/// high-water mark (woken by this process's appends and by NOTIFY from the others), routes each event and pushes
/// it to the connections this process holds. Every process runs one; the log is the backplane. It keeps no
/// checkpoint: a push lost to a restart is recovered by the client's resume.
/// </summary>
/// <remarks>
/// Routing (read-model look-ups) runs ahead for up to <see cref="RealTimeSettings.RoutingLookahead"/> events in
/// parallel; the events are then applied strictly in order.
/// </remarks>
internal sealed partial class FeedRelay(
    IEventStore store,
    EventLogFollower follower,
    FeedRouter router,
    FeedConnections connections,
    LeaderboardNotices leaderboards,
    IProjectionAdmin projections,
    RealTimeSettings settings,
    EventStoreOptions storeOptions,
    ILogger<FeedRelay> logger) : BackgroundService
{
    private readonly IReadOnlyList<string> typeNames = follower.TypeNames(FeedRouter.EventTypes);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the server accepts connections, so a resume never waits on a relay that has not started.
        connections.StartAt(await store.ReadHighWaterMarkAsync(cancellationToken));
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ticks = TickAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RelayAsync(connections.RelayPosition, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                LogRelayInterrupted(logger, connections.RelayPosition, ex.Message);
                await DelayAsync(storeOptions.Daemon.RetryDelay, stoppingToken);
            }
        }

        await ticks;
    }

    private async Task RelayAsync(long after, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var routed = Channel.CreateBounded<(StoredEvent Event, Task<RoutedEvent>? Routing)>(
            new BoundedChannelOptions(Math.Max(1, settings.RoutingLookahead)) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(
            async () =>
            {
                try
                {
                    // While this process holds no connection, events are read a window at a time and not routed.
                    var idlePace = () => connections.IsEmpty ? storeOptions.Daemon.BatchWindow : TimeSpan.Zero;
                    await foreach (var stored in follower.FollowAsync(after, typeNames, idlePace, stop.Token))
                    {
                        // In log order, before any later event's routing starts: its look-ups then see this event's effect.
                        router.Observe(stored);
                        var routing = connections.IsEmpty ? null : router.RouteAsync(stored, stop.Token);
                        await routed.Writer.WriteAsync((stored, routing), stop.Token);
                    }

                    routed.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    routed.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var (stored, routing) in routed.Reader.ReadAllAsync(stop.Token))
            {
                RoutedEvent? result;
                if (routing is null)
                {
                    result = await connections.ApplyUnroutedAsync(stored.Sequence, () => RoutedAsync(stored, router.RouteAsync(stored, stop.Token), stop.Token), stop.Token);
                }
                else
                {
                    result = await RoutedAsync(stored, routing, stop.Token);
                    await connections.ApplyAsync(result, stop.Token);
                }

                if (result?.LeaderboardGroup is { } group)
                {
                    leaderboards.Changed(group, result.Sequence);
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await reading;
        }
    }

    /// <summary>The routing of one event; retried while the database is away, skipped (and logged) only if routing itself is broken.</summary>
    private async Task<RoutedEvent> RoutedAsync(StoredEvent stored, Task<RoutedEvent> routing, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await routing;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException && !ct.IsCancellationRequested)
            {
                LogRoutingRetry(logger, stored.Sequence, ex.Message);
                await DelayAsync(storeOptions.Daemon.RetryDelay, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && attempt >= 2)
            {
                LogRoutingFailed(logger, ex, stored.Sequence, stored.EventType);
                return RoutedEvent.Nothing(stored.Sequence);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await DelayAsync(storeOptions.Daemon.RetryDelay, ct);
            }

            routing = router.RouteAsync(stored, ct);
        }
    }

    /// <summary>Releases expired holds and sends due leaderboard notices, a few times a second.</summary>
    private async Task TickAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await connections.ReleaseExpiredHoldsAsync(ct);
                if (leaderboards.HasPending)
                {
                    long applied;
                    try
                    {
                        applied = await projections.GetPositionAsync(CohortProgressProjection.ProjectionName, ct);
                    }
                    catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
                    {
                        // The database is unreachable: notices wait for the next tick (or their longest hold).
                        applied = 0;
                    }

                    foreach (var delivery in leaderboards.Due(applied))
                    {
                        await connections.PublishAsync(delivery, ct);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed relay interrupted after sequence {Sequence} ({Reason}); resuming")]
    private static partial void LogRelayInterrupted(ILogger logger, long sequence, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed routing of event {Sequence} failed ({Reason}); retrying")]
    private static partial void LogRoutingRetry(ILogger logger, long sequence, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed routing of event {Sequence} ({EventType}) keeps failing; it is skipped")]
    private static partial void LogRoutingFailed(ILogger logger, Exception exception, long sequence, string eventType);
}

/// <summary>
/// Coalesces leaderboard changes: at most one <c>leaderboardChanged</c> per group per
/// <see cref="RealTimeSettings.LeaderboardInterval"/>, sent once the leaderboards' read model (the cohort projection)
/// includes the change, so that a client that reads the board when told reads the new one; carrying the last event
/// that changed the board and that the read model includes. A notice waits at most
/// <see cref="RealTimeSettings.LeaderboardMaxHold"/>.
/// </summary>
internal sealed class LeaderboardNotices(RealTimeSettings settings, TimeProvider time)
{
    private readonly Dictionary<Guid, Notice> groups = [];

    /// <summary>Whether some group has a change not yet announced.</summary>
    public bool HasPending
    {
        get
        {
            lock (groups)
            {
                return groups.Values.Any(n => n.Pending is not null);
            }
        }
    }

    public void Changed(Guid groupId, long sequence)
    {
        lock (groups)
        {
            var notice = groups.GetValueOrDefault(groupId) ?? new Notice { LastSent = DateTimeOffset.MinValue };
            notice.Pending ??= (sequence, time.GetUtcNow());
            notice.Latest = sequence;
            groups[groupId] = notice;
        }
    }

    /// <summary>The notices due now, given that the leaderboards' read model includes the log up to <paramref name="applied"/>.</summary>
    public IReadOnlyList<Delivery> Due(long applied)
    {
        var now = time.GetUtcNow();
        var due = new List<Delivery>();
        lock (groups)
        {
            foreach (var (groupId, notice) in groups.ToList())
            {
                if (notice.Pending is not { } pending)
                {
                    if (now - notice.LastSent >= settings.LeaderboardInterval)
                    {
                        groups.Remove(groupId);
                    }

                    continue;
                }

                if (now - notice.LastSent < settings.LeaderboardInterval)
                {
                    continue;
                }

                if (notice.Latest <= applied || now - pending.Since >= settings.LeaderboardMaxHold)
                {
                    // Everything changed so far is in the read model (or has waited long enough).
                    due.Add(new Delivery(Audience.Group(groupId), new LeaderboardChangedMessage(notice.Latest, groupId)));
                    notice.Pending = null;
                    notice.LastSent = now;
                }
                else if (pending.Sequence <= applied)
                {
                    // The first change is in; later ones are not yet: announce what is in, and wait for the latest.
                    due.Add(new Delivery(Audience.Group(groupId), new LeaderboardChangedMessage(pending.Sequence, groupId)));
                    notice.Pending = (notice.Latest, now);
                    notice.LastSent = now;
                }
            }
        }

        return due;
    }

    private sealed class Notice
    {
        public (long Sequence, DateTimeOffset Since)? Pending { get; set; }

        public long Latest { get; set; }

        public DateTimeOffset LastSent { get; set; }
    }
}
