namespace Accountability.Domain.Leaderboards;

/// <summary>What a board ranks by. Values are stored in events: never renumber.</summary>
public enum LeaderboardBasis
{
    /// <summary>Done / due against each member's own plan: a newcomer and a veteran compete fairly.</summary>
    Consistency = 0,

    /// <summary>Done units in the window (effort count), for cohorts that want it.</summary>
    DoneCount = 1,
}

/// <summary>
/// The versioned rule a group's boards are computed with. Boards are projections, so a new version
/// recomputes every window from history instead of applying "from now on".
/// </summary>
/// <param name="Version">1 for the rule a group is created with, then +1 per change.</param>
/// <param name="MinimumDue">Members with fewer due units than this in a window are listed unranked.</param>
public sealed record LeaderboardRule(int Version, LeaderboardBasis Basis, int MinimumDue)
{
    public const int MaxMinimumDue = 28;

    public static LeaderboardRule Default { get; } = new(1, LeaderboardBasis.Consistency, 3);
}

/// <summary>A rule version with the instant it took effect.</summary>
public sealed record LeaderboardRuleVersion(LeaderboardRule Rule, DateTimeOffset EffectiveAt);
