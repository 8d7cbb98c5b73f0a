using Accountability.Domain.Common;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Progress;
using Accountability.Domain.Time;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Goals;

/// <summary>
/// Pure decisions on a goal stream. Every decision takes the group (roles, prompts, grace, default zone)
/// and the goal owner's member state (own zone, pauses): together they make the owner's calendar.
/// </summary>
public static class GoalDecisions
{
    public const int TitleMaxLength = 120;
    public const int WhyMaxLength = 1000;
    public const int CommitmentMaxLength = 500;
    public const int UnitMaxLength = 20;
    public const int NoteMaxLength = 2000;
    public const int AnswerMaxLength = 1000;
    public const int ReasonMaxLength = 500;
    public const decimal MaxValue = 1_000_000_000m;
    public const int MaxStartDaysAhead = 365;
    public const int MaxGoalYears = 5;

    /// <summary>How far back a missed period may still be excused.</summary>
    public const int CorrectionWindowDays = 60;

    public static IReadOnlyList<object> Decide(SetGoal command, Goal? state, Group group, Member? member, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(group);
        GroupRules.RequireActiveMember(group, actor);
        now = now.Utc();
        if (state is not null)
        {
            return state.MemberId == actor && state.Title == command.Title?.Trim()
                ? []
                : throw Refuse.Conflict(GoalAlreadyExists, "Goal already exists", "A goal with this id already exists.");
        }

        var clock = DayClock.For(group, member);
        var today = clock.Today(now);
        var start = command.StartDate ?? today;
        var errors = new FieldErrors();
        var title = errors.Required(command.Title, "title", TitleMaxLength, GoalTitleRequired, GoalTitleTooLong, "Title");
        var why = errors.Optional(command.Why, "why", WhyMaxLength, GoalWhyTooLong, "Why it matters");
        var reward = errors.Optional(command.Reward, "reward", CommitmentMaxLength, GoalRewardTooLong, "Reward");
        var consequence = errors.Optional(command.Consequence, "consequence", CommitmentMaxLength, GoalConsequenceTooLong, "Consequence");
        var measure = ValidateMeasure(errors, command.Measure);
        var cadence = ValidateCadence(errors, command.Cadence);
        ValidateVisibility(errors, command.Visibility);
        if (start < today && !clock.IsOpen(start, now))
        {
            errors.Add(GoalStartInClosedDay, "Start day already closed", $"A goal can start on a day that is still open; {start:yyyy-MM-dd} closed at {clock.Format(clock.ClosesAt(start))}.", "startDate");
        }
        else if (start > today.AddDays(MaxStartDaysAhead))
        {
            errors.Add(GoalStartTooFar, "Start too far ahead", $"A goal can start at most {MaxStartDaysAhead} days ahead.", "startDate");
        }

        ValidateEndDate(errors, command.EndDate, start, today);
        errors.ThrowIfAny();

        return
        [
            new GoalSet(command.GoalId, group.Id, actor, title, why, measure!, cadence!, start, command.EndDate, reward, consequence, command.Visibility, now),
        ];
    }

    public static IReadOnlyList<object> Decide(ReviseGoal command, Goal? state, Group group, Member? member, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var goal = RequireOwnGoal(state, group, actor);
        RequireActiveGoal(goal);
        now = now.Utc();
        var clock = DayClock.For(group, member);
        var today = clock.Today(now);
        var effectiveFrom = command.EffectiveFrom ?? today;
        var errors = new FieldErrors();
        if (effectiveFrom < today)
        {
            errors.Add(GoalRevisionInPast, "Revision in the past", $"A revision takes effect from today ({today:yyyy-MM-dd}) or later; days already begun keep their rules.", "effectiveFrom");
        }
        else if (effectiveFrom > today.AddDays(MaxStartDaysAhead))
        {
            errors.Add(GoalRevisionTooFar, "Revision too far ahead", $"A revision can take effect at most {MaxStartDaysAhead} days ahead.", "effectiveFrom");
        }

        var title = command.Title is null ? null : errors.Required(command.Title, "title", TitleMaxLength, GoalTitleRequired, GoalTitleTooLong, "Title");
        var why = errors.Optional(command.Why, "why", WhyMaxLength, GoalWhyTooLong, "Why it matters");
        var reward = errors.Optional(command.Reward, "reward", CommitmentMaxLength, GoalRewardTooLong, "Reward");
        var consequence = errors.Optional(command.Consequence, "consequence", CommitmentMaxLength, GoalConsequenceTooLong, "Consequence");
        var reason = errors.Optional(command.Reason, "reason", ReasonMaxLength, ModerationReasonTooLong, "Reason");
        var measure = command.Measure is null ? null : ValidateMeasure(errors, command.Measure);
        var cadence = command.Cadence is null ? null : ValidateCadence(errors, command.Cadence);
        if (command.EndDate is not null)
        {
            ValidateEndDate(errors, command.EndDate, goal.StartDate, today);
        }

        errors.ThrowIfAny();

        var changed = new GoalRevised(
            goal.Id,
            goal.GroupId,
            goal.MemberId,
            goal.Revision + 1,
            effectiveFrom,
            title == goal.Title ? null : title,
            why == goal.Why ? null : why,
            measure is null || (measure == goal.MeasureOn(effectiveFrom, now) && goal.Measure == measure) ? null : measure,
            cadence is null || (cadence.Equals(goal.CadenceOn(effectiveFrom, now)) && goal.Cadence.Equals(cadence)) ? null : cadence,
            command.EndDate == goal.EndDate ? null : command.EndDate,
            reward == goal.Reward ? null : reward,
            consequence == goal.Consequence ? null : consequence,
            reason,
            now);
        var nothingChanged = changed is { Title: null, Why: null, Measure: null, Cadence: null, EndDate: null, Reward: null, Consequence: null };
        return nothingChanged ? [] : [changed];
    }

    public static IReadOnlyList<object> Decide(ChangeGoalVisibility command, Goal? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var goal = RequireOwnGoal(state, group, actor);
        var errors = new FieldErrors();
        ValidateVisibility(errors, command.Visibility);
        errors.ThrowIfAny();
        return goal.Visibility == command.Visibility
            ? []
            : [new GoalVisibilityChanged(goal.Id, goal.GroupId, goal.MemberId, command.Visibility, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(AchieveGoal command, Goal? state, Group group, Member? member, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var goal = RequireOwnGoal(state, group, actor);
        if (goal.Status == GoalStatus.Achieved)
        {
            return [];
        }

        RequireActiveGoal(goal);
        now = now.Utc();
        var errors = new FieldErrors();
        var note = errors.Optional(command.Note, "note", NoteMaxLength, CheckInNoteTooLong, "Note");
        errors.ThrowIfAny();
        var today = DayClock.For(group, member).Today(now);
        return [new GoalAchieved(goal.Id, goal.GroupId, goal.MemberId, today, note, now)];
    }

    public static IReadOnlyList<object> Decide(AbandonGoal command, Goal? state, Group group, Member? member, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var goal = RequireOwnGoal(state, group, actor);
        if (goal.Status == GoalStatus.Abandoned)
        {
            return [];
        }

        RequireActiveGoal(goal);
        now = now.Utc();
        var errors = new FieldErrors();
        var reason = errors.Optional(command.Reason, "reason", ReasonMaxLength, ModerationReasonTooLong, "Reason");
        errors.ThrowIfAny();
        var today = DayClock.For(group, member).Today(now);
        return [new GoalAbandoned(goal.Id, goal.GroupId, goal.MemberId, today, reason, now)];
    }

    /// <summary>
    /// Posts or amends the check-in of a local date. A retry (same id, same content) records nothing;
    /// the same id for another date is a conflict. The date must have begun (in the member's calendar,
    /// see <see cref="DayClock"/>) and must not have closed.
    /// </summary>
    public static IReadOnlyList<object> Decide(PostCheckIn command, Goal? state, Group group, Member? member, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var goal = RequireOwnGoal(state, group, actor);
        now = now.Utc();
        var clock = DayClock.For(group, member);
        // A retry that left the date implicit means the date of the first attempt, even after midnight.
        var date = command.Date
            ?? (goal.CheckInDates.TryGetValue(command.CheckInId, out var firstDate) ? firstDate : clock.CalendarDateAt(now));
        var errors = new FieldErrors();
        var content = BuildContent(errors, command, goal.MeasureOn(date, now), group);
        errors.ThrowIfAny();

        if (goal.CheckInDates.TryGetValue(command.CheckInId, out var earlierDate) && earlierDate != date)
        {
            throw Refuse.Conflict(CheckInIdReused, "Check-in id already used", $"This check-in id was used for {earlierDate:yyyy-MM-dd}; a retry must keep the same date.", "checkInId");
        }

        var existing = goal.CheckIns.GetValueOrDefault(date);
        if (existing is not null && existing.Current.Content.Equals(content))
        {
            return [];
        }

        if (goal.ClosedOn is { } closedOn && date > closedOn)
        {
            throw Refuse.Conflict(GoalClosed, "Goal is closed", $"This goal was {goal.Status.ToString().ToLowerInvariant()} on {closedOn:yyyy-MM-dd}; later days take no check-ins.");
        }

        RequireOpenDate(clock, goal, date, now);
        var zone = clock.TimeZoneIdAt(now);
        var localDate = clock.CalendarDateAt(now);
        return existing is null
            ? [new CheckInPosted(command.CheckInId, goal.Id, goal.GroupId, goal.MemberId, date, content.Done, content.Value, content.Note, content.Answers, content.Mood, content.Stuck, content.ShareToFeed, now, zone, localDate)]
            : [new CheckInAmended(existing.CheckInId, goal.Id, goal.GroupId, goal.MemberId, date, content.Done, content.Value, content.Note, content.Answers, content.Mood, content.Stuck, content.ShareToFeed, now, zone, localDate)];
    }

    public static IReadOnlyList<object> Decide(RequestStreakCorrection command, Goal? state, Group group, Member? member, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var goal = RequireOwnGoal(state, group, actor);
        now = now.Utc();
        if (goal.Corrections.TryGetValue(command.CorrectionId, out var existing))
        {
            return existing.Date == command.Date
                ? []
                : throw Refuse.Conflict(StreakCorrectionIdReused, "Correction id in use", "This correction id already names another request.");
        }

        var reason = RequireCorrectable(goal, group, member, command.Date, command.Reason, now);
        return [new StreakCorrectionRequested(command.CorrectionId, goal.Id, goal.GroupId, goal.MemberId, command.Date, reason, actor, now)];
    }

    public static IReadOnlyList<object> Decide(ApproveStreakCorrection command, Goal? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (goal, correction) = RequireCorrectionForStaff(state, group, command.CorrectionId, actor);
        if (correction.Status == CorrectionStatus.Approved)
        {
            return [];
        }

        RequirePending(correction);
        var errors = new FieldErrors();
        var note = errors.Optional(command.Note, "note", ReasonMaxLength, ModerationReasonTooLong, "Note");
        errors.ThrowIfAny();
        return [new StreakCorrectionApproved(correction.CorrectionId, goal.Id, goal.GroupId, goal.MemberId, correction.Date, note, actor, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(RejectStreakCorrection command, Goal? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (goal, correction) = RequireCorrectionForStaff(state, group, command.CorrectionId, actor);
        if (correction.Status == CorrectionStatus.Rejected)
        {
            return [];
        }

        RequirePending(correction);
        var errors = new FieldErrors();
        var note = errors.Optional(command.Note, "note", ReasonMaxLength, ModerationReasonTooLong, "Note");
        errors.ThrowIfAny();
        return [new StreakCorrectionRejected(correction.CorrectionId, goal.Id, goal.GroupId, goal.MemberId, correction.Date, note, actor, now.Utc())];
    }

    /// <param name="member">The goal owner's member state (their calendar and pauses), not the coach's.</param>
    public static IReadOnlyList<object> Decide(CorrectStreak command, Goal? state, Group group, Member? member, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var goal = RequireGoal(state, group);
        GroupRules.RequireStaff(group, actor);
        RequireNotOwner(goal, actor);
        now = now.Utc();
        if (goal.Corrections.TryGetValue(command.CorrectionId, out var existing))
        {
            return existing.Date == command.Date && existing.Status == CorrectionStatus.Approved
                ? []
                : throw Refuse.Conflict(StreakCorrectionIdReused, "Correction id in use", "This correction id already names another request.");
        }

        var reason = RequireCorrectable(goal, group, member, command.Date, command.Reason, now);
        return
        [
            new StreakCorrectionRequested(command.CorrectionId, goal.Id, goal.GroupId, goal.MemberId, command.Date, reason, actor, now),
            new StreakCorrectionApproved(command.CorrectionId, goal.Id, goal.GroupId, goal.MemberId, command.Date, null, actor, now),
        ];
    }

    /// <summary>Recorded by the system (no acting member); idempotent by win id.</summary>
    public static IReadOnlyList<object> Decide(RecordWin command, Goal? state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var goal = state ?? throw Refuse.NotFound(GoalNotFound, "Goal not found", "There is no such goal.");
        var win = command.Win;
        if (win.GoalId != goal.Id)
        {
            throw new ArgumentException("The win belongs to another goal.", nameof(command));
        }

        return goal.RecordedWins.Contains(win.WinId)
            ? []
            : [new WinRecorded(win.WinId, win.Kind, goal.Id, goal.GroupId, goal.MemberId, win.Value, win.Date, win.CheckInId, win.Summary, now.Utc())];
    }

    private static void RequireOpenDate(DayClock clock, Goal goal, DateOnly date, DateTimeOffset now)
    {
        var today = clock.Today(now);
        if (date > today)
        {
            throw Refuse.Validation(
                CheckInFutureDate,
                "Date in the future",
                $"It is {today:yyyy-MM-dd} in {clock.TimeZoneIdAt(now)}; {date:yyyy-MM-dd} has not begun, so it cannot be checked in yet.",
                "date");
        }

        if (date < goal.StartDate)
        {
            throw Refuse.Validation(CheckInBeforeGoalStart, "Before the goal starts", $"This goal starts on {goal.StartDate:yyyy-MM-dd}.", "date");
        }

        if (goal.EndDate is { } end && date > end)
        {
            throw Refuse.Validation(CheckInAfterGoalEnd, "After the goal ends", $"This goal ended on {end:yyyy-MM-dd}.", "date");
        }

        var closesAt = clock.ClosesAt(date);
        if (now >= closesAt)
        {
            throw Refuse.Validation(
                CheckInOutsideGraceWindow,
                "Day already closed",
                $"{date:yyyy-MM-dd} closed at {clock.Format(closesAt)}: a day stays open until local midnight plus the group's grace. A coach can excuse a missed day with a streak correction.",
                "date");
        }
    }

    private static CheckInContent BuildContent(FieldErrors errors, PostCheckIn command, GoalMeasure measure, Group group)
    {
        bool done;
        if (measure.Kind == MeasureKind.Done)
        {
            if (command.Value is not null)
            {
                errors.Add(CheckInValueNotExpected, "No value expected", "This goal is done or not done; it takes no number.", "value");
            }

            if (command.Done is null)
            {
                errors.Add(CheckInDoneRequired, "Done or not?", "Say whether it was done.", "done");
            }

            done = command.Done ?? false;
        }
        else if (command.Value is not { } value)
        {
            errors.Add(CheckInValueRequired, "Value required", $"This goal is measured in {measure.Unit}; give the number.", "value");
            done = false;
        }
        else if (Math.Abs(value) > MaxValue)
        {
            errors.Add(CheckInValueOutOfRange, "Value out of range", $"The value must be between -{MaxValue} and {MaxValue}.", "value");
            done = false;
        }
        else
        {
            done = measure.IsMet(value);
            if (command.Done is { } claimed && claimed != done)
            {
                errors.Add(CheckInDoneConflictsWithValue, "Done does not match the value", $"{value} {measure.Unit} {(done ? "meets" : "does not meet")} the target of {measure.Target} {measure.Unit}.", "done");
            }
        }

        var note = errors.Optional(command.Note, "note", NoteMaxLength, CheckInNoteTooLong, "Note");
        if (command.Mood is { } mood && mood is < 1 or > 5)
        {
            errors.Add(CheckInMoodOutOfRange, "Mood out of range", "Mood is from 1 (low) to 5 (great).", "mood");
        }

        var answers = new List<PromptAnswer>();
        var seen = new HashSet<Guid>();
        var answersGiven = command.Answers ?? [];
        for (var i = 0; i < answersGiven.Count; i++)
        {
            var answer = answersGiven[i];
            var field = $"answers[{i}]";
            if (answer is null || group.Prompts.All(p => p.PromptId != answer.PromptId))
            {
                errors.Add(CheckInUnknownPrompt, "Unknown question", "This answer is for a question the group does not ask.", $"{field}.promptId");
                continue;
            }

            if (!seen.Add(answer.PromptId))
            {
                errors.Add(CheckInDuplicateAnswer, "Question answered twice", "Each question takes one answer.", $"{field}.promptId");
                continue;
            }

            var text = errors.Required(answer.Text, $"{field}.text", AnswerMaxLength, CheckInAnswerRequired, CheckInAnswerTooLong, "Answer");
            answers.Add(answer with { Text = text });
        }

        return new CheckInContent(done, command.Value, note, answers, command.Mood, command.Stuck, command.ShareToFeed);
    }

    private static GoalMeasure? ValidateMeasure(FieldErrors errors, GoalMeasure? measure)
    {
        if (measure is null || !Enum.IsDefined(measure.Kind) || !Enum.IsDefined(measure.Direction))
        {
            errors.Add(GoalMeasureUnknown, "Unknown measure", "A goal is measured as done / not done, or as a number with a unit and a target.", "measure");
            return measure;
        }

        if (measure.Kind == MeasureKind.Done)
        {
            if (measure.Unit is not null || measure.Target is not null)
            {
                errors.Add(GoalTargetNotExpected, "No unit or target expected", "A done / not done goal has no unit or target.", "measure");
            }

            return GoalMeasure.DoneOrNot;
        }

        var unit = errors.Required(measure.Unit, "measure.unit", UnitMaxLength, GoalUnitRequired, GoalUnitTooLong, "Unit");
        if (measure.Target is not { } target)
        {
            errors.Add(GoalTargetRequired, "Target required", "A number goal needs a target.", "measure.target");
        }
        else if (target < 0 || target > MaxValue || (target == 0 && measure.Direction == TargetDirection.AtLeast))
        {
            errors.Add(GoalTargetOutOfRange, "Target out of range", $"The target must be above 0 (or 0 for an 'at most' goal) and at most {MaxValue}.", "measure.target");
        }

        return measure with { Unit = unit };
    }

    private static Cadence? ValidateCadence(FieldErrors errors, Cadence? cadence)
    {
        if (cadence is null || !Enum.IsDefined(cadence.Kind))
        {
            errors.Add(GoalCadenceUnknown, "Unknown cadence", "A goal is due daily, on chosen weekdays, N times a week or weekly.", "cadence");
            return cadence;
        }

        var days = cadence.Days ?? [];
        switch (cadence.Kind)
        {
            case CadenceKind.Weekdays:
                if (days.Count == 0)
                {
                    errors.Add(GoalCadenceDaysRequired, "Days required", "Choose at least one weekday.", "cadence.days");
                }
                else if (days.Distinct().Count() != days.Count || days.Any(d => !Enum.IsDefined(d)))
                {
                    errors.Add(GoalCadenceDaysInvalid, "Days invalid", "Each weekday may be chosen once.", "cadence.days");
                }

                if (cadence.TimesPerWeek is not null)
                {
                    errors.Add(GoalCadenceOptionsNotExpected, "Unexpected option", "Chosen weekdays take no times-per-week.", "cadence.timesPerWeek");
                }

                return cadence with { Days = days.Order().ToArray() };
            case CadenceKind.TimesPerWeek:
                if (cadence.TimesPerWeek is not (>= 1 and <= 7))
                {
                    errors.Add(GoalCadenceTimesOutOfRange, "Times per week out of range", "Choose between 1 and 7 times a week.", "cadence.timesPerWeek");
                }

                break;
            default:
                if (cadence.TimesPerWeek is not null)
                {
                    errors.Add(GoalCadenceOptionsNotExpected, "Unexpected option", "Daily and weekly cadences take no times-per-week.", "cadence.timesPerWeek");
                }

                break;
        }

        if (days.Count > 0)
        {
            errors.Add(GoalCadenceOptionsNotExpected, "Unexpected option", "Only a chosen-weekdays cadence takes days.", "cadence.days");
        }

        return cadence with { Days = null };
    }

    private static void ValidateVisibility(FieldErrors errors, GoalVisibility visibility)
    {
        if (!Enum.IsDefined(visibility))
        {
            errors.Add(GoalVisibilityUnknown, "Unknown visibility", $"'{visibility}' is not a goal visibility.", "visibility");
        }
    }

    private static void ValidateEndDate(FieldErrors errors, DateOnly? end, DateOnly start, DateOnly today)
    {
        if (end is not { } endDate)
        {
            return;
        }

        if (endDate < start)
        {
            errors.Add(GoalEndBeforeStart, "Ends before it starts", $"The end date cannot come before the start date ({start:yyyy-MM-dd}).", "endDate");
        }
        else if (endDate < today)
        {
            errors.Add(GoalEndInPast, "End in the past", $"The end date cannot be before today ({today:yyyy-MM-dd}); closed days keep their rules.", "endDate");
        }
        else if (endDate > start.AddYears(MaxGoalYears))
        {
            errors.Add(GoalEndTooFar, "End too far ahead", $"A goal runs at most {MaxGoalYears} years.", "endDate");
        }
    }

    private static string RequireCorrectable(Goal goal, Group group, Member? member, DateOnly date, string? reasonText, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var reason = errors.Required(reasonText, "reason", ReasonMaxLength, StreakCorrectionReasonRequired, StreakCorrectionReasonTooLong, "Reason");
        errors.ThrowIfAny();

        var clock = DayClock.For(group, member);
        var today = clock.Today(now);
        if (date < goal.StartDate || date > today || (goal.EndDate is { } end && date > end))
        {
            throw Refuse.Validation(StreakCorrectionOutsideGoal, "Outside the goal", "That date is not a past day of this goal.", "date");
        }

        if (date < today.AddDays(-CorrectionWindowDays))
        {
            throw Refuse.Validation(StreakCorrectionTooOld, "Too long ago", $"Only periods of the last {CorrectionWindowDays} days can be corrected.", "date");
        }

        if (goal.Corrections.Values.Any(c => c.Status != CorrectionStatus.Rejected && SamePeriod(goal, c.Date, date, now)))
        {
            throw Refuse.Conflict(StreakCorrectionAlreadyRequested, "Already requested", "A correction for this period is already pending or approved.");
        }

        var progress = ProgressCalculator.Compute(goal, clock, member?.Pauses.Values ?? [], now);
        var period = progress.Periods.FirstOrDefault(p => p.FirstDate <= date && p.LastDate >= date);
        return period?.Status switch
        {
            PeriodStatus.Missed => reason,
            PeriodStatus.Done => throw Refuse.Conflict(StreakCorrectionDayWasDone, "Nothing to correct", "That period was done; it did not break the streak."),
            PeriodStatus.Pending => throw Refuse.Conflict(StreakCorrectionDayStillOpen, "Still open", $"That period is still open until {clock.Format(period.ClosesAt)}: check in instead."),
            PeriodStatus.Excused => throw Refuse.Conflict(StreakCorrectionAlreadyRequested, "Already excused", "That period is already excused."),
            _ => throw Refuse.Validation(StreakCorrectionNotDue, "Not due", "Nothing was due on that date (not a due day, paused, or never lived because of travel).", "date"),
        };
    }

    private static bool SamePeriod(Goal goal, DateOnly a, DateOnly b, DateTimeOffset now)
    {
        if (a == b)
        {
            return true;
        }

        var cadence = goal.CadenceOn(a, now);
        return cadence.CountsWeeks() && cadence.Equals(goal.CadenceOn(b, now)) && WeekOf(a) == WeekOf(b);
    }

    private static DateOnly WeekOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    private static (Goal Goal, StreakCorrection Correction) RequireCorrectionForStaff(Goal? state, Group group, Guid correctionId, Guid actor)
    {
        var goal = RequireGoal(state, group);
        GroupRules.RequireStaff(group, actor);
        RequireNotOwner(goal, actor);
        return goal.Corrections.TryGetValue(correctionId, out var correction)
            ? (goal, correction)
            : throw Refuse.NotFound(StreakCorrectionNotFound, "Correction not found", "There is no such correction request on this goal.");
    }

    private static void RequirePending(StreakCorrection correction)
    {
        if (correction.Status != CorrectionStatus.Pending)
        {
            throw Refuse.Conflict(StreakCorrectionNotPending, "Already decided", $"This correction was already {correction.Status.ToString().ToLowerInvariant()}.");
        }
    }

    private static void RequireNotOwner(Goal goal, Guid actor)
    {
        if (goal.MemberId == actor)
        {
            throw Refuse.Forbidden(StreakCorrectionSelfApproval, "Not your own", "A correction of your own streak must be approved by another coach.");
        }
    }

    private static Goal RequireGoal(Goal? state, Group group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return state is not null && state.GroupId == group.Id
            ? state
            : throw Refuse.NotFound(GoalNotFound, "Goal not found", "There is no such goal in this group.");
    }

    private static Goal RequireOwnGoal(Goal? state, Group group, Guid actor)
    {
        var goal = RequireGoal(state, group);
        GroupRules.RequireActiveMember(group, actor);
        return goal.MemberId == actor
            ? goal
            : throw Refuse.Forbidden(GoalNotOwner, "Not your goal", "Only the member who set this goal can change it or check in on it.");
    }

    private static void RequireActiveGoal(Goal goal)
    {
        if (!goal.IsActive)
        {
            throw Refuse.Conflict(GoalClosed, "Goal is closed", $"This goal was {goal.Status.ToString().ToLowerInvariant()} on {goal.ClosedOn:yyyy-MM-dd}.");
        }
    }
}
