using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
public sealed class GoalTests
{
    private static readonly Group Group = GroupState();
    private static readonly DateTimeOffset Now = Utc(2025, 3, 3, 9);

    private static SetGoal Walk(DateOnly? start = null, DateOnly? end = null, GoalMeasure? measure = null, Cadence? cadence = null) =>
        new(GoalId, " Walk 30 minutes ", "Energy for my kids", measure ?? GoalMeasure.DoneOrNot, cadence ?? Cadence.Daily, start, end, "New shoes", "Donate 10 to a cause I dislike");

    private static Outcome Set(SetGoal command, Guid? actor = null, Goal? state = null, DateTimeOffset? now = null) =>
        Spec.For<Goal>(Goal.Evolve).When(_ => GoalDecisions.Decide(command, state, Group, null, actor ?? Alice, now ?? Now));

    private static Spec<Goal> Existing(params object[] more) => Spec.For<Goal>(Goal.Evolve).Given([DailyGoal(), .. more]);

    [Fact]
    public void A_member_sets_a_goal_starting_today_by_default()
    {
        Set(Walk()).Then(new GoalSet(GoalId, GroupId, Alice, "Walk 30 minutes", "Energy for my kids", GoalMeasure.DoneOrNot, Cadence.Daily, StartDate, null, "New shoes", "Donate 10 to a cause I dislike", GoalVisibility.Group, Now));
    }

    [Fact]
    public void A_number_goal_has_a_unit_and_a_target()
    {
        var set = Set(Walk(measure: GoalMeasure.Number(" km ", 5))).Single<GoalSet>();
        Assert.Equal(GoalMeasure.Number("km", 5), set.Measure);
        Set(Walk(measure: new GoalMeasure(MeasureKind.Number))).ThenFails(ErrorKind.Validation, GoalUnitRequired);
        Set(Walk(measure: new GoalMeasure(MeasureKind.Number, "km"))).ThenFails(ErrorKind.Validation, GoalTargetRequired);
        Set(Walk(measure: GoalMeasure.Number("km", 0))).ThenFails(ErrorKind.Validation, GoalTargetOutOfRange);
        Assert.Equal(0, Set(Walk(measure: GoalMeasure.Number("drinks", 0, TargetDirection.AtMost))).Single<GoalSet>().Measure.Target);
        Set(Walk(measure: new GoalMeasure(MeasureKind.Done, "km", 3))).ThenFails(ErrorKind.Validation, GoalTargetNotExpected);
        Set(Walk(measure: new GoalMeasure((MeasureKind)5))).ThenFails(ErrorKind.Validation, GoalMeasureUnknown);
    }

    [Fact]
    public void Each_cadence_takes_only_its_own_options()
    {
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Friday], Set(Walk(cadence: Cadence.On(DayOfWeek.Friday, DayOfWeek.Monday))).Single<GoalSet>().Cadence.Days);
        Set(Walk(cadence: Cadence.On())).ThenFails(ErrorKind.Validation, GoalCadenceDaysRequired);
        Set(Walk(cadence: Cadence.On(DayOfWeek.Monday, DayOfWeek.Monday))).ThenFails(ErrorKind.Validation, GoalCadenceDaysInvalid);
        Set(Walk(cadence: Cadence.TimesAWeek(0))).ThenFails(ErrorKind.Validation, GoalCadenceTimesOutOfRange);
        Set(Walk(cadence: Cadence.TimesAWeek(8))).ThenFails(ErrorKind.Validation, GoalCadenceTimesOutOfRange);
        Set(Walk(cadence: new Cadence(CadenceKind.Daily, [DayOfWeek.Monday]))).ThenFails(ErrorKind.Validation, GoalCadenceOptionsNotExpected);
        Set(Walk(cadence: new Cadence(CadenceKind.Weekly, TimesPerWeek: 2))).ThenFails(ErrorKind.Validation, GoalCadenceOptionsNotExpected);
        Set(Walk(cadence: new Cadence((CadenceKind)9))).ThenFails(ErrorKind.Validation, GoalCadenceUnknown);
    }

    [Fact]
    public void Texts_are_required_or_bounded()
    {
        var outcome = Set(new SetGoal(GoalId, "", new string('w', 1001), GoalMeasure.DoneOrNot, Cadence.Daily, Reward: new string('r', 501), Consequence: new string('c', 501)));
        outcome.ThenFails(ErrorKind.Validation, GoalTitleRequired);
        outcome.ThenFails(ErrorKind.Validation, GoalWhyTooLong);
        outcome.ThenFails(ErrorKind.Validation, GoalRewardTooLong);
        outcome.ThenFails(ErrorKind.Validation, GoalConsequenceTooLong);
        Set(Walk() with { Title = new string('t', 121) }).ThenFails(ErrorKind.Validation, GoalTitleTooLong);
        Set(Walk() with { Visibility = (GoalVisibility)7 }).ThenFails(ErrorKind.Validation, GoalVisibilityUnknown);
    }

    [Fact]
    public void A_goal_may_start_on_a_day_still_open_but_not_on_a_closed_one()
    {
        Assert.Equal(StartDate.AddDays(-1), Set(Walk(start: StartDate.AddDays(-1)), now: Utc(2025, 3, 3, 11, 59)).Single<GoalSet>().StartDate);
        Set(Walk(start: StartDate.AddDays(-1)), now: Utc(2025, 3, 3, 12)).ThenFails(ErrorKind.Validation, GoalStartInClosedDay);
        Set(Walk(start: StartDate.AddDays(366))).ThenFails(ErrorKind.Validation, GoalStartTooFar);
    }

    [Fact]
    public void The_end_date_follows_the_start_and_a_goal_runs_at_most_five_years()
    {
        Set(Walk(end: StartDate.AddDays(-1))).ThenFails(ErrorKind.Validation, GoalEndBeforeStart);
        Set(Walk(end: StartDate.AddYears(5).AddDays(1))).ThenFails(ErrorKind.Validation, GoalEndTooFar);
        Assert.Equal(StartDate, Set(Walk(end: StartDate)).Single<GoalSet>().EndDate);
    }

    [Fact]
    public void Setting_the_same_goal_again_is_a_retry_and_another_member_cannot_reuse_the_id()
    {
        var existing = GoalState(DailyGoal());
        Set(Walk(), state: existing).ThenNothing();
        Set(Walk(), actor: Bob, state: existing).ThenFails(ErrorKind.Conflict, GoalAlreadyExists);
    }

    [Fact]
    public void Only_active_members_set_goals_and_coaches_may_too()
    {
        Set(Walk(), actor: Stranger).ThenFails(ErrorKind.Forbidden, GroupNotAMember);
        Assert.Equal(Coach, Set(Walk(), actor: Coach).Single<GoalSet>().MemberId);
    }

    [Fact]
    public void A_revision_records_only_what_changes_from_its_effective_date()
    {
        var weekdays = Cadence.On(DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday);
        Existing()
            .When(goal => GoalDecisions.Decide(new ReviseGoal(StartDate.AddDays(7), Title: "Walk 30 minutes", Cadence: weekdays, Reason: "Weekends with family"), goal, Group, null, Alice, Now))
            .Then(new GoalRevised(GoalId, GroupId, Alice, 1, StartDate.AddDays(7), null, null, null, weekdays, null, null, null, "Weekends with family", Now));
    }

    [Fact]
    public void The_old_cadence_still_applies_before_the_revision_date()
    {
        var weekly = Cadence.Weekly;
        var goal = GoalState(DailyGoal(), new GoalRevised(GoalId, GroupId, Alice, 1, StartDate.AddDays(7), "Walk", null, null, weekly, null, null, null, null, Now));
        Assert.Equal(Cadence.Daily, goal.CadenceOn(StartDate.AddDays(6), Now));
        Assert.Equal(weekly, goal.CadenceOn(StartDate.AddDays(7), Now));
        Assert.Equal(Cadence.Daily, goal.CadenceOn(StartDate.AddDays(7), Now.AddSeconds(-1)));
        Assert.Equal("Walk", goal.Title);
        Assert.Equal(1, goal.Revision);
    }

    [Fact]
    public void A_revision_cannot_reach_back_before_today_and_an_empty_one_records_nothing()
    {
        Existing().When(goal => GoalDecisions.Decide(new ReviseGoal(StartDate.AddDays(-1), Cadence: Cadence.Weekly), goal, Group, null, Alice, Now)).ThenFails(ErrorKind.Validation, GoalRevisionInPast);
        Existing().When(goal => GoalDecisions.Decide(new ReviseGoal(StartDate.AddDays(400), Cadence: Cadence.Weekly), goal, Group, null, Alice, Now)).ThenFails(ErrorKind.Validation, GoalRevisionTooFar);
        Existing().When(goal => GoalDecisions.Decide(new ReviseGoal(Title: "Walk 30 minutes", Cadence: Cadence.Daily), goal, Group, null, Alice, Now)).ThenNothing();
        Existing().When(goal => GoalDecisions.Decide(new ReviseGoal(EndDate: StartDate.AddDays(-1)), goal, Group, null, Alice, Now)).ThenFails(ErrorKind.Validation, GoalEndBeforeStart);
    }

    [Fact]
    public void Only_the_owner_revises_and_a_closed_goal_cannot_be_revised()
    {
        Existing().When(goal => GoalDecisions.Decide(new ReviseGoal(Title: "Mine"), goal, Group, null, Bob, Now)).ThenFails(ErrorKind.Forbidden, GoalNotOwner);
        Existing(new GoalAbandoned(GoalId, GroupId, Alice, StartDate, null, Now))
            .When(goal => GoalDecisions.Decide(new ReviseGoal(Title: "Again"), goal, Group, null, Alice, Now)).ThenFails(ErrorKind.Conflict, GoalClosed);
    }

    [Fact]
    public void Visibility_changes_at_once()
    {
        Existing().When(goal => GoalDecisions.Decide(new ChangeGoalVisibility(GoalVisibility.CoachOnly), goal, Group, Alice, Now))
            .Then(new GoalVisibilityChanged(GoalId, GroupId, Alice, GoalVisibility.CoachOnly, Now));
        Existing().When(goal => GoalDecisions.Decide(new ChangeGoalVisibility(GoalVisibility.Group), goal, Group, Alice, Now)).ThenNothing();
    }

    [Fact]
    public void Achieving_records_the_local_day_and_is_idempotent()
    {
        Existing().When(goal => GoalDecisions.Decide(new AchieveGoal("Did it!"), goal, Group, null, Alice, Now))
            .Then(new GoalAchieved(GoalId, GroupId, Alice, StartDate, "Did it!", Now));
        Existing(new GoalAchieved(GoalId, GroupId, Alice, StartDate, null, Now))
            .When(goal => GoalDecisions.Decide(new AchieveGoal(), goal, Group, null, Alice, Now)).ThenNothing();
    }

    [Fact]
    public void Abandoning_records_the_reason_and_an_abandoned_goal_cannot_be_achieved()
    {
        Existing().When(goal => GoalDecisions.Decide(new AbandonGoal("Injury"), goal, Group, null, Alice, Now))
            .Then(new GoalAbandoned(GoalId, GroupId, Alice, StartDate, "Injury", Now));
        Existing(new GoalAbandoned(GoalId, GroupId, Alice, StartDate, null, Now))
            .When(goal => GoalDecisions.Decide(new AchieveGoal(), goal, Group, null, Alice, Now)).ThenFails(ErrorKind.Conflict, GoalClosed);
        Existing().When(goal => GoalDecisions.Decide(new AbandonGoal(), goal, Group, null, Coach, Now)).ThenFails(ErrorKind.Forbidden, GoalNotOwner);
    }

    [Fact]
    public void Cadences_are_equal_by_content()
    {
        Assert.Equal(Cadence.On(DayOfWeek.Monday, DayOfWeek.Friday), Cadence.On(DayOfWeek.Friday, DayOfWeek.Monday));
        Assert.NotEqual(Cadence.TimesAWeek(2), Cadence.TimesAWeek(3));
        Assert.Equal(Cadence.On(DayOfWeek.Monday, DayOfWeek.Friday).GetHashCode(), Cadence.On(DayOfWeek.Friday, DayOfWeek.Monday).GetHashCode());
    }

    [Fact]
    public void A_unit_has_at_most_20_characters_and_an_end_date_cannot_be_moved_into_the_past()
    {
        Set(Walk(measure: GoalMeasure.Number(new string('u', 21), 5))).ThenFails(ErrorKind.Validation, GoalUnitTooLong);
        Existing().When(goal => GoalDecisions.Decide(new ReviseGoal(EndDate: StartDate.AddDays(2)), goal, Group, null, Alice, Utc(2025, 3, 6, 9))).ThenFails(ErrorKind.Validation, GoalEndInPast);
        Assert.Equal(StartDate.AddDays(3), Existing().When(goal => GoalDecisions.Decide(new ReviseGoal(EndDate: StartDate.AddDays(3)), goal, Group, null, Alice, Utc(2025, 3, 6, 9))).Single<GoalRevised>().EndDate);
    }
}
