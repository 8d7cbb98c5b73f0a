using Accountability.Api.Features.RealTime;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.RealTime;

/// <summary>
/// A <c>leaderboardChanged</c> goes out once the leaderboards' read model includes the change, at most once per
/// group per interval, and after the longest hold even when the read model does not move.
/// </summary>
[Trait("Category", "RealTime")]
public sealed class LeaderboardNoticeTests
{
    private static readonly Guid Group = Guid.NewGuid();
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly RealTimeSettings settings = new() { LeaderboardInterval = TimeSpan.FromSeconds(1), LeaderboardMaxHold = TimeSpan.FromSeconds(5) };

    [Fact]
    public void A_notice_waits_until_the_read_model_includes_its_change()
    {
        var notices = new LeaderboardNotices(settings, clock);
        notices.Changed(Group, 100);
        Assert.True(notices.HasPending);
        Assert.Empty(notices.Due(applied: 99));

        var due = Assert.Single(notices.Due(applied: 100));
        Assert.Equal(100, Assert.IsType<LeaderboardChangedMessage>(due.Message).Sequence);
        Assert.Equal(Group, due.Audience.GroupId);
        Assert.False(notices.HasPending);
    }

    [Fact]
    public void Changes_within_the_interval_are_one_notice_and_a_partly_applied_run_announces_what_is_in()
    {
        var notices = new LeaderboardNotices(settings, clock);
        notices.Changed(Group, 100);
        Assert.Single(notices.Due(applied: 100));

        // Two more changes right after: nothing before the interval, then what the read model holds so far.
        notices.Changed(Group, 110);
        notices.Changed(Group, 120);
        Assert.Empty(notices.Due(applied: 120));
        clock.Advance(TimeSpan.FromSeconds(1));
        var partial = Assert.Single(notices.Due(applied: 115));
        Assert.Equal(110, partial.Message.Sequence);

        // The latest change is announced once it is in, one interval later.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(notices.Due(applied: 119));
        Assert.Equal(120, Assert.Single(notices.Due(applied: 120)).Message.Sequence);
        Assert.False(notices.HasPending);
    }

    [Fact]
    public void A_notice_goes_out_after_the_longest_hold_when_the_read_model_does_not_move()
    {
        var notices = new LeaderboardNotices(settings, clock);
        notices.Changed(Group, 100);
        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Empty(notices.Due(applied: 0));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(100, Assert.Single(notices.Due(applied: 0)).Message.Sequence);
    }
}
