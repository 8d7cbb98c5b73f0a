using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Progress;
using Accountability.Domain.Time;
using NodaTime;
using NodaTime.Text;
using NodaTime.TimeZones;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Tests;

/// <summary>
/// Every offset transition from 2020 to 2030 in zones chosen for their oddities: half- and quarter-hour
/// offsets, 30-minute and 2-hour DST, DST that starts or ends at midnight, negative DST, Ramadan
/// suspensions, zones at both ends of the date line, zones that dropped DST mid-decade.
/// </summary>
[Trait("Category", "Domain")]
[Trait("Category", "Time")]
public sealed class TimeZoneSweepTests
{
    public static readonly string[] ZoneIds =
    [
        "Pacific/Auckland", "Pacific/Kiritimati", "Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe",
        "Asia/Kolkata", "America/Sao_Paulo", "Europe/London", "America/New_York", "Africa/Casablanca", "Pacific/Apia",
        "America/Los_Angeles", "America/Chicago", "America/Denver", "America/Phoenix", "America/Anchorage", "Pacific/Honolulu",
        "America/Santiago", "America/Havana", "America/Asuncion", "Europe/Berlin", "Europe/Dublin", "Europe/Moscow",
        "Africa/Cairo", "Asia/Tehran", "Asia/Jerusalem", "Asia/Beirut", "Asia/Gaza", "Australia/Sydney",
        "Australia/Adelaide", "Australia/Eucla", "America/Mexico_City", "Pacific/Norfolk", "Atlantic/Azores", "America/Nuuk",
        "Antarctica/Troll", "Pacific/Tongatapu", "Pacific/Marquesas", "America/Scoresbysund", "Pacific/Fiji", "Asia/Tokyo",
    ];

    private static readonly DateOnly First = new(2020, 1, 1);
    private static readonly DateOnly Last = new(2030, 12, 31);
    private static readonly LocalTime JustAfterMidnight = new(0, 1);
    private static readonly LocalTime JustBeforeMidnight = new(23, 59);

    public static TheoryData<string> Zones() => new(ZoneIds);

    /// <summary>One row per offset change in each zone, 2020 to 2030 (read from the TZDB's zone intervals).</summary>
    public static TheoryData<string, string> Transitions()
    {
        var data = new TheoryData<string, string>();
        var from = Instant.FromUtc(2020, 1, 1, 0, 0);
        var to = Instant.FromUtc(2031, 1, 1, 0, 0);
        foreach (var id in ZoneIds)
        {
            var zone = DateTimeZoneProviders.Tzdb[id];
            foreach (var interval in zone.GetZoneIntervals(from, to))
            {
                if (interval.HasStart && interval.Start > from && zone.GetUtcOffset(interval.Start - Duration.Epsilon) != interval.WallOffset)
                {
                    data.Add(id, InstantPattern.ExtendedIso.Format(interval.Start));
                }
            }
        }

        return data;
    }

    [Fact]
    public void The_sweep_covers_thirty_zones_and_hundreds_of_transitions()
    {
        Assert.True(ZoneIds.Length >= 30);
        Assert.Equal(ZoneIds.Length, ZoneIds.Distinct().Count());
        Assert.All(ZoneIds, id => Assert.True(TimeZones.IsKnown(id), id));
        Assert.True(Transitions().Count > 500);
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Check_ins_just_before_and_after_midnight_around_a_transition_land_on_the_local_date(string zoneId, string transitionUtc)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var transition = InstantPattern.ExtendedIso.Parse(transitionUtc).Value;
        var group = GroupState(World.Cohort(zoneId));
        var goal = GoalState(DailyGoal(start: new DateOnly(2019, 12, 1)));
        var firstDay = (transition - Duration.Epsilon).InZone(zone).Date.PlusDays(-1);
        var lastDay = transition.InZone(zone).Date.PlusDays(1);
        var checkedInstants = 0;
        for (var day = firstDay; day <= lastDay; day = day.PlusDays(1))
        {
            var date = day.ToDateOnly();
            foreach (var time in new[] { JustAfterMidnight, JustBeforeMidnight })
            {
                foreach (var zoned in Instants(zone.MapLocal(day.At(time))))
                {
                    var now = zoned.ToDateTimeOffset();
                    var posted = Assert.IsType<CheckInPosted>(Assert.Single(GoalDecisions.Decide(new PostCheckIn(Id("today"), Done: true), goal, group, null, Alice, now)));
                    Assert.Equal(date, posted.Date);
                    Assert.Equal(date, posted.PostedOnLocalDate);
                    Assert.Equal(zoneId, posted.TimeZoneId);
                    Assert.Equal(now.ToUniversalTime(), posted.PostedAt);

                    var yesterday = Outcome(() => GoalDecisions.Decide(new PostCheckIn(Id("yesterday"), date.AddDays(-1), Done: true), goal, group, null, Alice, now));
                    if (time == JustAfterMidnight)
                    {
                        Assert.Equal(date.AddDays(-1), yesterday.Single<CheckInPosted>().Date);
                    }
                    else
                    {
                        yesterday.ThenFails(ErrorKind.Validation, CheckInOutsideGraceWindow);
                    }

                    Outcome(() => GoalDecisions.Decide(new PostCheckIn(Id("tomorrow"), date.AddDays(1), Done: true), goal, group, null, Alice, now))
                        .ThenFails(ErrorKind.Validation, CheckInFutureDate);
                    checkedInstants++;
                }
            }
        }

        Assert.True(checkedInstants >= 6, $"only {checkedInstants} instants around {transitionUtc}");
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void A_transition_day_is_one_local_day_from_midnight_to_midnight_closing_at_local_noon(string zoneId, string transitionUtc)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var clock = DayClock.ForZone(zoneId);
        var day = InstantPattern.ExtendedIso.Parse(transitionUtc).Value.InZone(zone).Date;
        foreach (var date in new[] { day.PlusDays(-1), day })
        {
            var expectedLength = (zone.AtStartOfDay(date.PlusDays(1)).ToInstant() - zone.AtStartOfDay(date).ToInstant()).ToTimeSpan();
            var length = clock.StartsAt(date.PlusDays(1).ToDateOnly()) - clock.StartsAt(date.ToDateOnly());
            Assert.Equal(expectedLength, length);
            Assert.InRange(length, TimeSpan.FromHours(21), TimeSpan.FromHours(27));
            var close = clock.ClosesAt(date.ToDateOnly());
            Assert.Equal(date.PlusDays(1).At(new LocalTime(12, 0)), Instant.FromDateTimeOffset(close).InZone(zone).LocalDateTime);
        }
    }

    [Theory]
    [MemberData(nameof(Zones))]
    public void A_daily_streak_kept_every_day_from_2020_to_2030_survives_every_transition(string zoneId)
    {
        var zone = DateTimeZoneProviders.Tzdb[zoneId];
        var group = GroupState(World.Cohort(zoneId));
        var goal = GoalState(DailyGoal(start: First, end: Last) with { SetAt = Utc(2019, 12, 1) });
        LocalTime[] times = [JustAfterMidnight, JustBeforeMidnight, new(6, 30), new(18, 0), new(12, 0)];
        var index = 0;
        for (var date = First; date <= Last; date = date.AddDays(1), index++)
        {
            // Every seventh day is checked in late, the next morning, inside the grace window.
            var late = index % 7 == 6;
            var local = late ? LocalDate.FromDateOnly(date).PlusDays(1).At(new LocalTime(9, 0)) : LocalDate.FromDateOnly(date).At(times[index % times.Length]);
            var zoned = zone.AtLeniently(local);
            if (zoned.Date != local.Date)
            {
                // The local time fell in a gap that runs to midnight (e.g. Scoresbysund's 23:00-24:00 in spring): use noon.
                zoned = zone.AtLeniently(local.Date.At(new LocalTime(12, 0)));
            }

            var now = zoned.ToDateTimeOffset();
            var events = GoalDecisions.Decide(new PostCheckIn(Id($"{zoneId}-{date:yyyyMMdd}"), late ? date : null, Done: true), goal, group, null, Alice, now);
            var posted = Assert.IsType<CheckInPosted>(Assert.Single(events));
            Assert.Equal(date, posted.Date);
            goal = Goal.Evolve(goal, posted)!;
        }

        var days = Last.DayNumber - First.DayNumber + 1;
        var clock = DayClock.For(group, null);
        var progress = ProgressCalculator.Compute(goal, group, null, clock.ClosesAt(Last));
        Assert.Equal(days, progress.CurrentStreak);
        Assert.Equal(days, progress.BestStreak);
        Assert.Equal(new Consistency(days, days), progress.AllTime);
        Assert.Equal(days, progress.Periods.Count);
        Assert.All(progress.Periods, p => Assert.Equal(PeriodStatus.Done, p.Status));
        Assert.Equal(First, progress.Current.FirstDate);
    }

    /// <summary>Every instant a local time maps to: none in a gap, two when the clock goes back.</summary>
    private static IEnumerable<ZonedDateTime> Instants(ZoneLocalMapping mapping) => mapping.Count switch
    {
        0 => [],
        1 => [mapping.Single()],
        _ => [mapping.First(), mapping.Last()],
    };

    private static Outcome Outcome(Func<IReadOnlyList<object>> decide)
    {
        try
        {
            return new Outcome(decide(), null);
        }
        catch (DomainException error)
        {
            return new Outcome(null, error);
        }
    }
}
