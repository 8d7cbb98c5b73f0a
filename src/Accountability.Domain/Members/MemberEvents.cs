namespace Accountability.Domain.Members;

// Stream: member-{MemberId}. The person's own facts and social acts, so hot group streams stay quiet.

/// <summary>The member's zone from now on (first one: PreviousTimeZoneId null). Never moves a closed day.</summary>
public sealed record TimeZoneChanged(Guid MemberId, string TimeZoneId, string? PreviousTimeZoneId, DateTimeOffset ChangedAt);

/// <summary>From <paramref name="FirstDate"/> to <paramref name="LastDate"/> (inclusive; null: until ended) in the member's local dates.</summary>
public sealed record PauseDeclared(
    Guid PauseId,
    Guid MemberId,
    DateOnly FirstDate,
    DateOnly? LastDate,
    PauseReason Reason,
    string? Note,
    DateTimeOffset DeclaredAt);

/// <summary>The pause now ends after <paramref name="LastPausedDate"/> (the day before FirstDate: cancelled).</summary>
public sealed record PauseEnded(Guid PauseId, Guid MemberId, DateOnly LastPausedDate, DateTimeOffset EndedAt);

public sealed record KudosGiven(Guid GroupId, Guid ItemId, Guid ItemAuthorId, Guid GiverId, DateTimeOffset GivenAt);

public sealed record KudosWithdrawn(Guid GroupId, Guid ItemId, Guid ItemAuthorId, Guid GiverId, DateTimeOffset WithdrawnAt);

public sealed record CommentPosted(
    Guid CommentId,
    Guid GroupId,
    Guid ItemId,
    Guid ItemAuthorId,
    Guid AuthorId,
    string Text,
    DateTimeOffset PostedAt);

public sealed record CommentDeleted(Guid CommentId, Guid GroupId, Guid ItemId, Guid AuthorId, DateTimeOffset DeletedAt);

/// <summary><paramref name="SenderLocalDate"/> is the sender's day the per-pair budget counts against.</summary>
public sealed record NudgeSent(
    Guid NudgeId,
    Guid GroupId,
    Guid SenderId,
    Guid ReceiverId,
    Guid? GoalId,
    string? Message,
    DateOnly SenderLocalDate,
    DateTimeOffset SentAt);

/// <summary>A report on a feed item; items reported by three distinct members are held for the coach.</summary>
public sealed record FeedItemReported(
    Guid ReportId,
    Guid GroupId,
    Guid ItemId,
    Guid ItemAuthorId,
    Guid ReporterId,
    ReportReason Reason,
    string? Note,
    DateTimeOffset ReportedAt);

public sealed record PartnerRequested(Guid RequestId, Guid GroupId, Guid RequesterId, Guid TargetId, string? Message, DateTimeOffset RequestedAt);

public sealed record PartnerRequestWithdrawn(Guid RequestId, Guid GroupId, Guid RequesterId, Guid TargetId, DateTimeOffset WithdrawnAt);
