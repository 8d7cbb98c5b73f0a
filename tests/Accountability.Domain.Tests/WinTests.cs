using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Progress;
using Accountability.Domain.Wins;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
public sealed class WinTests
{
    private static readonly Group Group = GroupState();

    private static DateOnly Day(int offset) => StartDate.AddDays(offset);

    /// <summary>Progress just before and just after the check-in of <paramref name="day"/>, the others being done on <paramref name="earlier"/>.</summary>
    private static (GoalProgress Before, GoalProgress After, CheckInPosted Trigger) Around(int day, int[] earlier, bool stuck = false, object[]? more = null)
    {
        var trigger = Posted(Day(day));
        var history = new List<object> { DailyGoal() };
        history.AddRange(earlier.Select(o => (object)Posted(Day(o), stuck: stuck && o == earlier[^1], done: !(stuck && o == earlier[^1]))));
        history.AddRange(more ?? []);
        var before = ProgressCalculator.Compute(GoalState([.. history]), Group, null, trigger.PostedAt);
        var after = ProgressCalculator.Compute(GoalState([.. history, trigger]), Group, null, trigger.PostedAt);
        return (before, after, trigger);
    }

    private static int[] Range(int from, int to) => Enumerable.Range(from, to - from + 1).ToArray();

    [Fact]
    public void The_seventh_day_in_a_row_is_a_streak_milestone()
    {
        var (before, after, trigger) = Around(6, Range(0, 5));
        var win = Assert.Single(WinDetector.Detect(before, after, trigger));
        Assert.Equal(WinKind.StreakMilestone, win.Kind);
        Assert.Equal(7, win.Value);
        Assert.Equal("7-day streak", win.Summary);
        Assert.Equal((GroupId, Alice, GoalId, Day(6), trigger.CheckInId), (win.GroupId, win.MemberId!.Value, win.GoalId!.Value, win.Date, win.CheckInId!.Value));
    }

    [Fact]
    public void Detecting_the_same_win_again_gives_the_same_id()
    {
        var (before, after, trigger) = Around(6, Range(0, 5));
        Assert.Equal(WinDetector.Detect(before, after, trigger)[0].WinId, WinDetector.Detect(before, after, trigger)[0].WinId);
    }

    [Fact]
    public void An_ordinary_day_is_no_win()
    {
        var (before, after, trigger) = Around(5, Range(0, 4));
        Assert.Empty(WinDetector.Detect(before, after, trigger));
    }

    [Fact]
    public void Jumping_past_several_milestones_celebrates_the_highest()
    {
        var (before, after, trigger) = Around(6, Range(0, 5));
        var jumped = after with { Current = after.Current with { Length = 31 } };
        var win = Assert.Single(WinDetector.Detect(before, jumped, trigger), w => w.Kind == WinKind.StreakMilestone);
        Assert.Equal(30, win.Value);
    }

    [Fact]
    public void Beating_an_earlier_best_of_three_or_more_is_a_personal_best_once()
    {
        var (before, after, trigger) = Around(7, [0, 1, 2, 4, 5, 6]);
        var win = Assert.Single(WinDetector.Detect(before, after, trigger));
        Assert.Equal(WinKind.PersonalBest, win.Kind);
        Assert.Equal(4, win.Value);
        var (nextBefore, nextAfter, nextTrigger) = Around(8, [0, 1, 2, 4, 5, 6, 7]);
        Assert.Empty(WinDetector.Detect(nextBefore, nextAfter, nextTrigger));
    }

    [Fact]
    public void A_best_of_two_is_not_worth_a_personal_best()
    {
        var (before, after, trigger) = Around(5, [0, 1, 3, 4]);
        Assert.Equal(2, before.BestStreak);
        Assert.DoesNotContain(WinDetector.Detect(before, after, trigger), w => w.Kind == WinKind.PersonalBest);
    }

    [Fact]
    public void Coming_back_after_three_missed_days_is_a_comeback()
    {
        var (before, after, trigger) = Around(4, [0]);
        var win = Assert.Single(WinDetector.Detect(before, after, trigger));
        Assert.Equal(WinKind.Comeback, win.Kind);
        Assert.Equal(3, win.Value);
        Assert.Equal("Back on track after 3 missed days", win.Summary);
        var (shortBefore, shortAfter, shortTrigger) = Around(3, [0]);
        Assert.Empty(WinDetector.Detect(shortBefore, shortAfter, shortTrigger));
    }

    [Fact]
    public void A_stuck_member_moving_again_is_a_win()
    {
        var (before, after, trigger) = Around(2, [0, 1], stuck: true);
        Assert.NotNull(before.OpenStuck);
        var win = Assert.Single(WinDetector.Detect(before, after, trigger), w => w.Kind == WinKind.Unstuck);
        Assert.Equal(trigger.CheckInId, win.CheckInId);
    }

    [Fact]
    public void Achieving_a_goal_is_a_win_and_other_facts_are_not()
    {
        var progress = ProgressCalculator.Compute(GoalState(DailyGoal()), Group, null, Start);
        var achieved = new GoalAchieved(GoalId, GroupId, Alice, StartDate, null, Start);
        var win = Assert.Single(WinDetector.Detect(progress, progress, achieved));
        Assert.Equal((WinKind.GoalAchieved, StartDate), (win.Kind, win.Date));
        Assert.Empty(WinDetector.Detect(progress, progress, new GoalVisibilityChanged(GoalId, GroupId, Alice, GoalVisibility.CoachOnly, Start)));
    }

    [Fact]
    public void A_weekly_goal_celebrates_weeks()
    {
        var (before, after, trigger) = Around(6, Range(0, 5));
        var weekly = after with { Unit = StreakUnit.Week };
        Assert.Equal("7-week streak", WinDetector.Detect(before, weekly, trigger).Single().Summary);
    }

    [Fact]
    public void The_group_milestone_fires_when_eighty_percent_have_checked_in_today()
    {
        var win = WinDetector.DetectGroupMilestone(GroupId, StartDate, 10, 7, 8)!;
        Assert.Equal((WinKind.GroupMilestone, 80, StartDate), (win.Kind, win.Value!.Value, win.Date));
        Assert.Null(win.MemberId);
        Assert.Equal(win.WinId, WinDetector.DetectGroupMilestone(GroupId, StartDate, 12, 9, 10)!.WinId);
        Assert.NotEqual(win.WinId, WinDetector.DetectGroupMilestone(GroupId, StartDate.AddDays(1), 10, 7, 8)!.WinId);
        Assert.Null(WinDetector.DetectGroupMilestone(GroupId, StartDate, 10, 8, 9));
        Assert.Null(WinDetector.DetectGroupMilestone(GroupId, StartDate, 10, 6, 7));
        Assert.Null(WinDetector.DetectGroupMilestone(GroupId, StartDate, 2, 1, 2));
    }

    [Fact]
    public void Recording_a_win_is_idempotent_on_the_goal_and_the_group()
    {
        var (before, after, trigger) = Around(6, Range(0, 5));
        var win = WinDetector.Detect(before, after, trigger)[0];
        var recorded = new WinRecorded(win.WinId, win.Kind, GoalId, GroupId, Alice, 7, Day(6), trigger.CheckInId, "7-day streak", Start);
        Spec.For<Goal>(Goal.Evolve).Given(DailyGoal()).When(g => GoalDecisions.Decide(new RecordWin(win), g, Start)).Then(recorded);
        Spec.For<Goal>(Goal.Evolve).Given(DailyGoal(), recorded).When(g => GoalDecisions.Decide(new RecordWin(win), g, Start)).ThenNothing();
        Assert.Throws<ArgumentException>(() => GoalDecisions.Decide(new RecordWin(win with { GoalId = Id("other") }), GoalState(DailyGoal()), Start));

        var groupWin = WinDetector.DetectGroupMilestone(GroupId, StartDate, 10, 7, 8)!;
        var groupRecorded = new GroupWinRecorded(GroupId, groupWin.WinId, WinKind.GroupMilestone, 80, StartDate, groupWin.Summary, Start);
        Spec.For<Group>(Group.Evolve).Given(World.Cohort()).When(g => GroupDecisions.Decide(new RecordGroupWin(groupWin), g, Start)).Then(groupRecorded);
        Spec.For<Group>(Group.Evolve).Given([.. World.Cohort(), groupRecorded]).When(g => GroupDecisions.Decide(new RecordGroupWin(groupWin), g, Start)).ThenNothing();
    }
}
