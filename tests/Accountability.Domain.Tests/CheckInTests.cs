using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Tests;

[Trait("Category", "Domain")]
public sealed class CheckInTests
{
    private static readonly Group Group = GroupState();
    private static readonly Guid CheckInId = Id("check-in");
    private static readonly DateOnly Monday = StartDate;
    private static readonly DateOnly Tuesday = StartDate.AddDays(1);

    private static Spec<Goal> AlicesGoal(params object[] more) => Spec.For<Goal>(Goal.Evolve).Given([DailyGoal(), .. more]);

    private static Outcome Post(Spec<Goal> spec, PostCheckIn command, DateTimeOffset now, Member? member = null, Guid? actor = null, Group? group = null) =>
        spec.When(goal => GoalDecisions.Decide(command, goal, group ?? Group, member, actor ?? Alice, now));

    [Fact]
    public void A_check_in_stores_the_instant_the_members_zone_and_the_local_date()
    {
        var now = Utc(2025, 3, 3, 20, 15);
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true, Note: " Felt great ", Mood: 4), now)
            .Then(new CheckInPosted(CheckInId, GoalId, GroupId, Alice, Monday, true, null, "Felt great", [], 4, false, true, now, "Europe/London", Monday));
    }

    [Fact]
    public void Without_a_date_the_check_in_is_for_the_members_local_today_not_the_utc_date()
    {
        var auckland = MemberState(new TimeZoneChanged(Alice, "Pacific/Auckland", null, Start.AddDays(-30)));
        var now = Utc(2025, 3, 3, 20, 0);
        var posted = Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true), now, auckland).Single<CheckInPosted>();
        Assert.Equal(new DateOnly(2025, 3, 4), posted.Date);
        Assert.Equal("Pacific/Auckland", posted.TimeZoneId);
        Assert.Equal(new DateOnly(2025, 3, 4), posted.PostedOnLocalDate);
    }

    [Fact]
    public void Yesterday_can_still_be_checked_in_until_noon_and_the_event_shows_it_was_late()
    {
        var now = Utc(2025, 3, 4, 11, 59);
        var posted = Post(AlicesGoal(), new PostCheckIn(CheckInId, Monday, Done: true), now).Single<CheckInPosted>();
        Assert.Equal(Monday, posted.Date);
        Assert.Equal(Tuesday, posted.PostedOnLocalDate);
    }

    [Fact]
    public void After_noon_yesterday_is_closed_and_the_error_says_when_it_closed()
    {
        var error = Post(AlicesGoal(), new PostCheckIn(CheckInId, Monday, Done: true), Utc(2025, 3, 4, 12, 0))
            .ThenFails(ErrorKind.Validation, CheckInOutsideGraceWindow);
        Assert.Equal("date", error.Field);
        Assert.Contains("closed at 2025-03-04 12:00 Europe/London (2025-03-04 12:00Z)", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_group_without_grace_closes_the_day_at_local_midnight()
    {
        var noGrace = GroupState(World.Cohort(grace: 0));
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Monday, Done: true), Utc(2025, 3, 3, 23, 59), group: noGrace).Single<CheckInPosted>();
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Monday, Done: true), Utc(2025, 3, 4, 0, 0), group: noGrace).ThenFails(ErrorKind.Validation, CheckInOutsideGraceWindow);
    }

    [Fact]
    public void A_date_that_has_not_begun_in_the_members_zone_is_refused_and_the_error_says_what_today_is()
    {
        var error = Post(AlicesGoal(), new PostCheckIn(CheckInId, Tuesday, Done: true), Utc(2025, 3, 3, 23, 59))
            .ThenFails(ErrorKind.Validation, CheckInFutureDate);
        Assert.Equal("It is 2025-03-03 in Europe/London; 2025-03-04 has not begun, so it cannot be checked in yet.", error.Detail);
    }

    [Fact]
    public void A_date_that_has_begun_in_a_zone_ahead_of_utc_is_accepted()
    {
        var kiritimati = MemberState(new TimeZoneChanged(Alice, "Pacific/Kiritimati", null, Start.AddDays(-30)));
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Tuesday, Done: true), Utc(2025, 3, 3, 10, 0), kiritimati).Single<CheckInPosted>();
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Tuesday, Done: true), Utc(2025, 3, 3, 9, 59), kiritimati).ThenFails(ErrorKind.Validation, CheckInFutureDate);
    }

    [Fact]
    public void Dates_before_the_goal_starts_or_after_it_ends_are_refused()
    {
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Monday.AddDays(-1), Done: true), Utc(2025, 3, 3, 9)).ThenFails(ErrorKind.Validation, CheckInBeforeGoalStart);
        var ended = Spec.For<Goal>(Goal.Evolve).Given(DailyGoal(end: Monday));
        Post(ended, new PostCheckIn(CheckInId, Tuesday, Done: true), Utc(2025, 3, 4, 9)).ThenFails(ErrorKind.Validation, CheckInAfterGoalEnd);
    }

    [Fact]
    public void Posting_again_for_the_same_date_amends_the_check_in_and_keeps_its_id()
    {
        var now = Utc(2025, 3, 3, 21);
        Post(AlicesGoal(Posted(Monday, done: false, checkInId: CheckInId)), new PostCheckIn(Id("second-try"), Monday, Done: true, Note: "Did it after all"), now)
            .Then(new CheckInAmended(CheckInId, GoalId, GroupId, Alice, Monday, true, null, "Did it after all", [], null, false, true, now, "Europe/London", Monday));
    }

    [Fact]
    public void Amendments_keep_every_version()
    {
        var goal = GoalState(DailyGoal(), Posted(Monday, done: false, checkInId: CheckInId),
            new CheckInAmended(CheckInId, GoalId, GroupId, Alice, Monday, true, null, null, [], null, false, true, Utc(2025, 3, 3, 21), "Europe/London", Monday));
        var checkIn = goal.CheckIns[Monday];
        Assert.Equal(2, checkIn.Versions.Count);
        Assert.False(checkIn.Versions[0].Content.Done);
        Assert.True(checkIn.Current.Content.Done);
        Assert.False(checkIn.AsOf(Utc(2025, 3, 3, 20, 30))!.Content.Done);
    }

    [Fact]
    public void A_retry_with_the_same_id_and_content_records_nothing_even_after_the_day_closed()
    {
        Post(AlicesGoal(Posted(Monday, checkInId: CheckInId)), new PostCheckIn(CheckInId, Monday, Done: true), Utc(2025, 3, 10, 9)).ThenNothing();
    }

    [Fact]
    public void A_retry_without_a_date_after_midnight_keeps_the_date_of_the_first_post()
    {
        Post(AlicesGoal(Posted(Monday, checkInId: CheckInId)), new PostCheckIn(CheckInId, Done: true), Utc(2025, 3, 4, 9)).ThenNothing();
        Assert.Equal(Monday, Post(AlicesGoal(Posted(Monday, checkInId: CheckInId)), new PostCheckIn(CheckInId, Done: true, Mood: 3), Utc(2025, 3, 4, 9)).Single<CheckInAmended>().Date);
    }

    [Fact]
    public void The_same_id_for_another_date_is_a_conflict()
    {
        var error = Post(AlicesGoal(Posted(Monday, checkInId: CheckInId)), new PostCheckIn(CheckInId, Tuesday, Done: true), Utc(2025, 3, 4, 9))
            .ThenFails(ErrorKind.Conflict, CheckInIdReused);
        Assert.Equal("checkInId", error.Field);
    }

    [Fact]
    public void The_same_content_under_a_new_id_for_a_checked_in_date_records_nothing()
    {
        Post(AlicesGoal(Posted(Monday, checkInId: CheckInId)), new PostCheckIn(Id("other"), Monday, Done: true), Utc(2025, 3, 3, 22)).ThenNothing();
    }

    [Fact]
    public void An_amendment_after_the_day_closed_is_refused()
    {
        Post(AlicesGoal(Posted(Monday, done: false, checkInId: CheckInId)), new PostCheckIn(CheckInId, Monday, Done: true), Utc(2025, 3, 4, 12))
            .ThenFails(ErrorKind.Validation, CheckInOutsideGraceWindow);
    }

    [Fact]
    public void A_number_goal_derives_done_from_the_target()
    {
        var water = Spec.For<Goal>(Goal.Evolve).Given(DailyGoal(measure: GoalMeasure.Number("glasses", 8)));
        Assert.True(Post(water, new PostCheckIn(CheckInId, Value: 8), Utc(2025, 3, 3, 20)).Single<CheckInPosted>().Done);
        Assert.False(Post(water, new PostCheckIn(CheckInId, Value: 7.5m), Utc(2025, 3, 3, 20)).Single<CheckInPosted>().Done);
        var coffee = Spec.For<Goal>(Goal.Evolve).Given(DailyGoal(measure: GoalMeasure.Number("cups", 2, TargetDirection.AtMost)));
        Assert.True(Post(coffee, new PostCheckIn(CheckInId, Value: 1), Utc(2025, 3, 3, 20)).Single<CheckInPosted>().Done);
        Assert.False(Post(coffee, new PostCheckIn(CheckInId, Value: 3), Utc(2025, 3, 3, 20)).Single<CheckInPosted>().Done);
    }

    [Fact]
    public void A_number_goal_needs_a_value_that_agrees_with_any_done_claim()
    {
        var water = Spec.For<Goal>(Goal.Evolve).Given(DailyGoal(measure: GoalMeasure.Number("glasses", 8)));
        Post(water, new PostCheckIn(CheckInId, Done: true), Utc(2025, 3, 3, 20)).ThenFails(ErrorKind.Validation, CheckInValueRequired);
        Post(water, new PostCheckIn(CheckInId, Done: true, Value: 3), Utc(2025, 3, 3, 20)).ThenFails(ErrorKind.Validation, CheckInDoneConflictsWithValue);
        Post(water, new PostCheckIn(CheckInId, Value: 2_000_000_000m), Utc(2025, 3, 3, 20)).ThenFails(ErrorKind.Validation, CheckInValueOutOfRange);
    }

    [Fact]
    public void A_done_goal_needs_done_and_takes_no_value()
    {
        Post(AlicesGoal(), new PostCheckIn(CheckInId), Utc(2025, 3, 3, 20)).ThenFails(ErrorKind.Validation, CheckInDoneRequired);
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true, Value: 3), Utc(2025, 3, 3, 20)).ThenFails(ErrorKind.Validation, CheckInValueNotExpected);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Mood_is_from_one_to_five(int mood)
    {
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true, Mood: mood), Utc(2025, 3, 3, 20)).ThenFails(ErrorKind.Validation, CheckInMoodOutOfRange);
    }

    [Fact]
    public void A_note_has_at_most_2000_characters()
    {
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true, Note: new string('n', 2001)), Utc(2025, 3, 3, 20)).ThenFails(ErrorKind.Validation, CheckInNoteTooLong);
    }

    [Fact]
    public void Answers_go_to_the_groups_prompts_once_each()
    {
        var now = Utc(2025, 3, 3, 20);
        var answers = new[] { new PromptAnswer(PromptWhatWorked, " Morning walk "), new PromptAnswer(PromptNext, "Same again") };
        var posted = Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true, Answers: answers), now).Single<CheckInPosted>();
        Assert.Equal([new PromptAnswer(PromptWhatWorked, "Morning walk"), new PromptAnswer(PromptNext, "Same again")], posted.Answers);

        var outcome = Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true, Answers:
        [
            new PromptAnswer(Id("not-a-prompt"), "x"),
            new PromptAnswer(PromptNext, "a"),
            new PromptAnswer(PromptNext, "b"),
            new PromptAnswer(PromptWhatWorked, new string('a', 1001)),
        ]), now);
        Assert.Equal("answers[0].promptId", outcome.ThenFails(ErrorKind.Validation, CheckInUnknownPrompt).Field);
        Assert.Equal("answers[2].promptId", outcome.ThenFails(ErrorKind.Validation, CheckInDuplicateAnswer).Field);
        Assert.Equal("answers[3].text", outcome.ThenFails(ErrorKind.Validation, CheckInAnswerTooLong).Field);
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true, Answers: [new PromptAnswer(PromptNext, " ")]), now).ThenFails(ErrorKind.Validation, CheckInAnswerRequired);
    }

    [Fact]
    public void I_am_stuck_is_recorded_with_the_check_in()
    {
        Assert.True(Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: false, Stuck: true), Utc(2025, 3, 3, 20)).Single<CheckInPosted>().Stuck);
    }

    [Fact]
    public void Only_the_goals_owner_checks_in()
    {
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true), Utc(2025, 3, 3, 20), actor: Bob).ThenFails(ErrorKind.Forbidden, GoalNotOwner);
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true), Utc(2025, 3, 3, 20), actor: Coach).ThenFails(ErrorKind.Forbidden, GoalNotOwner);
    }

    [Fact]
    public void A_removed_member_cannot_check_in()
    {
        var group = GroupState([.. World.Cohort(), new MemberRemoved(GroupId, Alice, "Spam", Coach, Start)]);
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true), Utc(2025, 3, 3, 20), group: group).ThenFails(ErrorKind.Forbidden, GroupMemberRemoved);
    }

    [Fact]
    public void A_goal_that_does_not_exist_or_belongs_to_another_group_is_not_found()
    {
        Post(Spec.For<Goal>(Goal.Evolve), new PostCheckIn(CheckInId, Done: true), Utc(2025, 3, 3, 20)).ThenFails(ErrorKind.NotFound, GoalNotFound);
        var other = GroupState(Created() with { GroupId = Id("other-group") });
        Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true), Utc(2025, 3, 3, 20), group: other).ThenFails(ErrorKind.NotFound, GoalNotFound);
    }

    [Fact]
    public void An_achieved_goal_takes_no_check_ins_after_its_last_day_but_its_open_days_can_still_be_completed()
    {
        var achieved = AlicesGoal(new GoalAchieved(GoalId, GroupId, Alice, Tuesday, null, Utc(2025, 3, 4, 9)));
        Post(achieved, new PostCheckIn(CheckInId, Monday, Done: true), Utc(2025, 3, 4, 10)).Single<CheckInPosted>();
        Post(achieved, new PostCheckIn(CheckInId, Tuesday, Done: true), Utc(2025, 3, 4, 10)).Single<CheckInPosted>();
        Post(achieved, new PostCheckIn(CheckInId, Tuesday.AddDays(1), Done: true), Utc(2025, 3, 5, 10)).ThenFails(ErrorKind.Conflict, GoalClosed);
    }

    [Fact]
    public void The_members_own_zone_wins_over_the_groups_default()
    {
        var newYork = MemberState(new TimeZoneChanged(Alice, "America/New_York", null, Start.AddDays(-30)));
        var posted = Post(AlicesGoal(), new PostCheckIn(CheckInId, Done: true), Utc(2025, 3, 4, 3), newYork).Single<CheckInPosted>();
        Assert.Equal(Monday, posted.Date);
        Assert.Equal("America/New_York", posted.TimeZoneId);
    }
}
