using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Progress;
using Accountability.Domain.Time;

namespace Accountability.Domain.Tests;

/// <summary>A member flies Auckland -> Honolulu -> Auckland, crossing the date line both ways.</summary>
[Trait("Category", "Domain")]
[Trait("Category", "Time")]
public sealed class TravelTests
{
    private static readonly Group Group = GroupState(World.Cohort("Pacific/Auckland"));
    private static readonly DateOnly First = new(2025, 3, 1);
    private static readonly DateOnly Last = new(2025, 3, 25);

    /// <summary>Lands in Honolulu at 08:00 HST on the 10th, having left Auckland at 22:00 NZDT on the 10th.</summary>
    private static readonly TimeZoneChanged ToHonolulu = new(Alice, "Pacific/Honolulu", "Pacific/Auckland", Utc(2025, 3, 10, 18));

    /// <summary>Lands in Auckland at 07:00 NZDT on the 17th, having left Honolulu at 23:00 HST on the 15th.</summary>
    private static readonly TimeZoneChanged BackToAuckland = new(Alice, "Pacific/Auckland", "Pacific/Honolulu", Utc(2025, 3, 16, 18));

    private static readonly TimeZoneChanged[] ZoneEvents = [new(Alice, "Pacific/Auckland", null, Utc(2025, 2, 1)), ToHonolulu, BackToAuckland];

    private static Member MemberAt(DateTimeOffset at) => MemberState([.. ZoneEvents.Where(e => e.ChangedAt <= at)])!;

    private static Goal NewGoal() => GoalState(DailyGoal(start: First, end: Last) with { SetAt = Utc(2025, 2, 28) });

    /// <summary>The trip: a check-in each evening at 20:00 wherever she is, plus the in-flight day caught up on landing.</summary>
    private static List<(DateTimeOffset At, DateOnly? Date)> Trip(bool catchUpInFlightDay)
    {
        var posts = new List<(DateTimeOffset, DateOnly?)>();
        for (var day = 1; day <= 10; day++)
        {
            posts.Add((Utc(2025, 3, day, 7), null)); // 20:00 NZDT
        }

        posts.Add((Utc(2025, 3, 11, 6), null)); // 20:00 HST on the 10th, a second time: the same check-in
        for (var day = 11; day <= 15; day++)
        {
            posts.Add((Utc(2025, 3, day + 1, 6), null)); // 20:00 HST
        }

        if (catchUpInFlightDay)
        {
            posts.Add((Utc(2025, 3, 16, 19), new DateOnly(2025, 3, 16))); // 08:00 NZDT on the 17th, for the 16th
        }

        for (var day = 17; day <= 25; day++)
        {
            posts.Add((Utc(2025, 3, day, 7), null)); // 20:00 NZDT
        }

        return posts;
    }

    private static (Goal Goal, List<IReadOnlyList<object>> Outcomes) Fly(bool catchUpInFlightDay)
    {
        var goal = NewGoal();
        var outcomes = new List<IReadOnlyList<object>>();
        foreach (var (at, date) in Trip(catchUpInFlightDay))
        {
            var events = GoalDecisions.Decide(new PostCheckIn(Id($"trip-{at:O}"), date, Done: true), goal, Group, MemberAt(at), Alice, at);
            outcomes.Add(events);
            goal = events.Aggregate(goal, (g, e) => Goal.Evolve(g, e)!);
        }

        return (goal, outcomes);
    }

    [Fact]
    public void Every_check_in_of_the_trip_is_accepted_and_living_the_10th_twice_records_one_check_in()
    {
        var (goal, outcomes) = Fly(catchUpInFlightDay: true);
        Assert.Empty(outcomes[10]);
        Assert.All(outcomes.Where((_, i) => i != 10), o => Assert.IsType<CheckInPosted>(Assert.Single(o)));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => First.AddDays(i)), goal.CheckIns.Keys);
        Assert.Equal("Pacific/Honolulu", goal.CheckIns[new DateOnly(2025, 3, 12)].Current.TimeZoneId);
    }

    [Fact]
    public void The_daily_streak_survives_both_crossings()
    {
        var (goal, _) = Fly(catchUpInFlightDay: true);
        var member = MemberAt(Utc(2025, 4, 1));
        var asOf = DayClock.For(Group, member).ClosesAt(Last);
        var progress = ProgressCalculator.Compute(goal, Group, member, asOf);
        Assert.Equal(25, progress.CurrentStreak);
        Assert.Equal(25, progress.BestStreak);
        Assert.Equal(new Consistency(25, 25), progress.AllTime);
        Assert.All(progress.Periods, p => Assert.Equal(PeriodStatus.Done, p.Status));
    }

    [Fact]
    public void No_day_is_ever_closed_twice_nor_reopened()
    {
        var emitted = new List<DateOnly>();
        var previousToday = DateOnly.MinValue;
        var closes = new Dictionary<DateOnly, DateTimeOffset>();
        for (var at = Utc(2025, 3, 1); at <= Utc(2025, 3, 28); at = at.AddMinutes(30))
        {
            // A day-close job runs every half hour with the calendar as known then.
            var clock = DayClock.For(Group, MemberAt(at));
            foreach (var (date, closedAt) in clock.DatesClosedBetween(at.AddMinutes(-30), at))
            {
                emitted.Add(date);
                closes[date] = closedAt;
            }

            var today = clock.Today(at);
            Assert.True(today >= previousToday, $"today went back from {previousToday} to {today} at {at:O}");
            previousToday = today;

            foreach (var (date, closedAt) in closes)
            {
                Assert.Equal(closedAt, clock.ClosesAt(date));
                Assert.False(clock.IsOpen(date, at));
            }
        }

        Assert.Equal(emitted.Distinct().Count(), emitted.Count);
        Assert.Equal(Enumerable.Range(0, 27).Select(i => First.AddDays(i)), emitted.Order());
    }

    [Fact]
    public void Days_around_each_crossing_close_at_the_kinder_zones_noon()
    {
        var clock = DayClock.For(Group, MemberAt(Utc(2025, 4, 1)));
        Assert.Equal(Utc(2025, 3, 11, 22), clock.ClosesAt(new DateOnly(2025, 3, 10))); // noon HST on the 11th, not noon NZDT
        Assert.Equal(Utc(2025, 3, 17, 22), clock.ClosesAt(new DateOnly(2025, 3, 16))); // the in-flight day keeps Honolulu's noon
        Assert.Equal(Utc(2025, 3, 18, 22), clock.ClosesAt(new DateOnly(2025, 3, 17))); // began on landing, so it keeps Honolulu's noon too
        Assert.Equal(Utc(2025, 3, 18, 23), clock.ClosesAt(new DateOnly(2025, 3, 18))); // back to noon NZDT
        Assert.False(clock.IsSkipped(new DateOnly(2025, 3, 16)));
    }

    [Fact]
    public void A_day_lived_in_flight_is_due_and_missed_only_if_never_checked_in()
    {
        var (goal, _) = Fly(catchUpInFlightDay: false);
        var member = MemberAt(Utc(2025, 4, 1));
        var progress = ProgressCalculator.Compute(goal, Group, member, DayClock.For(Group, member).ClosesAt(Last));
        var missed = Assert.Single(progress.Periods, p => p.Status == PeriodStatus.Missed);
        Assert.Equal(new DateOnly(2025, 3, 16), missed.FirstDate);
        Assert.Equal(Utc(2025, 3, 17, 22), missed.ClosesAt);
        Assert.Equal(9, progress.CurrentStreak);
        Assert.Equal(15, progress.BestStreak);
    }

    [Fact]
    public void A_date_skipped_by_flying_west_across_the_date_line_is_neutral()
    {
        // Pago Pago (UTC-11) 23:30 on the 10th -> Kiritimati (UTC+14) 00:30 on the 12th: the 11th is never lived.
        var group = GroupState(World.Cohort("Pacific/Pago_Pago"));
        var change = new TimeZoneChanged(Alice, "Pacific/Kiritimati", "Pacific/Pago_Pago", Utc(2025, 3, 11, 10, 30));
        var goal = GoalState(DailyGoal(start: First, end: new DateOnly(2025, 3, 14)) with { SetAt = Utc(2025, 2, 28) });
        foreach (var date in Enumerable.Range(0, 14).Select(i => First.AddDays(i)).Where(d => d.Day != 11))
        {
            var at = date.Day <= 10 ? new DateTimeOffset(date.ToDateTime(new TimeOnly(20, 0)), TimeSpan.FromHours(-11)) : new DateTimeOffset(date.ToDateTime(new TimeOnly(20, 0)), TimeSpan.FromHours(14));
            var member = at >= change.ChangedAt ? MemberState(change) : null;
            goal = GoalDecisions.Decide(new PostCheckIn(Id($"skip-{date:dd}"), Done: true), goal, group, member, Alice, at).Aggregate(goal, (g, e) => Goal.Evolve(g, e)!);
        }

        var after = MemberState(change);
        var progress = ProgressCalculator.Compute(goal, group, after, DayClock.For(group, after).ClosesAt(new DateOnly(2025, 3, 14)));
        Assert.Equal(PeriodStatus.Skipped, Assert.Single(progress.Periods, p => p.FirstDate == new DateOnly(2025, 3, 11)).Status);
        Assert.Equal(13, progress.CurrentStreak);
        Assert.Equal(new Consistency(13, 13), progress.AllTime);
    }
}
