using Accountability.Domain.Wins;

namespace Accountability.Domain.Goals;

// Stream: goal-{GoalId}. Every event carries the goal, group and member ids so projections never look them up.

public sealed record GoalSet(
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    string Title,
    string? Why,
    GoalMeasure Measure,
    Cadence Cadence,
    DateOnly StartDate,
    DateOnly? EndDate,
    string? Reward,
    string? Consequence,
    GoalVisibility Visibility,
    DateTimeOffset SetAt);

/// <summary>
/// A revision. Null fields are unchanged. Cadence and measure apply to local dates from
/// <paramref name="EffectiveFrom"/> on (earlier days keep the old rules); the other fields apply at once.
/// </summary>
public sealed record GoalRevised(
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    int Revision,
    DateOnly EffectiveFrom,
    string? Title,
    string? Why,
    GoalMeasure? Measure,
    Cadence? Cadence,
    DateOnly? EndDate,
    string? Reward,
    string? Consequence,
    string? Reason,
    DateTimeOffset RevisedAt);

public sealed record GoalVisibilityChanged(Guid GoalId, Guid GroupId, Guid MemberId, GoalVisibility Visibility, DateTimeOffset ChangedAt);

/// <summary>The goal is achieved; days after <paramref name="AchievedOn"/> are no longer due.</summary>
public sealed record GoalAchieved(Guid GoalId, Guid GroupId, Guid MemberId, DateOnly AchievedOn, string? Note, DateTimeOffset AchievedAt);

/// <summary>The goal is given up; <paramref name="AbandonedOn"/> and later days are no longer due.</summary>
public sealed record GoalAbandoned(Guid GoalId, Guid GroupId, Guid MemberId, DateOnly AbandonedOn, string? Reason, DateTimeOffset AbandonedAt);

/// <summary>
/// The one check-in of a goal for local <paramref name="Date"/>. <paramref name="PostedAt"/> is the UTC instant,
/// <paramref name="TimeZoneId"/> the member's zone then, <paramref name="PostedOnLocalDate"/> the local date then
/// (later than <paramref name="Date"/> for a check-in made in the grace window).
/// </summary>
public sealed record CheckInPosted(
    Guid CheckInId,
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    DateOnly Date,
    bool Done,
    decimal? Value,
    string? Note,
    IReadOnlyList<PromptAnswer> Answers,
    int? Mood,
    bool Stuck,
    bool ShareToFeed,
    DateTimeOffset PostedAt,
    string TimeZoneId,
    DateOnly PostedOnLocalDate);

/// <summary>The check-in for <paramref name="Date"/> now reads like this; earlier versions stay in the stream.</summary>
public sealed record CheckInAmended(
    Guid CheckInId,
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    DateOnly Date,
    bool Done,
    decimal? Value,
    string? Note,
    IReadOnlyList<PromptAnswer> Answers,
    int? Mood,
    bool Stuck,
    bool ShareToFeed,
    DateTimeOffset AmendedAt,
    string TimeZoneId,
    DateOnly AmendedOnLocalDate);

/// <summary>A request to excuse the missed period containing <paramref name="Date"/>.</summary>
public sealed record StreakCorrectionRequested(
    Guid CorrectionId,
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    DateOnly Date,
    string Reason,
    Guid RequestedBy,
    DateTimeOffset RequestedAt);

/// <summary>A coach excused the missed period: it neither breaks nor extends the streak and is not due.</summary>
public sealed record StreakCorrectionApproved(
    Guid CorrectionId,
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    DateOnly Date,
    string? Note,
    Guid ApprovedBy,
    DateTimeOffset ApprovedAt);

public sealed record StreakCorrectionRejected(
    Guid CorrectionId,
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    DateOnly Date,
    string? Note,
    Guid RejectedBy,
    DateTimeOffset RejectedAt);

/// <summary>A win of this goal went to the feed (see <see cref="Win"/>).</summary>
public sealed record WinRecorded(
    Guid WinId,
    WinKind Kind,
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    int? Value,
    DateOnly Date,
    Guid? CheckInId,
    string Summary,
    DateTimeOffset RecordedAt);
