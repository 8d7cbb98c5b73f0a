using Accountability.Domain.CoachViews;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Members;
using Accountability.Domain.Partners;
using Accountability.Domain.Progress;
using Accountability.Domain.Time;
using Boards = Accountability.Domain.Leaderboards.LeaderboardRanking;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>Everything the domain needs to compute one member's figures in one group.</summary>
/// <param name="Person">The member's own zone history and pauses (null: never set a zone, never paused).</param>
/// <param name="Goals">The member's goals in the group.</param>
/// <param name="AnsweredStuck">Stuck check-ins that staff or a partner have answered with a comment.</param>
internal sealed record MemberInputs(Group Group, Membership Membership, Member? Person, IReadOnlyList<Goal> Goals, IReadOnlySet<Guid> AnsweredStuck)
{
    public DayClock Clock { get; } = DayClock.For(Group, Person);

    public IReadOnlyCollection<Pause> Pauses => Person?.Pauses.Values is { } pauses ? [.. pauses] : [];
}

/// <summary>
/// Turns domain state into the read model's figures by calling the domain: <see cref="ProgressCalculator"/> for each
/// goal, <see cref="Boards.EntryFor"/> for board entries, <see cref="CoachQueue.FromProgress"/> for the queue's
/// input, <see cref="PairStreakCalculator"/> for pairs. Nothing here decides a rule; it only chooses the instants.
/// </summary>
/// <remarks>
/// The domain's answers depend on time only through the member's local days: which date is today (it changes at a
/// day's start) and which periods have closed (at a day's close, midnight plus grace). Between two such instants,
/// with no new event, every figure stays the same. So the projection computes the figures at the event's instant and
/// at each start and close over the next <see cref="Horizon"/>, and a query picks the step that covers its "now".
/// </remarks>
internal static class CohortCalculator
{
    /// <summary>How far ahead steps are computed: members who act at least every other day never need a computation at query time.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromHours(48);

    /// <summary>How far back check-in instants feed the member's usual gap (see <see cref="CoachQueue.UsualGap"/>).</summary>
    public const int UsualGapDays = 28;

    private static readonly LeaderboardWindow[] Windows = [LeaderboardWindow.ThisWeek, LeaderboardWindow.Rolling4Weeks, LeaderboardWindow.AllTime];

    public static MemberFigures FiguresAt(MemberInputs inputs, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        at = at.ToUniversalTime();
        var pauses = inputs.Pauses;
        var progress = inputs.Goals
            .OrderBy(g => g.SetAt).ThenBy(g => g.Id)
            .Select(g => ProgressCalculator.Compute(g, inputs.Clock, pauses, at))
            .ToList();
        var today = inputs.Clock.AsOf(at).Today(at);
        var paused = pauses.Any(p => p.Covers(today, at));

        var last7 = Sum(progress.Select(p => p.Last7));
        var last28 = Sum(progress.Select(p => p.Last28));
        var last14 = Sum(progress.Select(p => p.ConsistencyBetween(p.Today.AddDays(-13), p.Today)));

        // The board counts only goals the whole group may see, so a private goal never shows through a rank.
        var visibleToGroup = progress
            .Where(p => inputs.Goals.First(g => g.Id == p.GoalId).Visibility == GoalVisibility.Group)
            .ToList();
        var boards = Windows
            .Select(w => Boards.EntryFor(inputs.Membership.MemberId, visibleToGroup, w, optedOut: false))
            .Select((e, i) => new BoardFigures(Windows[i], e.Consistency, e.CurrentStreak, Stored(e.StreakReachedAt)))
            .ToList();

        var queue = CoachQueue.FromProgress(
            inputs.Membership.MemberId,
            paused,
            inputs.Membership.JoinedAt.ToUniversalTime(),
            progress,
            UsualGapInstants(inputs.Goals, today, at),
            inputs.AnsweredStuck,
            at);

        var goals = progress.Select(p =>
        {
            var goal = inputs.Goals.First(g => g.Id == p.GoalId);
            return new GoalFigures(
                p.GoalId,
                goal.Title,
                goal.Status,
                goal.Visibility,
                p.Unit,
                p.CurrentStreak,
                p.Current.FirstDate,
                p.BestStreak,
                p.Last7,
                p.Last28,
                p.TrailingMissed,
                Stored(p.LastCheckInAt),
                p.OpenStuck?.Id);
        }).ToList();

        return new MemberFigures(
            today,
            paused,
            Stored(progress.Max(p => p.LastCheckInAt)),
            last7,
            last14,
            last28,
            goals,
            boards,
            Normalize(queue));
    }

    /// <summary>The pair streak of two partners at an instant.</summary>
    public static PairFigures PairAt(PartnerPair pair, MemberInputs first, MemberInputs second, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        at = at.ToUniversalTime();
        var a = PairSide.From(pair.FirstMemberId, first.Clock, first.Goals, first.Pauses, at);
        var b = PairSide.From(pair.SecondMemberId, second.Clock, second.Goals, second.Pauses, at);
        return PairFigures.From(PairStreakCalculator.Compute(a, b, pair.PairedAt, at));
    }

    /// <summary>
    /// The steps from <paramref name="from"/>: it, then every day start and day close of the given calendars up to the
    /// first one at or past <paramref name="from"/> + <see cref="Horizon"/>, which ends the last step.
    /// </summary>
    public static IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Steps(IEnumerable<DayClock> clocks, DateTimeOffset from)
    {
        ArgumentNullException.ThrowIfNull(clocks);
        from = from.ToUniversalTime();
        var until = from + Horizon;
        var boundaries = new SortedSet<DateTimeOffset>();
        foreach (var clock in clocks)
        {
            var known = clock.AsOf(from);
            var today = known.Today(from);
            for (var date = today.AddDays(-2); date <= today.AddDays(4); date = date.AddDays(1))
            {
                foreach (var instant in new[] { known.StartsAt(date), known.ClosesAt(date) })
                {
                    if (instant > from)
                    {
                        boundaries.Add(instant.ToUniversalTime());
                    }
                }
            }
        }

        var steps = new List<(DateTimeOffset, DateTimeOffset)>();
        var start = from;
        foreach (var boundary in boundaries)
        {
            steps.Add((start, boundary));
            if (boundary >= until)
            {
                return steps;
            }

            start = boundary;
        }

        // Unreachable for real calendars (a day starts at least every 24 hours); end the last step at the horizon.
        steps.Add((start, until));
        return steps;
    }

    /// <summary>One instant per local date (the first check-in of the day), over the last <see cref="UsualGapDays"/> days.</summary>
    private static IEnumerable<DateTimeOffset> UsualGapInstants(IEnumerable<Goal> goals, DateOnly today, DateTimeOffset at) =>
        goals.SelectMany(g => g.CheckIns.Values)
            .Where(c => c.Date > today.AddDays(-UsualGapDays) && c.Date <= today && c.FirstPostedAt <= at)
            .GroupBy(c => c.Date)
            .Select(day => day.Min(c => c.FirstPostedAt));

    private static Consistency Sum(IEnumerable<Consistency> parts) => parts.Aggregate(Consistency.None, (sum, c) => sum.Add(c));

    private static CoachQueueMember Normalize(CoachQueueMember queue) => queue with
    {
        JoinedAt = Stored(queue.JoinedAt),
        LastCheckInAt = Stored(queue.LastCheckInAt),
        OpenStuckSince = Stored(queue.OpenStuckSince),
        RecentlyMissed = queue.RecentlyMissed.Select(m => m with { ClosedAt = Stored(m.ClosedAt) }).ToList(),
        UsualGap = queue.UsualGap is { } gap ? TimeSpan.FromTicks(gap.Ticks - (gap.Ticks % TimeSpan.TicksPerMicrosecond)) : null,
    };

    /// <summary>
    /// An instant as the read model stores it: UTC, to the microsecond (PostgreSQL's precision), so figures read from a
    /// step and figures computed at query time are the same to the last digit.
    /// </summary>
    public static DateTimeOffset Stored(DateTimeOffset instant)
    {
        var utc = instant.UtcTicks;
        return new DateTimeOffset(utc - (utc % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    public static DateTimeOffset? Stored(DateTimeOffset? instant) => instant is { } value ? Stored(value) : null;
}
