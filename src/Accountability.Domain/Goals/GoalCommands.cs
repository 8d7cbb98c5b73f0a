using Accountability.Domain.Wins;

namespace Accountability.Domain.Goals;

// Commands on a goal stream. The acting member and "now" are passed to Decide.

/// <summary>Null <paramref name="StartDate"/>: today in the member's zone.</summary>
public sealed record SetGoal(
    Guid GoalId,
    string Title,
    string? Why,
    GoalMeasure Measure,
    Cadence Cadence,
    DateOnly? StartDate = null,
    DateOnly? EndDate = null,
    string? Reward = null,
    string? Consequence = null,
    GoalVisibility Visibility = GoalVisibility.Group);

/// <summary>Null fields stay as they are. Null <paramref name="EffectiveFrom"/>: today.</summary>
public sealed record ReviseGoal(
    DateOnly? EffectiveFrom = null,
    string? Title = null,
    string? Why = null,
    GoalMeasure? Measure = null,
    Cadence? Cadence = null,
    DateOnly? EndDate = null,
    string? Reward = null,
    string? Consequence = null,
    string? Reason = null);

public sealed record ChangeGoalVisibility(GoalVisibility Visibility);

public sealed record AchieveGoal(string? Note = null);

public sealed record AbandonGoal(string? Reason = null);

/// <summary>
/// A check-in. <paramref name="CheckInId"/> is chosen by the client so a retry never makes a second one.
/// Null <paramref name="Date"/>: the member's local date now. <paramref name="Done"/> is required for
/// done/not-done goals; <paramref name="Value"/> for number goals (done is then derived from the target).
/// </summary>
public sealed record PostCheckIn(
    Guid CheckInId,
    DateOnly? Date = null,
    bool? Done = null,
    decimal? Value = null,
    string? Note = null,
    IReadOnlyList<PromptAnswer>? Answers = null,
    int? Mood = null,
    bool Stuck = false,
    bool ShareToFeed = true);

public sealed record RequestStreakCorrection(Guid CorrectionId, DateOnly Date, string Reason);

public sealed record ApproveStreakCorrection(Guid CorrectionId, string? Note = null);

public sealed record RejectStreakCorrection(Guid CorrectionId, string? Note = null);

/// <summary>A coach excuses a missed period directly (recorded as a request and its approval).</summary>
public sealed record CorrectStreak(Guid CorrectionId, DateOnly Date, string Reason);

/// <summary>Records a win found by <see cref="WinDetector"/>; idempotent by win id.</summary>
public sealed record RecordWin(Win Win);
