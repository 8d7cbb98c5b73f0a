using Accountability.Domain.Goals;
using Accountability.Domain.Members;
using Accountability.Domain.Time;

namespace Accountability.Domain.Partners;

/// <summary>One partner as the pair streak sees them: their calendar, the dates they did something, their pauses.</summary>
/// <param name="DoneDates">Local dates with a done check-in on any of the member's goals in the group.</param>
public sealed record PairSide(Guid MemberId, DayClock Clock, IReadOnlySet<DateOnly> DoneDates, IReadOnlyList<Pause> Pauses)
{
    /// <summary>Builds a side from the member's goals in the group, as known at <paramref name="asOf"/>.</summary>
    public static PairSide From(Guid memberId, DayClock clock, IEnumerable<Goal> goals, IEnumerable<Pause> pauses, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(goals);
        ArgumentNullException.ThrowIfNull(pauses);
        var done = goals
            .Where(g => g.MemberId == memberId)
            .SelectMany(g => g.CheckIns.Values)
            .Where(c => c.AsOf(asOf)?.Content.Done == true)
            .Select(c => c.Date)
            .ToHashSet();
        return new PairSide(memberId, clock, done, pauses.Where(p => p.DeclaredAt <= asOf).ToList());
    }
}

/// <param name="Current">Consecutive local days on which both partners checked in (each on their own local date).</param>
/// <param name="AtRiskDate">The oldest day not yet kept by both, still open for whoever has not checked in.</param>
/// <param name="SaveBy">Until when that day can still be saved: the waiting partner's close of it (midnight plus grace).</param>
/// <param name="WaitingFor">The partner who has not checked in that day yet (null if neither has).</param>
public sealed record PairStreak(int Current, int Best, DateOnly? CurrentSince, DateOnly? AtRiskDate, DateTimeOffset? SaveBy, Guid? WaitingFor)
{
    public static PairStreak None { get; } = new(0, 0, null, null, null, null);
}

/// <summary>
/// Pair streak: a day counts when both partners have a done check-in for it. A day either partner had
/// paused, or never lived because of travel, is neutral. The save window of a day is the waiting
/// partner's own open window for it, so a partner who checks in late at night or before noon the next
/// day (with the default grace) still saves it; a partner's nudge is the prompt to do so.
/// </summary>
public static class PairStreakCalculator
{
    public static PairStreak Compute(PairSide first, PairSide second, DateTimeOffset pairedAt, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var start = Max(first.Clock.Today(pairedAt), second.Clock.Today(pairedAt));
        var end = Max(first.Clock.Today(asOf), second.Clock.Today(asOf));
        int current = 0, best = 0;
        DateOnly? since = null, atRisk = null;
        DateTimeOffset? saveBy = null;
        Guid? waitingFor = null;
        for (var date = start; date <= end; date = date.AddDays(1))
        {
            var a = StatusOf(first, date, asOf);
            var b = StatusOf(second, date, asOf);
            if (a == Side.Neutral || b == Side.Neutral)
            {
                continue;
            }

            if (a == Side.Done && b == Side.Done)
            {
                since ??= date;
                current++;
                best = Math.Max(best, current);
                continue;
            }

            if (a == Side.Missed || b == Side.Missed)
            {
                (current, since, atRisk, saveBy, waitingFor) = (0, null, null, null, null);
                continue;
            }

            if (atRisk is null)
            {
                atRisk = date;
                var waiting = new[] { (first, a), (second, b) }.Where(s => s.Item2 != Side.Done).Select(s => s.Item1).ToList();
                saveBy = waiting.Min(s => s.Clock.ClosesAt(date));
                waitingFor = waiting.Count == 1 ? waiting[0].MemberId : null;
            }
        }

        return new PairStreak(current, best, since, atRisk, saveBy, waitingFor);
    }

    private enum Side
    {
        Done,
        Open,
        Missed,
        Neutral,
    }

    private static Side StatusOf(PairSide side, DateOnly date, DateTimeOffset asOf)
    {
        if (side.Clock.IsSkipped(date) || side.Pauses.Any(p => p.Covers(date, asOf)))
        {
            return Side.Neutral;
        }

        if (side.DoneDates.Contains(date))
        {
            return Side.Done;
        }

        return side.Clock.IsClosed(date, asOf) ? Side.Missed : Side.Open;
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
