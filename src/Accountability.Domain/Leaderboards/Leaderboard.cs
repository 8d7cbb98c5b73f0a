using Accountability.Domain.Progress;

namespace Accountability.Domain.Leaderboards;

/// <summary>Values are used by read models: never renumber.</summary>
public enum LeaderboardWindow
{
    /// <summary>Monday to today, in each member's own local dates.</summary>
    ThisWeek = 0,

    /// <summary>The last 28 days including today: less transient than a weekly reset.</summary>
    Rolling4Weeks = 1,

    AllTime = 2,
}

/// <summary>One member's figures for a window (all their goals in the group).</summary>
/// <param name="StreakReachedAt">When the member reached their current streak (earliest wins a tie).</param>
public sealed record LeaderboardEntry(Guid MemberId, Consistency Consistency, int CurrentStreak, DateTimeOffset? StreakReachedAt, bool OptedOut);

/// <param name="Rank">Competition rank (1, 2, 2, 4); null when the member has too little due to be ranked.</param>
/// <param name="HiddenFromOthers">The viewer's own row while opted out: others do not see it, the rank is where they would be.</param>
public sealed record LeaderboardRow(int? Rank, Guid MemberId, Consistency Consistency, decimal? Percent, int CurrentStreak, bool IsViewer, bool HiddenFromOthers);

public sealed record LeaderboardView(LeaderboardWindow Window, LeaderboardRule Rule, IReadOnlyList<LeaderboardRow> Rows, LeaderboardRow? Viewer, int HiddenCount);

/// <summary>
/// Ranking by consistency against each member's own plan (paused and excused periods are already out of
/// the figures), ties broken by current streak, then by who reached it first. Members who opted out are
/// left out of everyone's board but their own, where they see the rank they would have.
/// </summary>
public static class LeaderboardRanking
{
    /// <summary>The local dates a window covers for a member whose local date is <paramref name="today"/>.</summary>
    public static (DateOnly From, DateOnly To) WindowDates(LeaderboardWindow window, DateOnly today) => window switch
    {
        LeaderboardWindow.ThisWeek => (today.AddDays(-(((int)today.DayOfWeek + 6) % 7)), today),
        LeaderboardWindow.Rolling4Weeks => (today.AddDays(-27), today),
        _ => (DateOnly.MinValue, today),
    };

    /// <summary>A member's entry from the progress of their goals in the group (each computed at the same instant).</summary>
    public static LeaderboardEntry EntryFor(Guid memberId, IReadOnlyList<GoalProgress> goals, LeaderboardWindow window, bool optedOut)
    {
        ArgumentNullException.ThrowIfNull(goals);
        var consistency = Consistency.None;
        foreach (var goal in goals)
        {
            var (from, to) = WindowDates(window, goal.Today);
            consistency = consistency.Add(goal.ConsistencyBetween(from, to));
        }

        var top = goals
            .Where(g => g.CurrentStreak > 0)
            .OrderByDescending(g => g.CurrentStreak)
            .ThenBy(g => g.Current.ReachedAt ?? DateTimeOffset.MaxValue)
            .FirstOrDefault();
        return new LeaderboardEntry(memberId, consistency, top?.CurrentStreak ?? 0, top?.Current.ReachedAt, optedOut);
    }

    public static LeaderboardView Rank(IEnumerable<LeaderboardEntry> entries, LeaderboardRule rule, LeaderboardWindow window, Guid viewerId)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(rule);
        var all = entries.ToList();
        var comparer = Comparer<LeaderboardEntry>.Create((a, b) => Compare(a, b, rule));
        bool Ranked(LeaderboardEntry e) => e.Consistency.Due > 0 && e.Consistency.Due >= rule.MinimumDue;

        var publicRanked = all.Where(e => !e.OptedOut && Ranked(e)).OrderBy(e => e, comparer).ThenBy(e => e.MemberId).ToList();
        var rows = new List<(LeaderboardEntry Entry, int? Rank, bool Hidden)>();
        for (var i = 0; i < publicRanked.Count; i++)
        {
            var rank = i > 0 && comparer.Compare(publicRanked[i - 1], publicRanked[i]) == 0 ? rows[i - 1].Rank : i + 1;
            rows.Add((publicRanked[i], rank, false));
        }

        var viewer = all.FirstOrDefault(e => e.MemberId == viewerId);
        if (viewer is { OptedOut: true })
        {
            int? wouldBe = Ranked(viewer) ? 1 + publicRanked.Count(e => comparer.Compare(e, viewer) < 0) : null;
            var at = wouldBe is { } r ? publicRanked.Count(e => comparer.Compare(e, viewer) <= 0) : rows.Count;
            rows.Insert(at, (viewer, wouldBe, true));
        }

        var unranked = all.Where(e => !Ranked(e) && !e.OptedOut)
            .OrderByDescending(e => e.Consistency.Done)
            .ThenBy(e => e.MemberId)
            .Select(e => (e, (int?)null, false));
        rows.AddRange(unranked);

        var result = rows.Select(r => new LeaderboardRow(r.Rank, r.Entry.MemberId, r.Entry.Consistency, r.Entry.Consistency.Percent, r.Entry.CurrentStreak, r.Entry.MemberId == viewerId, r.Hidden)).ToList();
        var hiddenCount = all.Count(e => e.OptedOut && e.MemberId != viewerId);
        return new LeaderboardView(window, rule, result, result.FirstOrDefault(r => r.IsViewer), hiddenCount);
    }

    /// <summary>Negative when <paramref name="a"/> ranks above <paramref name="b"/>.</summary>
    private static int Compare(LeaderboardEntry a, LeaderboardEntry b, LeaderboardRule rule)
    {
        var primary = rule.Basis == LeaderboardBasis.DoneCount
            ? b.Consistency.Done.CompareTo(a.Consistency.Done)
            : b.Consistency.CompareRatio(a.Consistency);
        if (primary != 0)
        {
            return primary;
        }

        var streak = b.CurrentStreak.CompareTo(a.CurrentStreak);
        if (streak != 0)
        {
            return streak;
        }

        return (a.StreakReachedAt ?? DateTimeOffset.MaxValue).CompareTo(b.StreakReachedAt ?? DateTimeOffset.MaxValue);
    }
}
