using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Time;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
[Trait("Category", "Time")]
public sealed class DayClockTests
{
    private static readonly DayClock London = DayClock.ForZone("Europe/London");

    [Fact]
    public void By_default_a_day_closes_at_noon_the_next_local_day()
    {
        Assert.Equal(Utc(2025, 3, 4, 12), London.ClosesAt(new DateOnly(2025, 3, 3)));
        Assert.Equal(Utc(2025, 7, 2, 11), London.ClosesAt(new DateOnly(2025, 7, 1)));
    }

    [Fact]
    public void The_member_can_see_when_today_closes()
    {
        var today = London.CurrentDay(Utc(2025, 7, 1, 22, 30));
        Assert.Equal(new LocalDay(new DateOnly(2025, 7, 1), "Europe/London", Utc(2025, 6, 30, 23), Utc(2025, 7, 2, 11)), today);
    }

    [Fact]
    public void Before_noon_yesterday_and_today_are_both_open_after_noon_only_today()
    {
        Assert.Equal([new DateOnly(2025, 3, 3), new DateOnly(2025, 3, 4)], London.OpenDates(Utc(2025, 3, 4, 11, 59)));
        Assert.Equal([new DateOnly(2025, 3, 4)], London.OpenDates(Utc(2025, 3, 4, 12)));
    }

    [Fact]
    public void The_spring_forward_day_is_one_local_day_of_23_hours_and_the_autumn_day_one_of_25()
    {
        Assert.Equal(TimeSpan.FromHours(23), London.StartsAt(new DateOnly(2025, 3, 31)) - London.StartsAt(new DateOnly(2025, 3, 30)));
        Assert.Equal(TimeSpan.FromHours(25), London.StartsAt(new DateOnly(2025, 10, 27)) - London.StartsAt(new DateOnly(2025, 10, 26)));
        Assert.Equal(Utc(2025, 3, 31, 11), London.ClosesAt(new DateOnly(2025, 3, 30)));
        Assert.Equal(Utc(2025, 10, 27, 12), London.ClosesAt(new DateOnly(2025, 10, 26)));
    }

    [Fact]
    public void A_close_time_inside_the_spring_gap_moves_forward_and_an_ambiguous_one_takes_the_later_instant()
    {
        var oneHourGrace = DayClock.ForZone("Europe/London", 60);
        Assert.Equal(Utc(2025, 3, 30, 1), oneHourGrace.ClosesAt(new DateOnly(2025, 3, 29)));
        Assert.Equal(Utc(2025, 10, 26, 1), oneHourGrace.ClosesAt(new DateOnly(2025, 10, 25)));
    }

    [Fact]
    public void A_group_zone_change_applies_to_members_without_their_own_zone_from_that_instant()
    {
        var group = GroupState([.. World.Cohort("Europe/London"), new GroupTimeZoneChanged(GroupId, "Asia/Tokyo", "Europe/London", Coach, Utc(2025, 3, 10))]);
        var clock = DayClock.For(group, null);
        Assert.Equal("Europe/London", clock.TimeZoneIdAt(Utc(2025, 3, 9, 23)));
        Assert.Equal("Asia/Tokyo", clock.TimeZoneIdAt(Utc(2025, 3, 10)));
        var own = MemberState(new TimeZoneChanged(Alice, "America/Chicago", null, Utc(2025, 3, 1)));
        Assert.Equal("America/Chicago", DayClock.For(group, own).TimeZoneIdAt(Utc(2025, 3, 11)));
        Assert.Equal("Europe/London", DayClock.For(group, own).TimeZoneIdAt(Utc(2025, 2, 28)));
    }

    [Fact]
    public void After_flying_east_across_the_date_line_today_does_not_go_back()
    {
        var clock = DayClock.Create(
            [new ZoneSpan(DateTimeOffset.MinValue, "Pacific/Auckland"), new ZoneSpan(Utc(2025, 3, 10, 18), "Pacific/Honolulu")],
            [new GraceSpan(DateTimeOffset.MinValue, GraceRules.DefaultMinutes)]);
        var afterLanding = Utc(2025, 3, 10, 19);
        Assert.Equal(new DateOnly(2025, 3, 10), clock.CalendarDateAt(afterLanding));
        Assert.Equal(new DateOnly(2025, 3, 10), clock.Today(Utc(2025, 3, 10, 10)));
        Assert.Equal(new DateOnly(2025, 3, 11), clock.Today(Utc(2025, 3, 10, 11)));
        Assert.Equal(new DateOnly(2025, 3, 11), clock.Today(afterLanding));
        Assert.Equal(new DateOnly(2025, 3, 11), clock.Today(Utc(2025, 3, 11, 9, 59)));
        Assert.Equal(new DateOnly(2025, 3, 12), clock.Today(Utc(2025, 3, 12, 10)));
    }

    [Fact]
    public void A_day_open_during_a_zone_change_closes_at_the_kinder_of_the_two_zones()
    {
        var clock = DayClock.Create(
            [new ZoneSpan(DateTimeOffset.MinValue, "Pacific/Auckland"), new ZoneSpan(Utc(2025, 3, 10, 18), "Pacific/Honolulu")],
            []);
        // Auckland alone would close the 11th at noon NZDT on the 12th (23:00Z on the 11th); Honolulu keeps it open until its own noon.
        Assert.Equal(Utc(2025, 3, 12, 22), clock.ClosesAt(new DateOnly(2025, 3, 11)));
        Assert.Equal(Utc(2025, 3, 11, 22), clock.ClosesAt(new DateOnly(2025, 3, 10)));
        // A day long closed before the change keeps its close.
        Assert.Equal(Utc(2025, 3, 5, 23), clock.ClosesAt(new DateOnly(2025, 3, 5)));
    }

    [Fact]
    public void A_day_that_began_because_of_a_zone_change_keeps_the_previous_zones_close_too()
    {
        // 23:00 on the 15th in Honolulu becomes 22:00 on the 16th in Auckland: the 16th begins at the change.
        var change = Utc(2025, 3, 16, 9);
        var clock = DayClock.Create([new ZoneSpan(DateTimeOffset.MinValue, "Pacific/Honolulu"), new ZoneSpan(change, "Pacific/Auckland")], []);
        Assert.Equal(new DateOnly(2025, 3, 15), clock.Today(change.AddMinutes(-1)));
        Assert.Equal(new DateOnly(2025, 3, 16), clock.Today(change));
        Assert.False(clock.IsSkipped(new DateOnly(2025, 3, 16)));
        Assert.Equal(change, clock.StartsAt(new DateOnly(2025, 3, 16)));
        Assert.Equal(Utc(2025, 3, 17, 22), clock.ClosesAt(new DateOnly(2025, 3, 16)));
        Assert.Equal(Utc(2025, 3, 17, 23), clock.ClosesAt(new DateOnly(2025, 3, 17)));
    }

    [Fact]
    public void A_date_jumped_over_by_a_zone_change_is_skipped_and_never_closes()
    {
        // Pago Pago (UTC-11) at 23:30 on the 10th becomes Kiritimati (UTC+14) at 00:30 on the 12th.
        var change = Utc(2025, 3, 11, 10, 30);
        var clock = DayClock.Create([new ZoneSpan(DateTimeOffset.MinValue, "Pacific/Pago_Pago"), new ZoneSpan(change, "Pacific/Kiritimati")], []);
        Assert.True(clock.IsSkipped(new DateOnly(2025, 3, 11)));
        Assert.False(clock.IsSkipped(new DateOnly(2025, 3, 10)));
        Assert.False(clock.IsSkipped(new DateOnly(2025, 3, 12)));
        Assert.Equal(new DateOnly(2025, 3, 12), clock.Today(change));
        var closed = clock.DatesClosedBetween(Utc(2025, 3, 10), Utc(2025, 3, 14)).Select(c => c.Date).ToList();
        // The 12th began at the change, so it also keeps Pago Pago's later close: it closes an hour after the 13th.
        Assert.Equal([new DateOnly(2025, 3, 9), new DateOnly(2025, 3, 10), new DateOnly(2025, 3, 13), new DateOnly(2025, 3, 12)], closed);
        Assert.Equal(Utc(2025, 3, 13, 23), clock.ClosesAt(new DateOnly(2025, 3, 12)));
    }

    [Fact]
    public void Dates_closed_between_two_instants_come_in_close_order_once_each()
    {
        var closed = London.DatesClosedBetween(Utc(2025, 3, 4, 11), Utc(2025, 3, 6, 12));
        Assert.Equal([(new DateOnly(2025, 3, 3), Utc(2025, 3, 4, 12)), (new DateOnly(2025, 3, 4), Utc(2025, 3, 5, 12)), (new DateOnly(2025, 3, 5), Utc(2025, 3, 6, 12))], closed);
        Assert.Empty(London.DatesClosedBetween(Utc(2025, 3, 6, 12), Utc(2025, 3, 6, 12)));
    }

    [Fact]
    public void As_of_an_instant_later_zone_changes_are_ignored()
    {
        var clock = DayClock.Create([new ZoneSpan(DateTimeOffset.MinValue, "Europe/London"), new ZoneSpan(Utc(2025, 3, 10), "Asia/Tokyo")], []);
        Assert.Equal("Europe/London", clock.AsOf(Utc(2025, 3, 9)).TimeZoneIdAt(Utc(2025, 3, 12)));
        Assert.Equal("Asia/Tokyo", clock.TimeZoneIdAt(Utc(2025, 3, 12)));
    }

    [Fact]
    public void Changing_to_the_zone_already_in_effect_changes_nothing()
    {
        var clock = DayClock.Create([new ZoneSpan(DateTimeOffset.MinValue, "Europe/London"), new ZoneSpan(Utc(2025, 3, 3, 10), "Europe/London")], []);
        Assert.Equal(London.ClosesAt(new DateOnly(2025, 3, 3)), clock.ClosesAt(new DateOnly(2025, 3, 3)));
        Assert.False(clock.IsSkipped(new DateOnly(2025, 3, 3)));
    }

    [Fact]
    public void Instants_are_shown_in_the_members_zone_and_in_utc()
    {
        Assert.Equal("2025-07-02 12:00 Europe/London (2025-07-02 11:00Z)", London.Format(Utc(2025, 7, 2, 11)));
    }

    [Fact]
    public void Unknown_zones_are_not_known()
    {
        Assert.True(TimeZones.IsKnown("Asia/Kathmandu"));
        Assert.False(TimeZones.IsKnown("Asia/Atlantis"));
        Assert.False(TimeZones.IsKnown(null));
        Assert.False(string.IsNullOrEmpty(TimeZones.TzdbVersion));
    }
}
