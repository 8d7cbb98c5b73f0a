using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Members;
using Accountability.Domain.Progress;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
public sealed class LeaderboardTests
{
    private static readonly LeaderboardRule Rule = LeaderboardRule.Default;

    private static LeaderboardEntry Entry(Guid member, int done, int due, int streak = 0, DateTimeOffset? reachedAt = null, bool optedOut = false) =>
        new(member, new Consistency(done, due), streak, reachedAt, optedOut);

    [Fact]
    public void Members_rank_by_consistency_against_their_own_plan_so_a_newcomer_can_lead()
    {
        var board = LeaderboardRanking.Rank([Entry(Alice, 27, 28, 27), Entry(Bob, 3, 3, 3), Entry(Carol, 10, 20)], Rule, LeaderboardWindow.AllTime, Carol);
        Assert.Equal([(1, Bob), (2, Alice), (3, Carol)], board.Rows.Select(r => (r.Rank!.Value, r.MemberId)));
        Assert.Equal(100.0m, board.Rows[0].Percent);
        Assert.Equal(Carol, board.Viewer!.MemberId);
        Assert.True(board.Viewer.IsViewer);
    }

    [Fact]
    public void Ties_go_to_the_longer_streak_then_to_who_reached_it_first_then_share_the_rank()
    {
        var early = Utc(2025, 3, 3);
        var board = LeaderboardRanking.Rank(
        [
            Entry(Alice, 9, 10, 4, early.AddHours(2)),
            Entry(Bob, 9, 10, 5, early.AddHours(3)),
            Entry(Carol, 18, 20, 4, early.AddHours(1)),
            Entry(Dan, 9, 10, 4, early.AddHours(2)),
        ], Rule, LeaderboardWindow.Rolling4Weeks, Alice);
        Assert.Equal([(1, Bob), (2, Carol)], board.Rows.Take(2).Select(r => (r.Rank!.Value, r.MemberId)));
        Assert.Equal(new HashSet<(int, Guid)> { (3, Alice), (3, Dan) }, board.Rows.Skip(2).Select(r => (r.Rank!.Value, r.MemberId)).ToHashSet());
    }

    [Fact]
    public void Members_with_too_little_due_are_listed_unranked_after_the_others()
    {
        var board = LeaderboardRanking.Rank([Entry(Alice, 2, 2, 2), Entry(Bob, 5, 10), Entry(Carol, 0, 0)], Rule, LeaderboardWindow.ThisWeek, Bob);
        Assert.Equal([(1, Bob), (null, Alice), (null, Carol)], board.Rows.Select(r => (r.Rank, r.MemberId)));
    }

    [Fact]
    public void Opted_out_members_are_hidden_from_others_but_see_where_they_would_be()
    {
        var entries = new[] { Entry(Alice, 10, 10, optedOut: true), Entry(Bob, 8, 10), Entry(Carol, 6, 10) };
        var bobsView = LeaderboardRanking.Rank(entries, Rule, LeaderboardWindow.AllTime, Bob);
        Assert.Equal([(1, Bob), (2, Carol)], bobsView.Rows.Select(r => (r.Rank!.Value, r.MemberId)));
        Assert.Equal(1, bobsView.HiddenCount);

        var alicesView = LeaderboardRanking.Rank(entries, Rule, LeaderboardWindow.AllTime, Alice);
        Assert.Equal([Alice, Bob, Carol], alicesView.Rows.Select(r => r.MemberId));
        Assert.Equal((1, true, true), (alicesView.Viewer!.Rank!.Value, alicesView.Viewer.HiddenFromOthers, alicesView.Viewer.IsViewer));
        Assert.Equal([1, 1, 2], alicesView.Rows.Select(r => r.Rank!.Value));
        Assert.Equal(0, alicesView.HiddenCount);
    }

    [Fact]
    public void A_done_count_rule_ranks_effort_instead()
    {
        var rule = new LeaderboardRule(2, LeaderboardBasis.DoneCount, 0);
        var board = LeaderboardRanking.Rank([Entry(Alice, 27, 28), Entry(Bob, 3, 3)], rule, LeaderboardWindow.AllTime, Alice);
        Assert.Equal([Alice, Bob], board.Rows.Select(r => r.MemberId));
        Assert.Equal(rule, board.Rule);
    }

    [Fact]
    public void Windows_are_this_week_from_monday_the_last_28_days_and_all_time()
    {
        var wednesday = new DateOnly(2025, 3, 5);
        Assert.Equal((new DateOnly(2025, 3, 3), wednesday), LeaderboardRanking.WindowDates(LeaderboardWindow.ThisWeek, wednesday));
        Assert.Equal((new DateOnly(2025, 3, 3), new DateOnly(2025, 3, 9)), LeaderboardRanking.WindowDates(LeaderboardWindow.ThisWeek, new DateOnly(2025, 3, 9)));
        Assert.Equal((new DateOnly(2025, 2, 6), wednesday), LeaderboardRanking.WindowDates(LeaderboardWindow.Rolling4Weeks, wednesday));
        Assert.Equal((DateOnly.MinValue, wednesday), LeaderboardRanking.WindowDates(LeaderboardWindow.AllTime, wednesday));
    }

    [Fact]
    public void An_entry_sums_the_members_goals_and_paused_days_do_not_count()
    {
        var group = GroupState();
        var member = MemberState(
            new TimeZoneChanged(Alice, "Europe/London", null, Start.AddDays(-9)),
            new PauseDeclared(Id("pause"), Alice, StartDate.AddDays(1), StartDate.AddDays(2), PauseReason.Vacation, null, Start));
        var walk = GoalState(DailyGoal(), Posted(StartDate), Posted(StartDate.AddDays(3)));
        var read = GoalState(DailyGoal(goalId: Id("read")), Posted(StartDate, goalId: Id("read"), checkInId: Id("r0")));
        var asOf = Utc(2025, 3, 7, 12);
        var progress = new[] { ProgressCalculator.Compute(walk, group, member, asOf), ProgressCalculator.Compute(read, group, member, asOf) };
        var entry = LeaderboardRanking.EntryFor(Alice, progress, LeaderboardWindow.ThisWeek, optedOut: false);
        // Walk: Monday and Thursday done; read: Monday done, Thursday missed; Tuesday and Wednesday paused; Friday still open.
        Assert.Equal(new Consistency(3, 4), entry.Consistency);
        Assert.Equal(2, entry.CurrentStreak);
        Assert.Equal(Posted(StartDate.AddDays(3)).PostedAt, entry.StreakReachedAt);
    }
}
