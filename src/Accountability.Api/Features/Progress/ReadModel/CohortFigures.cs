using Accountability.Domain.CoachViews;
using Accountability.Domain.Goals;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Partners;
using Accountability.Domain.Progress;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>
/// What the domain says about one member of a group at one instant: the figures behind the coach dashboard, the
/// "who needs me today" queue, the leaderboards and partner pair health. Stored per step in
/// <c>rm.progress_member_steps</c>; computed on the fly, by the same code, for a member whose steps have run out.
/// </summary>
/// <param name="Today">The member's local date at the instant.</param>
/// <param name="Paused">A declared pause covers today.</param>
/// <param name="Last14">Consistency over the last 14 days, all goals in the group (pair health).</param>
/// <param name="Boards">Leaderboard entries per window, over the member's goals visible to the whole group.</param>
/// <param name="Queue">The coach queue's input for the member (the queue itself is built at query time).</param>
internal sealed record MemberFigures(
    DateOnly Today,
    bool Paused,
    DateTimeOffset? LastCheckInAt,
    Consistency Last7,
    Consistency Last14,
    Consistency Last28,
    IReadOnlyList<GoalFigures> Goals,
    IReadOnlyList<BoardFigures> Boards,
    CoachQueueMember Queue)
{
    public BoardFigures Board(LeaderboardWindow window) =>
        Boards.FirstOrDefault(b => b.Window == window) ?? new BoardFigures(window, Consistency.None, 0, null);
}

/// <summary>One goal's figures at the instant.</summary>
internal sealed record GoalFigures(
    Guid GoalId,
    string Title,
    GoalStatus Status,
    GoalVisibility Visibility,
    StreakUnit Unit,
    int CurrentStreak,
    DateOnly? CurrentSince,
    int BestStreak,
    Consistency Last7,
    Consistency Last28,
    int TrailingMissed,
    DateTimeOffset? LastCheckInAt,
    Guid? OpenStuckCheckInId);

/// <summary>A member's leaderboard entry for one window (opt-out is applied when the board is ranked).</summary>
internal sealed record BoardFigures(LeaderboardWindow Window, Consistency Consistency, int CurrentStreak, DateTimeOffset? StreakReachedAt);

/// <summary>A partner pair's streak at the instant (see <see cref="PairStreakCalculator"/>).</summary>
internal sealed record PairFigures(int Current, int Best, DateOnly? CurrentSince, DateOnly? AtRiskDate, DateTimeOffset? SaveBy, Guid? WaitingFor)
{
    public static PairFigures From(PairStreak streak)
    {
        ArgumentNullException.ThrowIfNull(streak);
        return new PairFigures(streak.Current, streak.Best, streak.CurrentSince, streak.AtRiskDate, CohortCalculator.Stored(streak.SaveBy), streak.WaitingFor);
    }

    public PairStreak ToStreak() => new(Current, Best, CurrentSince, AtRiskDate, SaveBy, WaitingFor);
}

/// <summary>A figure valid over [<see cref="From"/>, <see cref="To"/>): nothing the domain computes changes inside it without a new event.</summary>
internal sealed record Step<T>(DateTimeOffset From, DateTimeOffset To, T Figures);
