namespace Accountability.Api.Features.RealTime;

/// <summary>Configuration section <c>RealTime</c>: the feed hub's limits and timings.</summary>
public sealed class RealTimeSettings
{
    public const string Section = "RealTime";

    /// <summary>
    /// How long a new connection waits for its <c>Resume</c> call before it goes live without one. Live messages
    /// are held for it meanwhile, so a client that resumes gets the missed ones first and nothing twice.
    /// </summary>
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The furthest behind (in log positions) a client may resume from. Further behind, it is told to reload the
    /// feed over REST and continues live from now: scanning the log for it would cost more than the reload.
    /// </summary>
    public int MaxCatchUpEvents { get; set; } = 10_000;

    /// <summary>Live messages held for one connection while it resumes; past this the connection is closed (it reconnects and resumes).</summary>
    public int MaxHeldMessages { get; set; } = 5_000;

    /// <summary>Default and largest page of <c>GET /api/v1/feed/updates</c>.</summary>
    public int DefaultPageSize { get; set; } = 200;

    public int MaxPageSize { get; set; } = 1_000;

    /// <summary>At most one <c>leaderboardChanged</c> per group per interval.</summary>
    public TimeSpan LeaderboardInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Longest a <c>leaderboardChanged</c> waits for the leaderboards' read model to include its change (when no
    /// process is applying it, the notice goes out anyway).
    /// </summary>
    public TimeSpan LeaderboardMaxHold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>WebSocket (upgraded) connections one process accepts; Kestrel refuses more.</summary>
    public long MaxConnections { get; set; } = 10_000;

    /// <summary>Largest message a client may send (hub invocations here are a few dozen bytes).</summary>
    public long MaxReceiveMessageBytes { get; set; } = 4 * 1024;

    /// <summary>
    /// Hub calls one connection may make in a minute (<c>Resume</c>, <c>Join</c>); past that a call is refused until the
    /// minute is over. A client calls a few times per connection; this only stops one that loops.
    /// </summary>
    public int MaxInvocationsPerMinute { get; set; } = 60;

    /// <summary>Events routed ahead of the one being sent (their read-model look-ups run in parallel; sends stay in order).</summary>
    public int RoutingLookahead { get; set; } = 64;
}
