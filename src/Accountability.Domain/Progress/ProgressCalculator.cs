using Accountability.Domain.Common;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Time;

namespace Accountability.Domain.Progress;

/// <summary>
/// Pure streak and consistency calculator, used by projections, by decisions that need to know what
/// was missed, and by "as of" queries. Only facts recorded by <c>asOf</c> are used, so a past date
/// shows what was known then.
/// </summary>
/// <remarks>
/// Strict streak: consecutive due periods done. Days that are not due, paused days, local dates never
/// lived, excused periods and periods still open neither extend nor break it. Weekly cadences count
/// weeks; a partial week (goal start or end, a revision mid-week, paused days) needs a prorated number
/// of done days: ceil(per-week x available days / 7). On the day a goal is achieved or abandoned the
/// period counts only if it was done.
/// </remarks>
public static class ProgressCalculator
{
    /// <summary>Progress of a goal for its member in its group at an instant.</summary>
    public static GoalProgress Compute(Goal goal, Group group, Member? member, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(group);
        return Compute(goal, DayClock.For(group, member), member?.Pauses.Values ?? [], asOf);
    }

    /// <summary>
    /// Progress as it stood when local <paramref name="date"/> closed: check-ins and facts recorded by
    /// that instant, periods up to that date.
    /// </summary>
    public static GoalProgress ComputeAsOfDate(Goal goal, DayClock clock, IEnumerable<Pause> pauses, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Compute(goal, clock, pauses, clock.ClosesAt(date), date);
    }

    public static GoalProgress Compute(Goal goal, DayClock clock, IEnumerable<Pause> pauses, DateTimeOffset asOf, DateOnly? upTo = null)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(pauses);
        asOf = asOf.Utc();
        clock = clock.AsOf(asOf);
        var today = clock.Today(asOf);
        if (upTo is { } limitDate && limitDate < today)
        {
            today = limitDate;
        }

        var context = new Context(goal, clock, pauses.Where(p => p.DeclaredAt <= asOf).ToList(), asOf, today);
        var periods = context.BuildPeriods();
        return Summarise(goal, context, periods);
    }

    private static GoalProgress Summarise(Goal goal, Context context, List<PeriodOutcome> periods)
    {
        int length = 0, runStart = -1, lastDone = -1, bestLength = 0, bestStart = -1, bestEnd = -1, trailingMissed = 0, brokenBy = -1;
        for (var i = 0; i < periods.Count; i++)
        {
            switch (periods[i].Status)
            {
                case PeriodStatus.Done:
                    if (length == 0)
                    {
                        runStart = i;
                    }

                    length++;
                    lastDone = i;
                    trailingMissed = 0;
                    if (length > bestLength)
                    {
                        (bestLength, bestStart, bestEnd) = (length, runStart, i);
                    }

                    break;
                case PeriodStatus.Missed:
                    length = 0;
                    runStart = -1;
                    trailingMissed++;
                    brokenBy = i;
                    break;
            }
        }

        var current = length == 0
            ? StreakRun.Empty
            : new StreakRun(length, periods[runStart].FirstDate, periods[lastDone].LastDate, periods[lastDone].DoneAt, periods[runStart..]);
        var best = bestLength == 0
            ? StreakRun.Empty
            : new StreakRun(bestLength, periods[bestStart].FirstDate, periods[bestEnd].LastDate, periods[bestEnd].DoneAt, periods[bestStart..(bestEnd + 1)]);
        var today = context.Today;
        var (lastCheckInAt, lastCheckInDate, openStuck, openStuckSince) = context.CheckInFacts();
        var progress = new GoalProgress(
            goal.Id,
            goal.GroupId,
            goal.MemberId,
            context.AsOf,
            today,
            goal.CadenceOn(today, context.AsOf).CountsWeeks() ? StreakUnit.Week : StreakUnit.Day,
            current,
            best,
            brokenBy >= 0 ? periods[brokenBy] : null,
            trailingMissed,
            Consistency.None,
            Consistency.None,
            Consistency.None,
            Consistency.None,
            lastCheckInAt,
            lastCheckInDate,
            openStuck,
            periods);
        return progress with
        {
            Last7 = progress.ConsistencyBetween(today.AddDays(-6), today),
            Last28 = progress.ConsistencyBetween(today.AddDays(-27), today),
            Baseline28 = progress.ConsistencyBetween(today.AddDays(-34), today.AddDays(-7)),
            AllTime = progress.ConsistencyBetween(DateOnly.MinValue, today),
            OpenStuckSince = openStuckSince,
        };
    }

    private sealed class Context(Goal goal, DayClock clock, List<Pause> pauses, DateTimeOffset asOf, DateOnly today)
    {
        private readonly string goalStream = StreamIds.Goal(goal.Id);
        private readonly string memberStream = StreamIds.Member(goal.MemberId);
        private readonly DateOnly? closedOn = goal.ClosedAt is { } closedAt && closedAt <= asOf ? goal.ClosedOn : null;
        private readonly DateOnly? endDate = goal.EndDateAsOf(asOf);
        private readonly List<StreakCorrection> approved = goal.Corrections.Values
            .Where(c => c.Status == CorrectionStatus.Approved && c.DecidedAt <= asOf)
            .ToList();

        public DateTimeOffset AsOf => asOf;

        public DateOnly Today => today;

        public List<PeriodOutcome> BuildPeriods()
        {
            var periods = new List<PeriodOutcome>();
            if (goal.SetAt > asOf)
            {
                return periods;
            }

            var limit = Min(Min(today, endDate), closedOn);
            var date = goal.StartDate;
            while (date <= limit)
            {
                var cadence = goal.CadenceOn(date, asOf);
                if (!cadence.CountsWeeks())
                {
                    if (DayPeriod(date, cadence) is { } day)
                    {
                        periods.Add(day);
                    }

                    date = date.AddDays(1);
                    continue;
                }

                var last = date.AddDays((7 - (int)date.DayOfWeek) % 7);
                last = Min(Min(last, endDate), closedOn);
                var segmentEnd = date;
                while (segmentEnd < last && goal.CadenceOn(segmentEnd.AddDays(1), asOf).Equals(cadence))
                {
                    segmentEnd = segmentEnd.AddDays(1);
                }

                if (WeekPeriod(date, segmentEnd, cadence) is { } week)
                {
                    periods.Add(week);
                }

                date = segmentEnd.AddDays(1);
            }

            return periods;
        }

        public (DateTimeOffset? At, DateOnly? Date, Evidence? OpenStuck, DateTimeOffset? StuckSince) CheckInFacts()
        {
            DateTimeOffset? lastAt = null;
            DateOnly? lastDate = null;
            Evidence? stuck = null;
            DateTimeOffset? stuckSince = null;
            foreach (var checkIn in goal.CheckIns.Values)
            {
                var version = checkIn.AsOf(asOf);
                if (version is null || checkIn.Date > today)
                {
                    continue;
                }

                if (lastAt is null || checkIn.FirstPostedAt > lastAt)
                {
                    lastAt = checkIn.FirstPostedAt;
                }

                lastDate = checkIn.Date;
                stuck = version.Content.Stuck ? CheckInEvidence(checkIn) : null;
                stuckSince = version.Content.Stuck ? version.RecordedAt : null;
            }

            return (lastAt, lastDate, stuck, stuckSince);
        }

        private PeriodOutcome? DayPeriod(DateOnly date, Cadence cadence)
        {
            if (!cadence.IsDueOn(date.DayOfWeek))
            {
                return null;
            }

            var closesAt = clock.ClosesAt(date);
            if (clock.IsSkipped(date))
            {
                return Period(date, date, StreakUnit.Day, PeriodStatus.Skipped, 0, 0, date, closesAt, null, []);
            }

            if (PauseCovering(date) is { } pause)
            {
                return Period(date, date, StreakUnit.Day, PeriodStatus.Paused, 0, 0, date, closesAt, null, [PauseEvidence(pause, date)]);
            }

            var (doneAt, checkIn) = DoneOn(date);
            if (doneAt is not null)
            {
                return Period(date, date, StreakUnit.Day, PeriodStatus.Done, 1, 1, date, closesAt, doneAt, [CheckInEvidence(checkIn!)]);
            }

            var evidence = checkIn is null ? new List<Evidence>() : [CheckInEvidence(checkIn)];
            if (date == closedOn)
            {
                return null;
            }

            if (approved.FirstOrDefault(c => c.Date == date) is { } correction)
            {
                evidence.Add(new Evidence(goalStream, EvidenceKind.StreakCorrection, correction.CorrectionId, date));
                return Period(date, date, StreakUnit.Day, PeriodStatus.Excused, 1, 0, date, closesAt, null, evidence);
            }

            var status = asOf >= closesAt ? PeriodStatus.Missed : PeriodStatus.Pending;
            return Period(date, date, StreakUnit.Day, status, 1, 0, date, closesAt, null, evidence);
        }

        private PeriodOutcome? WeekPeriod(DateOnly first, DateOnly last, Cadence cadence)
        {
            var evidence = new List<Evidence>();
            var available = 0;
            var anyPaused = false;
            var anySkipped = false;
            var done = new List<(DateOnly Date, DateTimeOffset At)>();
            for (var date = first; date <= last; date = date.AddDays(1))
            {
                if (clock.IsSkipped(date))
                {
                    anySkipped = true;
                    continue;
                }

                if (PauseCovering(date) is { } pause)
                {
                    anyPaused = true;
                    evidence.Add(PauseEvidence(pause, date));
                    continue;
                }

                if (date != closedOn)
                {
                    available++;
                }

                if (date <= today && DoneOn(date) is ({ } at, { } checkIn))
                {
                    done.Add((date, at));
                    evidence.Add(CheckInEvidence(checkIn));
                }
            }

            var required = (cadence.DaysPerWeek() * available + 6) / 7;
            var closesAt = clock.ClosesAt(last);
            if (required == 0)
            {
                return done.Count > 0 || anyPaused || anySkipped
                    ? Period(first, last, StreakUnit.Week, anyPaused ? PeriodStatus.Paused : PeriodStatus.Skipped, 0, done.Count, last, closesAt, null, evidence)
                    : null;
            }

            if (done.Count >= required)
            {
                var byTime = done.OrderBy(d => d.At).ToList();
                return Period(first, last, StreakUnit.Week, PeriodStatus.Done, required, done.Count, done.Max(d => d.Date), closesAt, byTime[required - 1].At, evidence);
            }

            if (approved.FirstOrDefault(c => c.Date >= first && c.Date <= last) is { } correction)
            {
                evidence.Add(new Evidence(goalStream, EvidenceKind.StreakCorrection, correction.CorrectionId, correction.Date));
                return Period(first, last, StreakUnit.Week, PeriodStatus.Excused, required, done.Count, last, closesAt, null, evidence);
            }

            if (closedOn is { } closed && closed >= first && closed <= last)
            {
                return null;
            }

            var status = asOf >= closesAt ? PeriodStatus.Missed : PeriodStatus.Pending;
            return Period(first, last, StreakUnit.Week, status, required, done.Count, last, closesAt, null, evidence);
        }

        /// <summary>The instant a date's check-in became (and stayed) done as of now, with the check-in.</summary>
        private (DateTimeOffset? DoneAt, CheckIn? CheckIn) DoneOn(DateOnly date) =>
            goal.CheckIns.TryGetValue(date, out var checkIn) && checkIn.AsOf(asOf) is { } version
                ? (version.DoneSince, checkIn)
                : (null, null);

        private Pause? PauseCovering(DateOnly date)
        {
            foreach (var pause in pauses)
            {
                if (pause.Covers(date, asOf))
                {
                    return pause;
                }
            }

            return null;
        }

        private Evidence CheckInEvidence(CheckIn checkIn) => new(goalStream, EvidenceKind.CheckIn, checkIn.CheckInId, checkIn.Date);

        private Evidence PauseEvidence(Pause pause, DateOnly date) => new(memberStream, EvidenceKind.Pause, pause.PauseId, date);

        private static PeriodOutcome Period(
            DateOnly first, DateOnly last, StreakUnit unit, PeriodStatus status, int required, int doneCount,
            DateOnly settledOn, DateTimeOffset closesAt, DateTimeOffset? doneAt, IReadOnlyList<Evidence> evidence) =>
            new(first, last, unit, status, required, doneCount, settledOn, closesAt, doneAt, evidence);

        private static DateOnly Min(DateOnly a, DateOnly? b) => b is { } other && other < a ? other : a;
    }
}
