using System.Globalization;
using Accountability.Domain.Progress;

namespace Accountability.Domain.CoachViews;

/// <summary>Why a member needs the coach. Values are used by read models: never renumber.</summary>
public enum NeedReason
{
    UnansweredStuck = 0,
    MissedCheckIns = 1,
    ConsistencyDrop = 2,
    Silence = 3,
    NeverCheckedIn = 4,
}

public sealed record MissedPeriod(Guid GoalId, DateOnly FirstDate, DateOnly LastDate, DateTimeOffset ClosedAt);

/// <summary>What the coach-view projection knows about one member of the cohort.</summary>
/// <param name="UsualGap">The member's usual time between check-ins (see <see cref="CoachQueue.UsualGap"/>); null if too few.</param>
/// <param name="OpenStuckSince">When the member said "I'm stuck" with no answer from staff or a partner since.</param>
public sealed record CoachQueueMember(
    Guid MemberId,
    bool IsPaused,
    DateTimeOffset JoinedAt,
    IReadOnlyList<MissedPeriod> RecentlyMissed,
    Consistency Last7,
    Consistency Baseline28,
    DateTimeOffset? LastCheckInAt,
    TimeSpan? UsualGap,
    DateTimeOffset? OpenStuckSince,
    Guid? OpenStuckCheckInId);

public sealed record QueueReason(NeedReason Reason, int Severity, DateTimeOffset Since, string Detail);

public sealed record CoachQueueEntry(Guid MemberId, int Severity, DateTimeOffset Since, IReadOnlyList<QueueReason> Reasons);

/// <summary>
/// "Who needs me today": each member's own signals against their own baseline, never a fixed bar for all.
/// Paused members are never flagged. Order: most severe first, then who has waited longest.
/// </summary>
public static class CoachQueue
{
    /// <summary>Missed periods that closed this recently are "today's" business.</summary>
    public static readonly TimeSpan MissedLookBack = TimeSpan.FromHours(72);

    /// <summary>Silence must exceed the usual gap by this factor, and last at least <see cref="MinimumSilence"/>.</summary>
    public const double SilenceFactor = 1.5;

    public static readonly TimeSpan MinimumSilence = TimeSpan.FromHours(24);

    /// <summary>A new member who has not checked in after this long gets a welcome nudge from the coach.</summary>
    public static readonly TimeSpan FirstCheckInExpectedWithin = TimeSpan.FromHours(48);

    /// <summary>A drop of this share (20%) or more of the member's own baseline consistency.</summary>
    public const int DropPercent = 20;

    /// <summary>Enough history for the drop signal to mean something.</summary>
    public const int MinimumBaselineDue = 4;

    public const int MinimumRecentDue = 2;

    public static IReadOnlyList<CoachQueueEntry> Build(IEnumerable<CoachQueueMember> members, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(members);
        return members
            .Where(m => !m.IsPaused)
            .Select(m => Assess(m, now))
            .Where(e => e is not null)
            .Select(e => e!)
            .OrderByDescending(e => e.Severity)
            .ThenBy(e => e.Since)
            .ThenBy(e => e.MemberId)
            .ToList();
    }

    public static CoachQueueEntry? Assess(CoachQueueMember member, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (member.IsPaused)
        {
            return null;
        }

        var reasons = new List<QueueReason>();
        if (member.OpenStuckSince is { } stuckSince)
        {
            reasons.Add(new QueueReason(NeedReason.UnansweredStuck, 4, stuckSince, $"Said \"I'm stuck\" {Ago(now - stuckSince)} ago and nobody has answered yet."));
        }

        var missed = member.RecentlyMissed.Where(m => m.ClosedAt <= now && now - m.ClosedAt <= MissedLookBack).OrderBy(m => m.ClosedAt).ToList();
        if (missed.Count > 0)
        {
            var dates = string.Join(", ", missed.Select(m => m.LastDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Distinct());
            reasons.Add(new QueueReason(NeedReason.MissedCheckIns, 3, missed[0].ClosedAt, $"Missed {missed.Count} due check-in{(missed.Count == 1 ? string.Empty : "s")} ({dates})."));
        }

        if (IsDrop(member.Last7, member.Baseline28))
        {
            reasons.Add(new QueueReason(NeedReason.ConsistencyDrop, 2, now,
                $"Consistency {member.Last7.Percent}% over the last 7 days against their own {member.Baseline28.Percent}% before: down {DropPercent}% or more."));
        }

        if (member.LastCheckInAt is null)
        {
            if (now - member.JoinedAt >= FirstCheckInExpectedWithin)
            {
                reasons.Add(new QueueReason(NeedReason.NeverCheckedIn, 2, member.JoinedAt, $"Joined {Ago(now - member.JoinedAt)} ago and has not checked in yet."));
            }
        }
        else if (member.UsualGap is { } usual && now - member.LastCheckInAt.Value is var silence
            && silence > MinimumSilence && silence.TotalMinutes > usual.TotalMinutes * SilenceFactor)
        {
            reasons.Add(new QueueReason(NeedReason.Silence, 1, member.LastCheckInAt.Value, $"Silent for {Ago(silence)}; they usually check in every {Ago(usual)}."));
        }

        if (reasons.Count == 0)
        {
            return null;
        }

        var top = reasons.Max(r => r.Severity);
        var since = reasons.Where(r => r.Severity == top).Min(r => r.Since);
        return new CoachQueueEntry(member.MemberId, top, since, reasons.OrderByDescending(r => r.Severity).ThenBy(r => r.Since).ToList());
    }

    /// <summary>Down 20% or more against the member's own baseline, relative (80% -> 64% is a drop; 80% -> 70% is not).</summary>
    public static bool IsDrop(Consistency recent, Consistency baseline)
    {
        ArgumentNullException.ThrowIfNull(recent);
        ArgumentNullException.ThrowIfNull(baseline);
        if (baseline.Due < MinimumBaselineDue || recent.Due < MinimumRecentDue || baseline.Done == 0)
        {
            return false;
        }

        // recent.Done / recent.Due <= (1 - 20%) * baseline.Done / baseline.Due, in integers.
        return (long)recent.Done * baseline.Due * 100 <= (long)(100 - DropPercent) * baseline.Done * recent.Due;
    }

    /// <summary>The median gap between consecutive check-ins (at least three check-ins are needed).</summary>
    public static TimeSpan? UsualGap(IEnumerable<DateTimeOffset> checkInTimes)
    {
        ArgumentNullException.ThrowIfNull(checkInTimes);
        var times = checkInTimes.Order().ToList();
        if (times.Count < 3)
        {
            return null;
        }

        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).Order().ToList();
        var middle = gaps.Count / 2;
        return gaps.Count % 2 == 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2;
    }

    /// <summary>Builds a queue input from a member's goal progress in the group.</summary>
    /// <param name="checkInTimes">Recent check-in instants (e.g. the last 28 days) for the usual gap.</param>
    /// <param name="answeredStuckCheckIns">Stuck check-ins that staff or a partner have answered (commented on or responded to).</param>
    public static CoachQueueMember FromProgress(
        Guid memberId,
        bool isPaused,
        DateTimeOffset joinedAt,
        IReadOnlyList<GoalProgress> goals,
        IEnumerable<DateTimeOffset> checkInTimes,
        IReadOnlySet<Guid> answeredStuckCheckIns,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(goals);
        ArgumentNullException.ThrowIfNull(answeredStuckCheckIns);
        var missed = goals
            .SelectMany(g => g.Periods.Where(p => p.Status == PeriodStatus.Missed && p.ClosesAt <= now && now - p.ClosesAt <= MissedLookBack)
                .Select(p => new MissedPeriod(g.GoalId, p.FirstDate, p.LastDate, p.ClosesAt)))
            .ToList();
        var stuck = goals
            .Where(g => g.OpenStuck is { } s && !answeredStuckCheckIns.Contains(s.Id))
            .Select(g => (g.OpenStuck!.Id, At: g.OpenStuckSince ?? now))
            .OrderBy(s => s.At)
            .FirstOrDefault();
        return new CoachQueueMember(
            memberId,
            isPaused,
            joinedAt,
            missed,
            goals.Aggregate(Consistency.None, (sum, g) => sum.Add(g.Last7)),
            goals.Aggregate(Consistency.None, (sum, g) => sum.Add(g.Baseline28)),
            goals.Max(g => g.LastCheckInAt),
            UsualGap(checkInTimes),
            stuck.Id == Guid.Empty ? null : stuck.At,
            stuck.Id == Guid.Empty ? null : stuck.Id);
    }

    private static string Ago(TimeSpan span) => span.TotalHours < 48
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)span.TotalHours)} h")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} days");
}
