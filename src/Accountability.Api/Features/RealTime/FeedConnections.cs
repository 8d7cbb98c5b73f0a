using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.SignalR;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// The feed connections this process holds: whose they are, which channels they are in, and whether they are
/// live yet. One lock orders the relay's work (channel moves and sends, one event at a time) against connects,
/// resumes and disconnects, which is what makes a resume gapless and duplicate-free:
/// <list type="bullet">
/// <item>A new connection is <em>held</em>: it is in its channels here but not yet in the SignalR groups, and every
/// message the relay routes to those channels is kept for it instead of sent.</item>
/// <item><c>Resume(after)</c> sends the missed messages up to a position P the relay has already passed, then the
/// held messages after P, and only then joins the SignalR groups, under the lock: nothing falls between, nothing
/// comes twice. A connection that does not resume goes live with its held messages when the resume window ends.</item>
/// <item>Channel moves (a member removed, joined, made co-coach) are applied here in log order, to every connection
/// of that member, even while it is held; a move that lands between a connect's membership look-up and its placement
/// is remembered, so the stale look-up cannot undo it.</item>
/// </list>
/// </summary>
internal sealed partial class FeedConnections(
    IHubContext<FeedHub, IFeedClient> hub,
    RealTimeSettings settings,
    TimeProvider time,
    ILogger<FeedConnections> logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, FeedConnection> connections = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, List<FeedConnection>> byMember = [];
    private readonly Dictionary<string, HashSet<FeedConnection>> heldByChannel = new(StringComparer.Ordinal);
    private readonly List<FeedConnection> waiting = [];

    /// <summary>
    /// One string per channel name for every connection in that channel: each connect's membership look-up builds
    /// its names anew, and thousands of idle connections would otherwise each hold a copy. Counted, so a name is
    /// forgotten with the last connection in it.
    /// </summary>
    private readonly Dictionary<string, (string Name, int Connections)> channelNames = new(StringComparer.Ordinal);
    private long relayPosition;

    /// <summary>Every event at or below this sequence has been routed (sent, or held for the connections not yet live).</summary>
    public long RelayPosition => Interlocked.Read(ref relayPosition);

    public void Dispose() => gate.Dispose();

    /// <summary>Where the relay starts (the head of the log at start-up).</summary>
    public void StartAt(long sequence) => Interlocked.Exchange(ref relayPosition, sequence);

    public async Task<FeedConnection> RegisterAsync(string connectionId, Guid memberId, Action abort, CancellationToken ct)
    {
        var connection = new FeedConnection(connectionId, memberId, abort, time.GetUtcNow() + settings.ResumeWindow);
        await gate.WaitAsync(ct);
        try
        {
            lock (connections)
            {
                connections[connectionId] = connection;
            }

            if (!byMember.TryGetValue(memberId, out var list))
            {
                byMember[memberId] = list = [];
            }

            list.Add(connection);
        }
        finally
        {
            gate.Release();
        }

        return connection;
    }

    public FeedConnection? Find(string connectionId)
    {
        lock (connections)
        {
            return connections.GetValueOrDefault(connectionId);
        }
    }

    /// <summary>Puts the connection in <paramref name="channels"/> (from a membership look-up), except those a later move took away.</summary>
    public async Task PlaceAsync(FeedConnection connection, IEnumerable<string> channels, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            foreach (var channel in channels)
            {
                if (connection.State != ConnectionState.Closed && connection.Revoked?.Contains(channel) != true)
                {
                    await AddChannelAsync(connection, channel);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The channels the connection is in now (a copy).</summary>
    public async Task<FeedViewer> ViewerAsync(FeedConnection connection, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            return new FeedViewer(connection.MemberId, new HashSet<string>(connection.Channels, StringComparer.Ordinal));
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Starts a resume: only once, and only while the connection is still held.</summary>
    public async Task<bool> BeginResumeAsync(FeedConnection connection, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (connection.State != ConnectionState.Held)
            {
                return false;
            }

            connection.State = ConnectionState.Resuming;
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The client has every message up to <paramref name="position"/>: it goes live now if the relay has passed
    /// that position, or else as soon as the relay reaches an event after it (a client resuming here from a
    /// process that was ahead).
    /// </summary>
    public async Task FinishResumeAsync(FeedConnection connection, long position)
    {
        await gate.WaitAsync();
        try
        {
            if (connection.State != ConnectionState.Resuming)
            {
                return;
            }

            if (RelayPosition >= position)
            {
                await GoLiveAsync(connection, position);
            }
            else
            {
                connection.State = ConnectionState.Waiting;
                connection.LiveAfter = position;
                waiting.Add(connection);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task UnregisterAsync(string connectionId)
    {
        await gate.WaitAsync();
        try
        {
            FeedConnection? connection;
            lock (connections)
            {
                connections.Remove(connectionId, out connection);
            }

            if (connection is not null)
            {
                Close(connection);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Whether this process holds no feed connection: the relay then need not route what it reads.</summary>
    public bool IsEmpty
    {
        get
        {
            lock (connections)
            {
                return connections.Count == 0;
            }
        }
    }

    /// <summary>The relay's step for one event: promote resumed connections it has now passed, move channels, send or hold each message.</summary>
    public async Task ApplyAsync(RoutedEvent routed, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            await ApplyLockedAsync(routed);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The relay's step for an event it read while this process held no connection and did not route: still nothing
    /// to do when that holds under the lock, or else routed now, so a connection registered since misses nothing.
    /// Returns the routing when there was one.
    /// </summary>
    public async Task<RoutedEvent?> ApplyUnroutedAsync(long sequence, Func<Task<RoutedEvent>> route, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(route);
        await gate.WaitAsync(ct);
        try
        {
            if (IsEmpty)
            {
                Interlocked.Exchange(ref relayPosition, Math.Max(RelayPosition, sequence));
                return null;
            }

            var routed = await route();
            await ApplyLockedAsync(routed);
            return routed;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Sends one message outside the event order (the coalesced leaderboard notices).</summary>
    public async Task PublishAsync(Delivery delivery, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            Publish(delivery);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Connections whose resume window ended without a resume go live with what was held for them.</summary>
    public async Task ReleaseExpiredHoldsAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await gate.WaitAsync(ct);
        try
        {
            List<FeedConnection> expired;
            lock (connections)
            {
                expired = connections.Values.Where(c => c.State == ConnectionState.Held && c.HoldUntil <= now).ToList();
            }

            foreach (var connection in expired)
            {
                await GoLiveAsync(connection, dropThrough: 0);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task ApplyLockedAsync(RoutedEvent routed)
    {
        for (var i = waiting.Count - 1; i >= 0; i--)
        {
            if (waiting[i].LiveAfter < routed.Sequence)
            {
                var connection = waiting[i];
                waiting.RemoveAt(i);
                await GoLiveAsync(connection, connection.LiveAfter);
            }
        }

        foreach (var change in routed.Changes)
        {
            if (!byMember.TryGetValue(change.MemberId, out var ofMember))
            {
                continue;
            }

            foreach (var connection in ofMember)
            {
                if (change.Add)
                {
                    connection.Revoked?.Remove(change.Channel);
                    await AddChannelAsync(connection, change.Channel);
                }
                else
                {
                    (connection.Revoked ??= new HashSet<string>(StringComparer.Ordinal)).Add(change.Channel);
                    await RemoveChannelAsync(connection, change.Channel);
                }
            }
        }

        foreach (var delivery in routed.Deliveries)
        {
            Publish(delivery);
        }

        Interlocked.Exchange(ref relayPosition, Math.Max(RelayPosition, routed.Sequence));
    }

    private void Publish(Delivery delivery)
    {
        var channels = delivery.Audience.Channels;
        if (channels.Count == 0)
        {
            return;
        }

        foreach (var channel in channels)
        {
            if (heldByChannel.TryGetValue(channel, out var held))
            {
                foreach (var connection in held.ToList())
                {
                    Hold(connection, delivery.Message);
                }
            }
        }

        // Held connections are not in the SignalR groups yet, so this reaches the live ones only. Not awaited: a
        // slow client must not hold up the others; each connection's writes still go out in the order made here.
        var clients = channels.Count == 1 ? hub.Clients.Group(channels[0]) : hub.Clients.Groups(channels);
        Observe(delivery.Message.SendAsync(clients));
    }

    private void Hold(FeedConnection connection, FeedMessage message)
    {
        if (connection.Held?.Count >= settings.MaxHeldMessages)
        {
            LogHoldOverflow(logger, connection.Id, settings.MaxHeldMessages);
            Close(connection);
            connection.Abort();
            return;
        }

        (connection.Held ??= []).Add(message);
    }

    private async Task GoLiveAsync(FeedConnection connection, long dropThrough)
    {
        var client = hub.Clients.Client(connection.Id);
        foreach (var message in connection.Held ?? [])
        {
            if (message.Sequence > dropThrough)
            {
                Observe(message.SendAsync(client));
            }
        }

        connection.Held = null;
        connection.State = ConnectionState.Live;
        foreach (var channel in connection.Channels)
        {
            RemoveHeld(connection, channel);
            await hub.Groups.AddToGroupAsync(connection.Id, channel);
        }
    }

    private async Task AddChannelAsync(FeedConnection connection, string channel)
    {
        if (connection.State == ConnectionState.Closed || connection.Channels.Contains(channel))
        {
            return;
        }

        channel = ShareName(channel);
        connection.Channels.Add(channel);

        if (connection.State == ConnectionState.Live)
        {
            await hub.Groups.AddToGroupAsync(connection.Id, channel);
        }
        else
        {
            if (!heldByChannel.TryGetValue(channel, out var held))
            {
                heldByChannel[channel] = held = [];
            }

            held.Add(connection);
        }
    }

    private async Task RemoveChannelAsync(FeedConnection connection, string channel)
    {
        if (!connection.Channels.Remove(channel))
        {
            return;
        }

        ReleaseName(channel);

        if (connection.State == ConnectionState.Live)
        {
            await hub.Groups.RemoveFromGroupAsync(connection.Id, channel);
        }
        else
        {
            RemoveHeld(connection, channel);
        }
    }

    private void RemoveHeld(FeedConnection connection, string channel)
    {
        if (heldByChannel.TryGetValue(channel, out var held) && held.Remove(connection) && held.Count == 0)
        {
            heldByChannel.Remove(channel);
        }
    }

    /// <summary>Forgets the connection (SignalR drops it from its groups itself when it closes).</summary>
    private void Close(FeedConnection connection)
    {
        if (connection.State == ConnectionState.Closed)
        {
            return;
        }

        foreach (var channel in connection.Channels)
        {
            RemoveHeld(connection, channel);
            ReleaseName(channel);
        }

        connection.Channels.Clear();
        connection.State = ConnectionState.Closed;
        connection.Held = null;
        waiting.Remove(connection);
        lock (connections)
        {
            connections.Remove(connection.Id);
        }

        if (byMember.TryGetValue(connection.MemberId, out var list) && list.Remove(connection) && list.Count == 0)
        {
            byMember.Remove(connection.MemberId);
        }
    }

    private string ShareName(string channel)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(channelNames, channel, out var known);
        if (!known)
        {
            entry.Name = channel;
        }

        entry.Connections++;
        return entry.Name;
    }

    private void ReleaseName(string channel)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(channelNames, channel);
        if (!Unsafe.IsNullRef(ref entry) && --entry.Connections == 0)
        {
            channelNames.Remove(channel);
        }
    }

    private void Observe(Task send)
    {
        if (send.IsCompleted)
        {
            if (send.IsFaulted)
            {
                LogSendFailed(logger, send.Exception.GetBaseException().Message);
            }

            return;
        }

        _ = send.ContinueWith(
            t => LogSendFailed(logger, t.Exception!.GetBaseException().Message),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed send failed: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed connection {ConnectionId} closed: more than {Limit} live messages held while it resumed")]
    private static partial void LogHoldOverflow(ILogger logger, string connectionId, int limit);
}

internal enum ConnectionState
{
    /// <summary>Connected; live messages are kept until it resumes or its resume window ends.</summary>
    Held,

    /// <summary>Catching up: live messages are still kept.</summary>
    Resuming,

    /// <summary>Caught up to a position the relay has not reached yet (resumed from a process that was ahead).</summary>
    Waiting,

    Live,

    Closed,
}

/// <summary>One hub connection as the relay sees it. Mutated only under <see cref="FeedConnections"/>' lock.</summary>
internal sealed class FeedConnection(string id, Guid memberId, Action abort, DateTimeOffset holdUntil)
{
    public string Id { get; } = id;

    public Guid MemberId { get; } = memberId;

    public Action Abort { get; } = abort;

    public DateTimeOffset HoldUntil { get; } = holdUntil;

    public ConnectionState State { get; set; } = ConnectionState.Held;

    public HashSet<string> Channels { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Channels a move took away since the connection registered: a stale membership look-up must not re-add them.
    /// Null until a move takes one away (as <see cref="Held"/> is until a message is held): thousands of idle
    /// connections hold neither.
    /// </summary>
    public HashSet<string>? Revoked { get; set; }

    public List<FeedMessage>? Held { get; set; }

    /// <summary>For <see cref="ConnectionState.Waiting"/>: the position the client has everything up to.</summary>
    public long LiveAfter { get; set; }

    private long callWindowStart;
    private int callsInWindow;

    /// <summary>
    /// Counts a hub call against the connection's budget of <paramref name="perMinute"/> a minute (fixed windows from
    /// the first call); false when it is spent. A client's calls run one at a time, so no lock is needed.
    /// </summary>
    public bool TryCall(DateTimeOffset now, int perMinute)
    {
        var ticks = now.UtcTicks;
        if (ticks - callWindowStart >= TimeSpan.TicksPerMinute)
        {
            callWindowStart = ticks;
            callsInWindow = 0;
        }

        return ++callsInWindow <= perMinute;
    }
}
