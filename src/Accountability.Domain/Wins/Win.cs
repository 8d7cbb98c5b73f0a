namespace Accountability.Domain.Wins;

/// <summary>Kinds of win. Values are stored in events: never renumber.</summary>
public enum WinKind
{
    GoalAchieved = 0,
    StreakMilestone = 1,
    PersonalBest = 2,
    Comeback = 3,
    Unstuck = 4,
    GroupMilestone = 5,
}

/// <summary>
/// A celebration for the feed. <see cref="WinId"/> is derived from what was won, so detecting the same
/// win again (a replay, a rebuild, a retried reaction) yields the same id and records nothing new.
/// </summary>
/// <param name="Value">Milestone or streak length, comeback gap, or group percentage, by kind.</param>
/// <param name="Date">The member's (or, for a group milestone, the group's) local date of the win.</param>
public sealed record Win(
    Guid WinId,
    WinKind Kind,
    Guid GroupId,
    Guid? MemberId,
    Guid? GoalId,
    int? Value,
    DateOnly Date,
    Guid? CheckInId,
    string Summary);
