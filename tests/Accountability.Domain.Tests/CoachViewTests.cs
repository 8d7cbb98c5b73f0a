using Accountability.Domain.CoachViews;
using Accountability.Domain.Groups;
using Accountability.Domain.Partners;
using Accountability.Domain.Progress;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
public sealed class CoachViewTests
{
    private static readonly DateTimeOffset Now = Utc(2025, 3, 20, 9);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static CoachQueueMember Member(Guid id, bool paused = false, IReadOnlyList<MissedPeriod>? missed = null, Consistency? last7 = null, Consistency? baseline = null,
        DateTimeOffset? lastCheckIn = null, TimeSpan? usualGap = null, DateTimeOffset? stuckSince = null, DateTimeOffset? joined = null) =>
        new(id, paused, joined ?? Now.AddDays(-60), missed ?? [], last7 ?? new Consistency(7, 7), baseline ?? new Consistency(28, 28),
            lastCheckIn ?? Now.AddHours(-12), usualGap ?? Day, stuckSince, stuckSince is null ? null : Id("stuck"));

    [Fact]
    public void A_member_doing_fine_needs_nothing()
    {
        Assert.Empty(CoachQueue.Build([Member(Alice)], Now));
    }

    [Fact]
    public void An_unanswered_stuck_request_comes_first()
    {
        var entry = Assert.Single(CoachQueue.Build([Member(Alice, stuckSince: Now.AddHours(-5))], Now));
        var reason = Assert.Single(entry.Reasons);
        Assert.Equal((NeedReason.UnansweredStuck, 4, Now.AddHours(-5)), (reason.Reason, reason.Severity, reason.Since));
        Assert.Equal("Said \"I'm stuck\" 5 h ago and nobody has answered yet.", reason.Detail);
    }

    [Fact]
    public void Missed_due_check_ins_of_the_last_three_days_are_listed_with_their_dates()
    {
        MissedPeriod[] missed = [new(GoalId, new DateOnly(2025, 3, 18), new DateOnly(2025, 3, 18), Utc(2025, 3, 19, 12)), new(GoalId, new DateOnly(2025, 3, 10), new DateOnly(2025, 3, 10), Utc(2025, 3, 11, 12))];
        var reason = Assert.Single(Assert.Single(CoachQueue.Build([Member(Alice, missed: missed)], Now)).Reasons);
        Assert.Equal(NeedReason.MissedCheckIns, reason.Reason);
        Assert.Equal("Missed 1 due check-in (2025-03-18).", reason.Detail);
    }

    [Theory]
    [InlineData(16, 20, true)]
    [InlineData(17, 20, false)]
    public void A_drop_of_twenty_percent_against_the_members_own_baseline_is_flagged(int recentDone, int recentDue, bool flagged)
    {
        // Baseline 100% (28/28): 16/20 = 80% is a 20% drop; 17/20 = 85% is not.
        Assert.Equal(flagged, CoachQueue.IsDrop(new Consistency(recentDone, recentDue), new Consistency(28, 28)));
        Assert.Equal(flagged, CoachQueue.Build([Member(Alice, last7: new Consistency(recentDone, recentDue))], Now).Count == 1);
    }

    [Fact]
    public void The_drop_is_relative_to_each_members_own_level()
    {
        Assert.True(CoachQueue.IsDrop(new Consistency(2, 5), new Consistency(14, 28)));
        Assert.False(CoachQueue.IsDrop(new Consistency(3, 5), new Consistency(14, 28)));
        Assert.False(CoachQueue.IsDrop(new Consistency(0, 1), new Consistency(28, 28)));
        Assert.False(CoachQueue.IsDrop(new Consistency(0, 7), new Consistency(3, 3)));
        Assert.False(CoachQueue.IsDrop(new Consistency(0, 7), new Consistency(0, 28)));
    }

    [Fact]
    public void Silence_longer_than_the_usual_gap_is_flagged()
    {
        Assert.Single(CoachQueue.Build([Member(Alice, lastCheckIn: Now.AddHours(-37), usualGap: Day)], Now));
        Assert.Empty(CoachQueue.Build([Member(Alice, lastCheckIn: Now.AddHours(-35), usualGap: Day)], Now));
        Assert.Empty(CoachQueue.Build([Member(Alice, lastCheckIn: Now.AddHours(-20), usualGap: TimeSpan.FromHours(2))], Now));
        var reason = Assert.Single(CoachQueue.Build([Member(Alice, lastCheckIn: Now.AddDays(-10), usualGap: TimeSpan.FromDays(3))], Now)).Reasons.Single();
        Assert.Equal((NeedReason.Silence, "Silent for 10 days; they usually check in every 3 days."), (reason.Reason, reason.Detail));
    }

    [Fact]
    public void A_newcomer_who_has_not_checked_in_after_two_days_is_flagged()
    {
        var newcomer = Member(Alice, joined: Now.AddHours(-49)) with { LastCheckInAt = null, UsualGap = null };
        Assert.Equal(NeedReason.NeverCheckedIn, Assert.Single(CoachQueue.Build([newcomer], Now)).Reasons.Single().Reason);
        Assert.Empty(CoachQueue.Build([newcomer with { JoinedAt = Now.AddHours(-47) }], Now));
    }

    [Fact]
    public void Paused_members_are_never_flagged()
    {
        Assert.Empty(CoachQueue.Build([Member(Alice, paused: true, stuckSince: Now.AddDays(-1), lastCheckIn: Now.AddDays(-9))], Now));
    }

    [Fact]
    public void The_queue_is_ordered_by_severity_then_by_who_has_waited_longest()
    {
        var queue = CoachQueue.Build(
        [
            Member(Alice, lastCheckIn: Now.AddDays(-5)),
            Member(Bob, stuckSince: Now.AddHours(-2)),
            Member(Carol, stuckSince: Now.AddHours(-6), lastCheckIn: Now.AddDays(-4)),
            Member(Dan, last7: new Consistency(1, 7)),
        ], Now);
        Assert.Equal([Carol, Bob, Dan, Alice], queue.Select(e => e.MemberId));
        Assert.Equal([NeedReason.UnansweredStuck, NeedReason.Silence], queue[0].Reasons.Select(r => r.Reason));
    }

    [Fact]
    public void The_usual_gap_is_the_median_gap_between_check_ins()
    {
        Assert.Null(CoachQueue.UsualGap([Now, Now.AddDays(1)]));
        Assert.Equal(Day, CoachQueue.UsualGap([Now, Now.AddDays(1), Now.AddDays(2), Now.AddDays(10)]));
        Assert.Equal(TimeSpan.FromHours(30), CoachQueue.UsualGap([Now.AddDays(3), Now, Now.AddHours(24), Now.AddHours(60), Now.AddHours(160)]));
    }

    [Fact]
    public void A_queue_entry_is_built_from_goal_progress()
    {
        var group = GroupState();
        var goal = GoalState(DailyGoal(), Posted(StartDate), Posted(StartDate.AddDays(1), stuck: true, done: false));
        var now = Utc(2025, 3, 5, 13);
        var progress = ProgressCalculator.Compute(goal, group, null, now);
        var input = CoachQueue.FromProgress(Alice, false, Start.AddDays(-7), [progress], [Utc(2025, 3, 3, 20), Utc(2025, 3, 4, 20)], new HashSet<Guid>(), now);
        Assert.Equal(Id("check-in-2025-03-04"), input.OpenStuckCheckInId);
        Assert.Equal(Utc(2025, 3, 4, 20), input.OpenStuckSince);
        Assert.Equal([StartDate.AddDays(1)], input.RecentlyMissed.Select(m => m.FirstDate));
        var entry = CoachQueue.Assess(input, now)!;
        Assert.Equal([NeedReason.UnansweredStuck, NeedReason.MissedCheckIns], entry.Reasons.Select(r => r.Reason));
        var answered = CoachQueue.FromProgress(Alice, false, Start.AddDays(-7), [progress], [], new HashSet<Guid> { Id("check-in-2025-03-04") }, now);
        Assert.Null(answered.OpenStuckSince);
    }

    private static PairHealthInput Pair(int streak = 0, decimal first = 90, decimal second = 90, double daysSinceContact = 2, double pairedDaysAgo = 30, bool paused = false) =>
        new(Id("pair"), Now.AddDays(-pairedDaysAgo), new PairStreak(streak, streak, null, null, null, null),
            new Consistency((int)first, 100), new Consistency((int)second, 100), Now.AddDays(-daysSinceContact), paused, false);

    [Fact]
    public void Pairs_are_classified_for_the_coach()
    {
        Assert.Equal(PairHealthStatus.Paused, PairHealth.Classify(Pair(paused: true, first: 0, second: 0, daysSinceContact: 40), Now).Status);
        Assert.Equal(PairHealthStatus.New, PairHealth.Classify(Pair(pairedDaysAgo: 3, first: 0, second: 0), Now).Status);
        Assert.Equal(PairHealthStatus.Dormant, PairHealth.Classify(Pair(first: 20, second: 10, daysSinceContact: 15), Now).Status);
        Assert.Equal(PairHealthStatus.Thriving, PairHealth.Classify(Pair(streak: 7, first: 60, second: 60, daysSinceContact: 20), Now).Status);
        Assert.Equal(PairHealthStatus.Thriving, PairHealth.Classify(Pair(first: 85, second: 80, daysSinceContact: 6), Now).Status);
        Assert.Equal(PairHealthStatus.Steady, PairHealth.Classify(Pair(first: 85, second: 80, daysSinceContact: 9), Now).Status);
        var fading = PairHealth.Classify(Pair(first: 90, second: 40, daysSinceContact: 20), Now);
        Assert.Equal(PairHealthStatus.Fading, fading.Status);
        Assert.Equal(["A partner is under 50% consistency over 14 days.", "No nudge, kudos or comment between them for 20 days."], fading.Reasons);
    }

    [Fact]
    public void A_pair_that_never_interacted_has_lost_touch()
    {
        var neverTalked = Pair(first: 70, second: 70) with { LastInteractionAt = null };
        var result = PairHealth.Classify(neverTalked, Now);
        Assert.Equal(PairHealthStatus.Fading, result.Status);
        Assert.Contains("They have never nudged, cheered or commented on each other.", result.Reasons);
    }
}
