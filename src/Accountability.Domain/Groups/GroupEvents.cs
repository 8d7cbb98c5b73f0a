using Accountability.Domain.Leaderboards;
using Accountability.Domain.Wins;

namespace Accountability.Domain.Groups;

// Stream: group-{GroupId}. Low-rate facts only: the member's own social acts live on member streams.

/// <summary>A coach created a cohort; the coach is its first member.</summary>
public sealed record GroupCreated(
    Guid GroupId,
    Guid CoachId,
    string Name,
    string Description,
    string TimeZoneId,
    IReadOnlyList<CheckInPrompt> Prompts,
    int GraceMinutes,
    NumbersVisibility NumbersVisibility,
    LeaderboardRule LeaderboardRule,
    DateTimeOffset CreatedAt);

public sealed record GroupDetailsChanged(Guid GroupId, string Name, string Description, Guid ChangedBy, DateTimeOffset ChangedAt);

/// <summary>The default zone changed; it applies to members who have not set their own zone.</summary>
public sealed record GroupTimeZoneChanged(Guid GroupId, string TimeZoneId, string PreviousTimeZoneId, Guid ChangedBy, DateTimeOffset ChangedAt);

public sealed record CheckInPromptsChanged(Guid GroupId, IReadOnlyList<CheckInPrompt> Prompts, Guid ChangedBy, DateTimeOffset ChangedAt);

/// <summary>The grace rule changed; it applies to local days that start after <paramref name="ChangedAt"/>.</summary>
public sealed record GraceRuleChanged(Guid GroupId, int GraceMinutes, Guid ChangedBy, DateTimeOffset ChangedAt);

public sealed record NumbersVisibilityChanged(Guid GroupId, NumbersVisibility NumbersVisibility, Guid ChangedBy, DateTimeOffset ChangedAt);

/// <summary>A new leaderboard rule version; boards are recomputed from history with it.</summary>
public sealed record LeaderboardRuleChanged(Guid GroupId, int Version, LeaderboardBasis Basis, int MinimumDue, Guid ChangedBy, DateTimeOffset ChangedAt);

/// <summary>A new invite code replaces any previous one.</summary>
public sealed record InviteCodeIssued(Guid GroupId, string Code, DateTimeOffset? ExpiresAt, Guid IssuedBy, DateTimeOffset IssuedAt);

public sealed record InviteCodeRevoked(Guid GroupId, Guid RevokedBy, DateTimeOffset RevokedAt);

public sealed record MemberJoined(Guid GroupId, Guid MemberId, DateTimeOffset JoinedAt);

public sealed record MemberLeft(Guid GroupId, Guid MemberId, DateTimeOffset LeftAt);

public sealed record MemberRemoved(Guid GroupId, Guid MemberId, string Reason, Guid RemovedBy, DateTimeOffset RemovedAt);

public sealed record MemberReinstated(Guid GroupId, Guid MemberId, Guid ReinstatedBy, DateTimeOffset ReinstatedAt);

public sealed record CoCoachAssigned(Guid GroupId, Guid MemberId, Guid AssignedBy, DateTimeOffset AssignedAt);

public sealed record CoCoachUnassigned(Guid GroupId, Guid MemberId, Guid UnassignedBy, DateTimeOffset UnassignedAt);

/// <summary>The coach handed the group over; the previous coach stays as co-coach.</summary>
public sealed record CoachHandedOver(Guid GroupId, Guid PreviousCoachId, Guid NewCoachId, DateTimeOffset HandedOverAt);

/// <summary>Two members became partners, assigned by staff or by accepting a request (<paramref name="RequestId"/>).</summary>
public sealed record PartnersPaired(
    Guid GroupId,
    Guid PairId,
    Guid FirstMemberId,
    Guid SecondMemberId,
    Guid? RequestId,
    Guid PairedBy,
    DateTimeOffset PairedAt);

public sealed record PartnersUnpaired(
    Guid GroupId,
    Guid PairId,
    Guid FirstMemberId,
    Guid SecondMemberId,
    PartnershipEndReason Reason,
    Guid UnpairedBy,
    DateTimeOffset UnpairedAt);

/// <summary>The target of a partner request (recorded on the requester's stream) declined it.</summary>
public sealed record PartnerRequestDeclined(Guid GroupId, Guid RequestId, Guid RequesterId, Guid TargetId, DateTimeOffset DeclinedAt);

public sealed record AnnouncementPosted(Guid GroupId, Guid AnnouncementId, string Text, Guid PostedBy, DateTimeOffset PostedAt);

/// <summary>Staff hid a feed item (a shared check-in, a win or an announcement) from the group.</summary>
public sealed record FeedItemHidden(Guid GroupId, Guid ItemId, string Reason, Guid HiddenBy, DateTimeOffset HiddenAt);

public sealed record FeedItemRestored(Guid GroupId, Guid ItemId, Guid RestoredBy, DateTimeOffset RestoredAt);

/// <summary>Staff reviewed the reports on an item and kept it; only reports filed later can hold it again.</summary>
public sealed record FeedItemReportsDismissed(Guid GroupId, Guid ItemId, Guid DismissedBy, DateTimeOffset DismissedAt);

public sealed record CommentHidden(Guid GroupId, Guid CommentId, string Reason, Guid HiddenBy, DateTimeOffset HiddenAt);

public sealed record CommentRestored(Guid GroupId, Guid CommentId, Guid RestoredBy, DateTimeOffset RestoredAt);

/// <summary>A member may not post comments, announcements or kudos until <paramref name="MutedUntil"/>.</summary>
public sealed record MemberMuted(Guid GroupId, Guid MemberId, DateTimeOffset MutedUntil, string Reason, Guid MutedBy, DateTimeOffset MutedAt);

public sealed record MemberUnmuted(Guid GroupId, Guid MemberId, Guid UnmutedBy, DateTimeOffset UnmutedAt);

/// <summary>The member's rank is hidden from others on every board of the group (they still see their own).</summary>
public sealed record LeaderboardOptedOut(Guid GroupId, Guid MemberId, DateTimeOffset OptedOutAt);

public sealed record LeaderboardOptedIn(Guid GroupId, Guid MemberId, DateTimeOffset OptedInAt);

/// <summary>A group-wide win (e.g. 80% of active members checked in today) went to the feed.</summary>
public sealed record GroupWinRecorded(Guid GroupId, Guid WinId, WinKind Kind, int? Value, DateOnly Date, string Summary, DateTimeOffset RecordedAt);
