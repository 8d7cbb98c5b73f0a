namespace Accountability.Domain.Members;

// Commands on the acting member's own stream. The acting member and "now" are passed to Decide.

public sealed record ChangeTimeZone(string TimeZoneId);

public sealed record DeclarePause(Guid PauseId, DateOnly FirstDate, DateOnly? LastDate, PauseReason Reason, string? Note = null);

/// <summary>Null <paramref name="LastPausedDate"/>: the pause covers today and ends after it (or is cancelled if not begun).</summary>
public sealed record EndPause(Guid PauseId, DateOnly? LastPausedDate = null);

/// <summary><paramref name="ItemAuthorId"/> comes from the feed read model (self-kudos is refused).</summary>
public sealed record GiveKudos(Guid GroupId, Guid ItemId, Guid ItemAuthorId);

public sealed record WithdrawKudos(Guid GroupId, Guid ItemId, Guid ItemAuthorId);

public sealed record PostComment(Guid CommentId, Guid GroupId, Guid ItemId, Guid ItemAuthorId, string Text);

public sealed record DeleteComment(Guid CommentId);

public sealed record SendNudge(Guid NudgeId, Guid GroupId, Guid ReceiverId, Guid? GoalId = null, string? Message = null);

public sealed record ReportFeedItem(Guid ReportId, Guid GroupId, Guid ItemId, Guid ItemAuthorId, ReportReason Reason, string? Note = null);

public sealed record RequestPartner(Guid RequestId, Guid GroupId, Guid TargetId, string? Message = null);

public sealed record WithdrawPartnerRequest(Guid RequestId);

/// <summary>
/// What the notification-budget read model knows about the receiver of a nudge: how many nudges they
/// got on their current local day, and when that day ends (for Retry-After).
/// </summary>
public sealed record ReceiverNudgeLoad(int ReceivedToday, DateTimeOffset ReceiverDayEndsAt);
