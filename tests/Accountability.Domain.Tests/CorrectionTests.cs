using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Tests;

/// <summary>A lost streak comes back only through a coach-approved correction, never by editing a number.</summary>
[Trait("Category", "Domain")]
public sealed class CorrectionTests
{
    private static readonly Group Group = GroupState();
    private static readonly Guid CorrectionId = Id("correction");
    private static readonly DateOnly Missed = StartDate.AddDays(1);
    private static readonly DateTimeOffset Now = Utc(2025, 3, 6, 9);

    private static Spec<Goal> MissedTuesday(params object[] more) =>
        Spec.For<Goal>(Goal.Evolve).Given([DailyGoal(), Posted(StartDate), Posted(StartDate.AddDays(2)), .. more]);

    private static StreakCorrectionRequested Requested => new(CorrectionId, GoalId, GroupId, Alice, Missed, "In hospital", Alice, Now);

    private static Outcome Request(Spec<Goal> spec, DateOnly date, string reason = "In hospital", Member? member = null, DateTimeOffset? now = null) =>
        spec.When(goal => GoalDecisions.Decide(new RequestStreakCorrection(CorrectionId, date, reason), goal, Group, member, Alice, now ?? Now));

    [Fact]
    public void A_member_asks_to_excuse_a_missed_day_with_a_reason()
    {
        Request(MissedTuesday(), Missed, " In hospital ").Then(Requested);
    }

    [Fact]
    public void Only_a_missed_period_can_be_corrected()
    {
        Request(MissedTuesday(), StartDate).ThenFails(ErrorKind.Conflict, StreakCorrectionDayWasDone);
        Request(MissedTuesday(), StartDate.AddDays(3), now: Utc(2025, 3, 6, 20)).ThenFails(ErrorKind.Conflict, StreakCorrectionDayStillOpen);
        Request(MissedTuesday(), StartDate.AddDays(-1)).ThenFails(ErrorKind.Validation, StreakCorrectionOutsideGoal);
        Request(MissedTuesday(), StartDate.AddDays(4)).ThenFails(ErrorKind.Validation, StreakCorrectionOutsideGoal);
        Request(MissedTuesday(), Missed, "").ThenFails(ErrorKind.Validation, StreakCorrectionReasonRequired);
        Request(MissedTuesday(), Missed, new string('r', 501)).ThenFails(ErrorKind.Validation, StreakCorrectionReasonTooLong);
    }

    [Fact]
    public void A_day_that_was_not_due_or_was_paused_has_nothing_to_correct()
    {
        var weekdays = Spec.For<Goal>(Goal.Evolve).Given(DailyGoal(cadence: Cadence.On(DayOfWeek.Monday, DayOfWeek.Wednesday)));
        Request(weekdays, Missed).ThenFails(ErrorKind.Validation, StreakCorrectionNotDue);
        var paused = MemberState(new TimeZoneChanged(Alice, "Europe/London", null, Start.AddDays(-9)), new PauseDeclared(Id("pause"), Alice, Missed, Missed, PauseReason.Illness, null, Start));
        Request(MissedTuesday(), Missed, member: paused).ThenFails(ErrorKind.Validation, StreakCorrectionNotDue);
    }

    [Fact]
    public void Corrections_reach_back_sixty_days_at_most()
    {
        Request(MissedTuesday(), Missed, now: Utc(2025, 5, 3, 9)).Single<StreakCorrectionRequested>();
        Request(MissedTuesday(), Missed, now: Utc(2025, 5, 4, 9)).ThenFails(ErrorKind.Validation, StreakCorrectionTooOld);
    }

    [Fact]
    public void A_period_is_corrected_once_and_a_retry_records_nothing()
    {
        Request(MissedTuesday(Requested), Missed).ThenNothing();
        MissedTuesday(Requested)
            .When(goal => GoalDecisions.Decide(new RequestStreakCorrection(Id("another"), Missed, "Again"), goal, Group, null, Alice, Now))
            .ThenFails(ErrorKind.Conflict, StreakCorrectionAlreadyRequested);
        Request(MissedTuesday(Requested), StartDate.AddDays(3)).ThenFails(ErrorKind.Conflict, StreakCorrectionIdReused);
    }

    [Fact]
    public void A_week_of_a_weekly_goal_is_corrected_as_a_whole()
    {
        var weekly = Spec.For<Goal>(Goal.Evolve).Given(DailyGoal(cadence: Cadence.TimesAWeek(2)), Posted(StartDate),
            new StreakCorrectionRequested(CorrectionId, GoalId, GroupId, Alice, StartDate.AddDays(1), "Away", Alice, Utc(2025, 3, 12)));
        weekly.When(goal => GoalDecisions.Decide(new RequestStreakCorrection(Id("same-week"), StartDate.AddDays(5), "Again"), goal, Group, null, Alice, Utc(2025, 3, 12)))
            .ThenFails(ErrorKind.Conflict, StreakCorrectionAlreadyRequested);
    }

    [Fact]
    public void A_coach_or_co_coach_approves_or_rejects_a_pending_request()
    {
        MissedTuesday(Requested).When(goal => GoalDecisions.Decide(new ApproveStreakCorrection(CorrectionId, "Get well"), goal, Group, CoCoach, Now))
            .Then(new StreakCorrectionApproved(CorrectionId, GoalId, GroupId, Alice, Missed, "Get well", CoCoach, Now));
        MissedTuesday(Requested).When(goal => GoalDecisions.Decide(new RejectStreakCorrection(CorrectionId, "Not eligible"), goal, Group, Coach, Now))
            .Then(new StreakCorrectionRejected(CorrectionId, GoalId, GroupId, Alice, Missed, "Not eligible", Coach, Now));
    }

    [Fact]
    public void Members_cannot_approve_and_nobody_approves_their_own_correction()
    {
        MissedTuesday(Requested).When(goal => GoalDecisions.Decide(new ApproveStreakCorrection(CorrectionId), goal, Group, Bob, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresStaff);
        var coachesOwnGoal = Spec.For<Goal>(Goal.Evolve).Given(DailyGoal(member: Coach),
            new StreakCorrectionRequested(CorrectionId, GoalId, GroupId, Coach, Missed, "Sick", Coach, Now));
        coachesOwnGoal.When(goal => GoalDecisions.Decide(new ApproveStreakCorrection(CorrectionId), goal, Group, Coach, Now)).ThenFails(ErrorKind.Forbidden, StreakCorrectionSelfApproval);
    }

    [Fact]
    public void A_decided_correction_is_not_decided_again()
    {
        var approved = new StreakCorrectionApproved(CorrectionId, GoalId, GroupId, Alice, Missed, null, Coach, Now);
        MissedTuesday(Requested, approved).When(goal => GoalDecisions.Decide(new ApproveStreakCorrection(CorrectionId), goal, Group, Coach, Now)).ThenNothing();
        MissedTuesday(Requested, approved).When(goal => GoalDecisions.Decide(new RejectStreakCorrection(CorrectionId), goal, Group, Coach, Now)).ThenFails(ErrorKind.Conflict, StreakCorrectionNotPending);
        MissedTuesday().When(goal => GoalDecisions.Decide(new ApproveStreakCorrection(CorrectionId), goal, Group, Coach, Now)).ThenFails(ErrorKind.NotFound, StreakCorrectionNotFound);
    }

    [Fact]
    public void A_coach_can_excuse_a_missed_day_directly_as_a_request_and_its_approval()
    {
        MissedTuesday().When(goal => GoalDecisions.Decide(new CorrectStreak(CorrectionId, Missed, "App outage"), goal, Group, null, Coach, Now))
            .Then(
                new StreakCorrectionRequested(CorrectionId, GoalId, GroupId, Alice, Missed, "App outage", Coach, Now),
                new StreakCorrectionApproved(CorrectionId, GoalId, GroupId, Alice, Missed, null, Coach, Now));
        MissedTuesday().When(goal => GoalDecisions.Decide(new CorrectStreak(CorrectionId, Missed, "Mine"), goal, Group, null, Bob, Now)).ThenFails(ErrorKind.Forbidden, GroupRequiresStaff);
    }

    [Fact]
    public void An_excused_period_cannot_be_corrected_again()
    {
        var approved = new StreakCorrectionApproved(CorrectionId, GoalId, GroupId, Alice, Missed, null, Coach, Now);
        MissedTuesday(Requested, approved)
            .When(goal => GoalDecisions.Decide(new CorrectStreak(Id("again"), Missed, "Again"), goal, Group, null, Coach, Now))
            .ThenFails(ErrorKind.Conflict, StreakCorrectionAlreadyRequested);
    }
}
