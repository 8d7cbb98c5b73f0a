using System.Globalization;
using Accountability.Domain.Common;
using Accountability.Domain.Goals;
using Accountability.Domain.Progress;

namespace Accountability.Domain.Wins;

/// <summary>
/// Finds the wins a fact produced, from the goal's progress just before and just after it. Each win
/// has a name-based id, so running detection again (replays, rebuilds, retries) finds the same wins.
/// </summary>
public static class WinDetector
{
    public static IReadOnlyList<int> StreakMilestones { get; } = [7, 30, 100, 365];

    /// <summary>A personal best only counts once the old best was worth beating.</summary>
    public const int PersonalBestMinimum = 3;

    /// <summary>Missed periods in a row that make coming back a win (days; weeks need 2).</summary>
    public const int ComebackAfterMissedDays = 3;

    public const int ComebackAfterMissedWeeks = 2;

    /// <summary>Share of active, unpaused members checked in today that makes a group milestone.</summary>
    public const int GroupMilestonePercent = 80;

    /// <summary>Group milestones need a few people: one of two is not a milestone.</summary>
    public const int GroupMilestoneMinimumMembers = 3;

    /// <param name="before">Progress before the trigger (null for a goal's first fact).</param>
    /// <param name="after">Progress right after the trigger was recorded.</param>
    /// <param name="trigger">CheckInPosted, CheckInAmended, GoalAchieved or StreakCorrectionApproved; others find nothing.</param>
    public static IReadOnlyList<Win> Detect(GoalProgress? before, GoalProgress after, object trigger)
    {
        ArgumentNullException.ThrowIfNull(after);
        var wins = new List<Win>();
        var prior = before ?? Empty(after);
        switch (trigger)
        {
            case GoalAchieved achieved:
                wins.Add(Make(WinKind.GoalAchieved, after, null, achieved.AchievedOn, null, "Goal achieved", achieved.GoalId.ToString()));
                return wins;
            case CheckInPosted or CheckInAmended or StreakCorrectionApproved:
                break;
            default:
                return wins;
        }

        var (checkInId, date) = trigger switch
        {
            CheckInPosted p => ((Guid?)p.CheckInId, p.Date),
            CheckInAmended a => (a.CheckInId, a.Date),
            StreakCorrectionApproved c => (null, c.Date),
            _ => (null, after.Today),
        };

        var unit = after.Unit == StreakUnit.Week ? "week" : "day";
        var run = after.Current.FirstDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none";
        var milestone = StreakMilestones.Where(m => prior.CurrentStreak < m && after.CurrentStreak >= m).DefaultIfEmpty().Max();
        if (milestone > 0)
        {
            wins.Add(Make(WinKind.StreakMilestone, after, milestone, date, checkInId, $"{milestone}-{unit} streak", milestone.ToString(CultureInfo.InvariantCulture), run));
        }

        if (prior.BestStreak >= PersonalBestMinimum && after.CurrentStreak > prior.BestStreak && !prior.IsOnBestRun)
        {
            wins.Add(Make(WinKind.PersonalBest, after, after.CurrentStreak, date, checkInId, $"Personal best: {after.CurrentStreak} {unit}s in a row", run));
        }

        var lapse = after.Unit == StreakUnit.Week ? ComebackAfterMissedWeeks : ComebackAfterMissedDays;
        if (trigger is not StreakCorrectionApproved && prior.TrailingMissed >= lapse && after.TrailingMissed == 0 && after.CurrentStreak > 0)
        {
            wins.Add(Make(WinKind.Comeback, after, prior.TrailingMissed, date, checkInId, $"Back on track after {prior.TrailingMissed} missed {unit}s", run));
        }

        if (checkInId is { } id && prior.OpenStuck is { } stuck && after.OpenStuck is null)
        {
            wins.Add(Make(WinKind.Unstuck, after, null, date, id, "Unstuck and moving again", stuck.Id.ToString()));
        }

        return wins;
    }

    /// <summary>
    /// The group milestone of a local day (the group's default zone): fires once, when the share of
    /// active, unpaused members with a check-in for the day crosses <see cref="GroupMilestonePercent"/>.
    /// </summary>
    public static Win? DetectGroupMilestone(Guid groupId, DateOnly groupDate, int activeMembers, int checkedInBefore, int checkedInAfter)
    {
        if (activeMembers < GroupMilestoneMinimumMembers)
        {
            return null;
        }

        var threshold = GroupMilestonePercent * activeMembers;
        if (checkedInBefore * 100 >= threshold || checkedInAfter * 100 < threshold)
        {
            return null;
        }

        var percent = checkedInAfter * 100 / activeMembers;
        var id = DeterministicIds.From("win", WinKind.GroupMilestone.ToString(), groupId.ToString(), groupDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), GroupMilestonePercent.ToString(CultureInfo.InvariantCulture));
        return new Win(id, WinKind.GroupMilestone, groupId, null, null, percent, groupDate, null, $"{percent}% of the group checked in today");
    }

    private static Win Make(WinKind kind, GoalProgress after, int? value, DateOnly date, Guid? checkInId, string summary, params string[] key) =>
        new(
            DeterministicIds.From(["win", kind.ToString(), after.GoalId.ToString(), .. key]),
            kind,
            after.GroupId,
            after.MemberId,
            after.GoalId,
            value,
            date,
            checkInId,
            summary);

    private static GoalProgress Empty(GoalProgress after) => after with
    {
        Current = StreakRun.Empty,
        Best = StreakRun.Empty,
        TrailingMissed = 0,
        OpenStuck = null,
        Periods = [],
    };
}
