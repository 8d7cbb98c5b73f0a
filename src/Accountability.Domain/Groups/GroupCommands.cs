using Accountability.Domain.Leaderboards;
using Accountability.Domain.Wins;

namespace Accountability.Domain.Groups;

// Commands on a group stream. The acting member and "now" are passed to Decide, never carried here.

/// <summary>The actor becomes the coach. Null options take the defaults (grace until noon, aggregate-only numbers, consistency board).</summary>
public sealed record CreateGroup(
    Guid GroupId,
    string Name,
    string? Description,
    string TimeZoneId,
    IReadOnlyList<CheckInPrompt>? Prompts = null,
    int? GraceMinutes = null,
    NumbersVisibility? NumbersVisibility = null,
    LeaderboardBasis? LeaderboardBasis = null,
    int? LeaderboardMinimumDue = null);

/// <summary>Coach only. Null fields are left as they are; only real changes produce events.</summary>
public sealed record ChangeGroupSettings(
    string? Name = null,
    string? Description = null,
    string? TimeZoneId = null,
    IReadOnlyList<CheckInPrompt>? Prompts = null,
    int? GraceMinutes = null,
    NumbersVisibility? NumbersVisibility = null);

public sealed record ChangeLeaderboardRule(LeaderboardBasis Basis, int MinimumDue);

/// <summary><paramref name="Code"/> comes from <see cref="InviteCodes.Generate"/> at the edge.</summary>
public sealed record IssueInviteCode(string Code, DateTimeOffset? ExpiresAt = null);

public sealed record RevokeInviteCode;

public sealed record JoinGroup(string InviteCode);

public sealed record LeaveGroup;

public sealed record RemoveMember(Guid MemberId, string Reason);

public sealed record ReinstateMember(Guid MemberId);

public sealed record AssignCoCoach(Guid MemberId);

public sealed record UnassignCoCoach(Guid MemberId);

public sealed record HandOverCoaching(Guid NewCoachId);

public sealed record AssignPartners(Guid PairId, Guid FirstMemberId, Guid SecondMemberId);

/// <summary>The target accepts; the request itself is read from the requester's member stream.</summary>
public sealed record AcceptPartnerRequest(Guid RequestId, Guid PairId);

public sealed record DeclinePartnerRequest(Guid RequestId);

public sealed record EndPartnership(Guid PairId);

public sealed record PostAnnouncement(Guid AnnouncementId, string Text);

public sealed record HideFeedItem(Guid ItemId, string Reason);

public sealed record RestoreFeedItem(Guid ItemId);

public sealed record DismissReports(Guid ItemId);

public sealed record HideComment(Guid CommentId, string Reason);

public sealed record RestoreComment(Guid CommentId);

public sealed record MuteMember(Guid MemberId, DateTimeOffset Until, string Reason);

public sealed record UnmuteMember(Guid MemberId);

public sealed record OptOutOfLeaderboard;

public sealed record OptIntoLeaderboard;

/// <summary>Records a group-wide win found by <see cref="WinDetector"/>; idempotent by win id.</summary>
public sealed record RecordGroupWin(Win Win);
