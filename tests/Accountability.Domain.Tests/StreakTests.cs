using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Progress;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
public sealed class StreakTests
{
    private static readonly Group Group = GroupState();
    private static readonly DateOnly Mon = StartDate;

    private static DateOnly Day(int offset) => Mon.AddDays(offset);

    /// <summary>Noon UTC (London) on the day after <paramref name="offset"/>: that day has just closed.</summary>
    private static DateTimeOffset AfterClose(int offset) => new(Day(offset + 1).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    private static GoalProgress Progress(IEnumerable<object> goalEvents, DateTimeOffset asOf, Member? member = null) =>
        ProgressCalculator.Compute(GoalState([.. goalEvents]), Group, member, asOf);

    private static object[] DoneOn(params int[] offsets) => offsets.Select(o => (object)Posted(Day(o))).ToArray();

    [Fact]
    public void Consecutive_done_days_make_the_streak_and_an_open_today_does_not_break_it()
    {
        var progress = Progress([DailyGoal(), .. DoneOn(0, 1, 2)], AfterClose(2));
        Assert.Equal(3, progress.CurrentStreak);
        Assert.Equal(3, progress.BestStreak);
        Assert.Equal(StreakUnit.Day, progress.Unit);
        Assert.Equal(Day(3), progress.Today);
        Assert.Equal(PeriodStatus.Pending, progress.Periods[^1].Status);
        Assert.Equal(new Consistency(3, 3), progress.AllTime);
    }

    [Fact]
    public void Yesterday_still_in_its_grace_window_does_not_break_the_streak()
    {
        var progress = Progress([DailyGoal(), .. DoneOn(0)], Utc(2025, 3, 5, 11, 59));
        Assert.Equal(1, progress.CurrentStreak);
        Assert.Equal([PeriodStatus.Done, PeriodStatus.Pending, PeriodStatus.Pending], progress.Periods.Select(p => p.Status));
    }

    [Fact]
    public void A_missed_day_breaks_the_streak_once_it_closes()
    {
        var progress = Progress([DailyGoal(), .. DoneOn(0, 1, 3)], AfterClose(3));
        Assert.Equal(1, progress.CurrentStreak);
        Assert.Equal(2, progress.BestStreak);
        Assert.Equal(Day(2), progress.BrokenBy!.FirstDate);
        Assert.Equal(Utc(2025, 3, 6, 12), progress.BrokenBy.ClosesAt);
        Assert.Equal(0, progress.TrailingMissed);
        Assert.Equal(new Consistency(3, 4), progress.AllTime);
    }

    [Fact]
    public void An_honest_not_done_check_in_is_a_missed_day()
    {
        var progress = Progress([DailyGoal(), Posted(Day(0)), Posted(Day(1), done: false)], AfterClose(1));
        Assert.Equal(0, progress.CurrentStreak);
        Assert.Equal(1, progress.TrailingMissed);
        Assert.Equal(Id("check-in-2025-03-04"), Assert.Single(progress.BrokenBy!.Evidence).Id);
    }

    [Fact]
    public void Days_that_are_not_due_neither_extend_nor_break_the_streak()
    {
        var monWedFri = Cadence.On(DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday);
        var progress = Progress([DailyGoal(cadence: monWedFri), .. DoneOn(0, 1, 2, 4, 7)], AfterClose(7));
        Assert.Equal(4, progress.CurrentStreak);
        Assert.Equal([Day(0), Day(2), Day(4), Day(7)], progress.Periods.Select(p => p.FirstDate));
        Assert.Equal(new Consistency(4, 4), progress.AllTime);
    }

    [Fact]
    public void Times_a_week_counts_weeks_and_a_week_short_of_its_count_is_missed()
    {
        var threeAWeek = Cadence.TimesAWeek(3);
        var progress = Progress([DailyGoal(cadence: threeAWeek), .. DoneOn(0, 2, 5, 7, 9, 14, 15, 16)], AfterClose(16));
        Assert.Equal(StreakUnit.Week, progress.Unit);
        Assert.Equal([PeriodStatus.Done, PeriodStatus.Missed, PeriodStatus.Done], progress.Periods.Select(p => p.Status));
        Assert.Equal(1, progress.CurrentStreak);
        Assert.Equal(1, progress.BestStreak);
        Assert.Equal(new Consistency(3 + 2 + 3, 9), progress.AllTime);
        Assert.Equal(Day(16), progress.Periods[2].SettledOn);
    }

    [Fact]
    public void A_week_still_running_is_pending_until_its_sunday_closes()
    {
        var progress = Progress([DailyGoal(cadence: Cadence.TimesAWeek(3)), .. DoneOn(0, 1)], AfterClose(4));
        var week = Assert.Single(progress.Periods);
        Assert.Equal(PeriodStatus.Pending, week.Status);
        Assert.Equal(Utc(2025, 3, 10, 12), week.ClosesAt);
        Assert.Equal(0, progress.CurrentStreak);
        Assert.Equal(Consistency.None, progress.AllTime);
    }

    [Fact]
    public void A_partial_first_week_needs_a_prorated_count()
    {
        var thursdayStart = DailyGoal(start: Day(3), cadence: Cadence.TimesAWeek(3));
        var progress = Progress([thursdayStart, .. DoneOn(3, 5)], AfterClose(6));
        var week = progress.Periods[0];
        Assert.Equal((Day(3), Day(6)), (week.FirstDate, week.LastDate));
        Assert.Equal(2, week.Required);
        Assert.Equal(PeriodStatus.Done, week.Status);
    }

    [Fact]
    public void A_weekly_goal_needs_one_done_day_a_week()
    {
        var progress = Progress([DailyGoal(cadence: Cadence.Weekly), .. DoneOn(6, 8, 20)], AfterClose(20));
        Assert.Equal([PeriodStatus.Done, PeriodStatus.Done, PeriodStatus.Done, PeriodStatus.Pending], progress.Periods.Select(p => p.Status));
        Assert.Equal(3, progress.CurrentStreak);
    }

    [Fact]
    public void Paused_days_are_neutral_and_show_the_pause_as_evidence()
    {
        var pauseId = Id("pause");
        var member = MemberState(
            new TimeZoneChanged(Alice, "Europe/London", null, Start.AddDays(-10)),
            new PauseDeclared(pauseId, Alice, Day(2), Day(3), PauseReason.Illness, "Flu", Start));
        var progress = Progress([DailyGoal(), .. DoneOn(0, 1, 3, 4)], AfterClose(4), member);
        Assert.Equal(3, progress.CurrentStreak);
        Assert.Equal(new Consistency(3, 3), progress.AllTime);
        var paused = progress.Periods.Where(p => p.Status == PeriodStatus.Paused).ToList();
        Assert.Equal([Day(2), Day(3)], paused.Select(p => p.FirstDate));
        Assert.All(paused, p => Assert.Equal(new Evidence("member-" + Alice.ToString("D"), EvidenceKind.Pause, pauseId, p.FirstDate), Assert.Single(p.Evidence)));
    }

    [Fact]
    public void A_pause_declared_later_does_not_change_an_earlier_as_of_view()
    {
        var member = MemberState(
            new TimeZoneChanged(Alice, "Europe/London", null, Start.AddDays(-10)),
            new PauseDeclared(Id("pause"), Alice, Day(3), null, PauseReason.Vacation, null, AfterClose(3)));
        var progress = Progress([DailyGoal(), .. DoneOn(0, 1, 2)], AfterClose(3).AddMinutes(-1), member);
        Assert.Equal(PeriodStatus.Pending, progress.Periods[^1].Status);
        Assert.Equal(PeriodStatus.Paused, Progress([DailyGoal(), .. DoneOn(0, 1, 2)], AfterClose(3), member).Periods[^1].Status);
    }

    [Fact]
    public void An_approved_correction_bridges_a_missed_day_and_a_rejected_one_does_not()
    {
        var correction = Id("correction");
        var requested = new StreakCorrectionRequested(correction, GoalId, GroupId, Alice, Day(2), "Hospital", Alice, AfterClose(3));
        object[] history = [DailyGoal(), .. DoneOn(0, 1, 3), requested];
        Assert.Equal(1, Progress(history, AfterClose(3)).CurrentStreak);

        var approved = Progress([.. history, new StreakCorrectionApproved(correction, GoalId, GroupId, Alice, Day(2), null, Coach, AfterClose(3))], AfterClose(3));
        Assert.Equal(3, approved.CurrentStreak);
        var excused = Assert.Single(approved.Periods, p => p.Status == PeriodStatus.Excused);
        Assert.Contains(new Evidence("goal-" + GoalId.ToString("D"), EvidenceKind.StreakCorrection, correction, Day(2)), excused.Evidence);
        Assert.Equal(new Consistency(3, 3), approved.AllTime);

        var rejected = Progress([.. history, new StreakCorrectionRejected(correction, GoalId, GroupId, Alice, Day(2), null, Coach, AfterClose(3))], AfterClose(3));
        Assert.Equal(1, rejected.CurrentStreak);
    }

    [Fact]
    public void Consistency_is_done_over_due_for_the_last_7_and_28_days_and_the_baseline_before()
    {
        var done = Enumerable.Range(0, 35).Where(i => i < 28 ? i % 4 != 3 : i % 2 == 0).ToArray();
        var progress = Progress([DailyGoal(), .. DoneOn(done)], AfterClose(34));
        Assert.Equal(Day(35), progress.Today);
        Assert.Equal(new Consistency(3, 6), progress.Last7);
        Assert.Equal(new Consistency(done.Count(i => i >= 8), 27), progress.Last28);
        Assert.Equal(new Consistency(21, 28), progress.Baseline28);
        Assert.Equal(75.0m, progress.Baseline28.Percent);
        Assert.Equal(50.0m, progress.Last7.Percent);
    }

    [Fact]
    public void A_revision_applies_from_its_date_and_earlier_days_keep_the_old_cadence()
    {
        var weekdays = Cadence.On(DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday);
        var revised = new GoalRevised(GoalId, GroupId, Alice, 1, Day(7), null, null, null, weekdays, null, null, null, "Weekends off", AfterClose(5));
        var progress = Progress([DailyGoal(), .. DoneOn(0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 14), revised], AfterClose(14));
        Assert.Equal(PeriodStatus.Missed, Assert.Single(progress.Periods, p => p.FirstDate == Day(6)).Status);
        Assert.DoesNotContain(progress.Periods, p => p.FirstDate == Day(12) || p.FirstDate == Day(13));
        Assert.Equal(6, progress.CurrentStreak);
        Assert.Equal(6, progress.BestStreak);
    }

    [Fact]
    public void Progress_as_of_a_past_instant_uses_only_what_was_recorded_by_then()
    {
        var amended = new CheckInAmended(Id("check-in-2025-03-04"), GoalId, GroupId, Alice, Day(1), true, null, null, [], null, false, true, Utc(2025, 3, 5, 9), "Europe/London", Day(2));
        var events = new object[] { DailyGoal(), Posted(Day(0)), Posted(Day(1), done: false), amended, Posted(Day(2)) };
        Assert.Equal(0, Progress(events, Utc(2025, 3, 5, 8)).Periods.Count(p => p.Status == PeriodStatus.Done && p.FirstDate == Day(1)));
        Assert.Equal(3, Progress(events, AfterClose(2)).CurrentStreak);

        var clock = Time.DayClock.For(Group, null);
        var asOfTuesday = ProgressCalculator.ComputeAsOfDate(GoalState(events), clock, [], Day(1));
        Assert.Equal(Day(1), asOfTuesday.Today);
        Assert.Equal(2, asOfTuesday.CurrentStreak);
        Assert.Equal(2, asOfTuesday.Periods.Count);
    }

    [Fact]
    public void A_day_counts_as_done_from_the_version_that_made_it_done_and_a_later_undone_version_restarts_that()
    {
        // Monday: posted done at 20:00, amended done (new note) at 21:00, undone at 22:00, done again at 23:00.
        CheckInAmended Amended(bool done, int hour) =>
            new(Id("check-in-2025-03-03"), GoalId, GroupId, Alice, Day(0), done, null, $"at {hour}", [], null, false, true, Utc(2025, 3, 3, hour), "Europe/London", Day(0));
        var events = new object[] { DailyGoal(), Posted(Day(0)), Amended(true, 21), Amended(false, 22), Amended(true, 23) };

        DateTimeOffset? DoneAt(DateTimeOffset asOf) => Progress(events, asOf).Periods[0].DoneAt;

        Assert.Equal(Utc(2025, 3, 3, 20), DoneAt(Utc(2025, 3, 3, 21, 30)));
        Assert.Null(DoneAt(Utc(2025, 3, 3, 22, 30)));
        Assert.Equal(Utc(2025, 3, 3, 23), DoneAt(Utc(2025, 3, 3, 23, 30)));
        Assert.Equal(Utc(2025, 3, 3, 23), DoneAt(AfterClose(0)));
        Assert.Equal(Utc(2025, 3, 3, 23), Progress(events, AfterClose(0)).Current.ReachedAt);
    }

    [Fact]
    public void The_streak_is_explained_by_the_check_ins_behind_it()
    {
        var progress = Progress([DailyGoal(), .. DoneOn(0, 2, 3)], AfterClose(3));
        Assert.Equal(
            [Day(2), Day(3)],
            progress.Current.Evidence.Select(e => e.Date));
        Assert.All(progress.Current.Evidence, e => Assert.Equal(EvidenceKind.CheckIn, e.Kind));
        Assert.Equal(Id("check-in-2025-03-05"), progress.Current.Evidence[0].Id);
        Assert.Equal("goal-" + GoalId.ToString("D"), progress.Current.Evidence[0].StreamId);
        Assert.Equal(Day(1), progress.BrokenBy!.FirstDate);
        Assert.Equal(Day(2), progress.Current.FirstDate);
        Assert.Equal(Posted(Day(3)).PostedAt, progress.Current.ReachedAt);
        Assert.Equal([Day(2), Day(3)], progress.PeriodsSettledBetween(Day(2), Day(3)).Select(p => p.FirstDate));
    }

    [Fact]
    public void The_best_streak_keeps_the_earlier_run_until_a_later_one_beats_it()
    {
        var tie = Progress([DailyGoal(), .. DoneOn(0, 1, 3, 4)], AfterClose(4));
        Assert.Equal(2, tie.BestStreak);
        Assert.Equal(Day(0), tie.Best.FirstDate);
        Assert.False(tie.IsOnBestRun);

        var beaten = Progress([DailyGoal(), .. DoneOn(0, 1, 3, 4, 5)], AfterClose(5));
        Assert.Equal(3, beaten.BestStreak);
        Assert.Equal(Day(3), beaten.Best.FirstDate);
        Assert.True(beaten.IsOnBestRun);
    }

    [Fact]
    public void A_number_below_target_is_not_done()
    {
        var water = DailyGoal(measure: GoalMeasure.Number("glasses", 8));
        var low = Posted(Day(0), done: false) with { Value = 5 };
        var progress = Progress([water, low, Posted(Day(1)) with { Value = 9 }], AfterClose(1));
        Assert.Equal([PeriodStatus.Missed, PeriodStatus.Done, PeriodStatus.Pending], progress.Periods.Select(p => p.Status));
    }

    [Fact]
    public void After_a_goal_is_achieved_nothing_more_is_due_and_its_last_day_counts_only_if_done()
    {
        var achieved = new GoalAchieved(GoalId, GroupId, Alice, Day(2), null, Utc(2025, 3, 5, 9));
        var notDoneThatDay = Progress([DailyGoal(), .. DoneOn(0, 1), achieved], AfterClose(10));
        Assert.Equal(2, notDoneThatDay.CurrentStreak);
        Assert.Equal(2, notDoneThatDay.Periods.Count);
        var doneThatDay = Progress([DailyGoal(), .. DoneOn(0, 1, 2), achieved], AfterClose(10));
        Assert.Equal(3, doneThatDay.CurrentStreak);
    }

    [Fact]
    public void The_end_date_stops_due_days()
    {
        var progress = Progress([DailyGoal(end: Day(1)), .. DoneOn(0, 1)], AfterClose(9));
        Assert.Equal(2, progress.Periods.Count);
        Assert.Equal(2, progress.CurrentStreak);
    }

    [Fact]
    public void The_latest_check_in_saying_stuck_is_an_open_stuck_request()
    {
        var stuck = Progress([DailyGoal(), Posted(Day(0)), Posted(Day(1), stuck: true, done: false)], Utc(2025, 3, 4, 21));
        Assert.Equal(Id("check-in-2025-03-04"), stuck.OpenStuck!.Id);
        Assert.Equal(Day(1), stuck.LastCheckInDate);
        var moving = Progress([DailyGoal(), Posted(Day(0)), Posted(Day(1), stuck: true, done: false), Posted(Day(2))], Utc(2025, 3, 5, 21));
        Assert.Null(moving.OpenStuck);
        Assert.Equal(Posted(Day(2)).PostedAt, moving.LastCheckInAt);
    }

    [Fact]
    public void Trailing_missed_days_count_the_lapse_since_the_last_done_one()
    {
        var progress = Progress([DailyGoal(), .. DoneOn(0)], AfterClose(4));
        Assert.Equal(4, progress.TrailingMissed);
        Assert.Equal(0, progress.CurrentStreak);
        Assert.Equal(StreakRun.Empty, progress.Current);
    }

    [Fact]
    public void Before_the_goal_was_set_there_is_no_progress()
    {
        var progress = Progress([DailyGoal() with { SetAt = Utc(2025, 3, 10) }, .. DoneOn(0)], Utc(2025, 3, 9));
        Assert.Empty(progress.Periods);
        Assert.Equal(0, progress.BestStreak);
    }

    [Fact]
    public void Explain_lists_every_figure_with_the_facts_behind_it()
    {
        var correction = Id("correction");
        var progress = Progress(
        [
            DailyGoal(), .. DoneOn(0, 1, 3, 5, 6),
            new StreakCorrectionRequested(correction, GoalId, GroupId, Alice, Day(2), "Sick", Alice, AfterClose(3)),
            new StreakCorrectionApproved(correction, GoalId, GroupId, Alice, Day(2), null, Coach, AfterClose(3)),
        ], AfterClose(6));
        var figures = progress.Explain().ToDictionary(f => f.Figure);
        Assert.Equal(["current-streak", "best-streak", "streak-broken-by", "consistency-7", "consistency-28", "baseline-28", "consistency-all-time"], figures.Keys);
        Assert.Equal(2, figures["current-streak"].Value);
        Assert.Equal([Day(5), Day(6)], figures["current-streak"].Evidence.Select(e => e.Date));
        Assert.Equal(3, figures["best-streak"].Value);
        Assert.Equal(
            [(EvidenceKind.CheckIn, Day(0)), (EvidenceKind.CheckIn, Day(1)), (EvidenceKind.StreakCorrection, Day(2)), (EvidenceKind.CheckIn, Day(3))],
            figures["best-streak"].Evidence.Select(e => (e.Kind, e.Date)));
        Assert.Equal(Day(4), Assert.Single(figures["streak-broken-by"].Periods).FirstDate);
        // Days 1 to 7: the excused day 2 and the still open day 7 are not counted.
        Assert.Equal(new Consistency(4, 5), figures["consistency-7"].Consistency);
        Assert.Equal([Day(1), Day(3), Day(4), Day(5), Day(6)], figures["consistency-7"].Periods.Select(p => p.FirstDate));
    }
}
