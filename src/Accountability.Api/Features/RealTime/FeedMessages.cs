using Accountability.Domain.Goals;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// A message of the feed: what the hub pushes and what <c>GET /api/v1/feed/updates</c> returns, the same object
/// both ways. <see cref="Sequence"/> is the global position of the event behind it.
/// </summary>
public abstract record FeedMessage(long Sequence, Guid GroupId)
{
    /// <summary>The client method name, as JavaScript subscribes to it.</summary>
    internal abstract string Type { get; }

    internal abstract Task SendAsync(IFeedClient client);
}

/// <summary>A check-in as the recipient may see it: <c>detail</c> "full", or "summary" (done or not, no numbers, notes or answers).</summary>
public sealed record CheckInView(
    Guid CheckInId,
    Guid GoalId,
    DateOnly Date,
    bool Done,
    string Detail,
    decimal? Value,
    string? Note,
    IReadOnlyList<PromptAnswer>? Answers,
    int? Mood,
    bool? Stuck,
    DateTimeOffset At);

/// <summary>A win; <c>memberId</c> and <c>goalId</c> are null for a group-wide win.</summary>
public sealed record WinView(
    Guid WinId,
    string Kind,
    Guid? MemberId,
    string? MemberName,
    Guid? GoalId,
    int? Value,
    DateOnly Date,
    Guid? CheckInId,
    string Summary,
    DateTimeOffset At);

/// <summary>A feed item: <c>kind</c> "checkIn" (with <c>checkIn</c>), "win" or "groupWin" (with <c>win</c>), "announcement" (with <c>text</c>).</summary>
public sealed record FeedItemView(
    Guid ItemId,
    string Kind,
    Guid? AuthorId,
    string? AuthorName,
    DateTimeOffset At,
    CheckInView? CheckIn = null,
    WinView? Win = null,
    string? Text = null);

public sealed record FeedItemAddedMessage(long Sequence, Guid GroupId, FeedItemView Item) : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "feedItemAdded";

    internal override Task SendAsync(IFeedClient client) => client.FeedItemAdded(this);
}

public sealed record FeedItemAmendedMessage(long Sequence, Guid GroupId, FeedItemView Item) : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "feedItemAmended";

    internal override Task SendAsync(IFeedClient client) => client.FeedItemAmended(this);
}

/// <param name="Reason">Staff's reason; "held-for-review" when reports hold the item for the coach (<paramref name="HiddenBy"/> is then empty); "unshared" when the author stopped sharing a check-in.</param>
public sealed record FeedItemHiddenMessage(long Sequence, Guid GroupId, Guid ItemId, string Reason, Guid HiddenBy, DateTimeOffset At)
    : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "feedItemHidden";

    internal override Task SendAsync(IFeedClient client) => client.FeedItemHidden(this);
}

public sealed record FeedItemRestoredMessage(long Sequence, Guid GroupId, Guid ItemId, Guid RestoredBy, DateTimeOffset At)
    : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "feedItemRestored";

    internal override Task SendAsync(IFeedClient client) => client.FeedItemRestored(this);
}

public sealed record WinMessage(long Sequence, Guid GroupId, WinView Win) : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "win";

    internal override Task SendAsync(IFeedClient client) => client.Win(this);
}

public sealed record PartnerCheckInMessage(long Sequence, Guid GroupId, Guid MemberId, string? MemberName, CheckInView CheckIn, bool Amended)
    : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "partnerCheckIn";

    internal override Task SendAsync(IFeedClient client) => client.PartnerCheckIn(this);
}

public sealed record NudgeReceivedMessage(
    long Sequence,
    Guid GroupId,
    Guid NudgeId,
    Guid SenderId,
    string? SenderName,
    Guid? GoalId,
    string? Message,
    DateTimeOffset At) : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "nudgeReceived";

    internal override Task SendAsync(IFeedClient client) => client.NudgeReceived(this);
}

/// <param name="Given">True when given, false when withdrawn.</param>
public sealed record KudosMessage(long Sequence, Guid GroupId, Guid ItemId, Guid ItemAuthorId, Guid GiverId, string? GiverName, bool Given, DateTimeOffset At)
    : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "kudos";

    internal override Task SendAsync(IFeedClient client) => client.Kudos(this);
}

public sealed record CommentMessage(
    long Sequence,
    Guid GroupId,
    Guid CommentId,
    Guid ItemId,
    Guid ItemAuthorId,
    Guid AuthorId,
    string? AuthorName,
    string Text,
    DateTimeOffset At) : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "comment";

    internal override Task SendAsync(IFeedClient client) => client.Comment(this);
}

public sealed record CommentHiddenMessage(long Sequence, Guid GroupId, Guid CommentId, string Reason, Guid HiddenBy, DateTimeOffset At)
    : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "commentHidden";

    internal override Task SendAsync(IFeedClient client) => client.CommentHidden(this);
}

public sealed record CommentRestoredMessage(long Sequence, Guid GroupId, Guid CommentId, Guid RestoredBy, DateTimeOffset At)
    : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "commentRestored";

    internal override Task SendAsync(IFeedClient client) => client.CommentRestored(this);
}

public sealed record CommentDeletedMessage(long Sequence, Guid GroupId, Guid CommentId, Guid ItemId, DateTimeOffset At)
    : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "commentDeleted";

    internal override Task SendAsync(IFeedClient client) => client.CommentDeleted(this);
}

/// <summary>The board changed as of <paramref name="Sequence"/>: reload it (<c>GET</c> the group's leaderboard).</summary>
public sealed record LeaderboardChangedMessage(long Sequence, Guid GroupId) : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "leaderboardChanged";

    internal override Task SendAsync(IFeedClient client) => client.LeaderboardChanged(this);
}

/// <param name="Reason">"checkIn", "checkInAmended", "correctionRequested", "correctionDecided", "itemReported", "reportsDismissed", "memberJoined", "memberLeft", "memberRemoved".</param>
/// <param name="CheckIn">The full check-in, for the check-in reasons (coaches see every goal).</param>
public sealed record CoachQueueChangedMessage(
    long Sequence,
    Guid GroupId,
    string Reason,
    Guid MemberId,
    string? MemberName,
    DateTimeOffset At,
    Guid? GoalId = null,
    Guid? ItemId = null,
    CheckInView? CheckIn = null) : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "coachQueueChanged";

    internal override Task SendAsync(IFeedClient client) => client.CoachQueueChanged(this);
}

/// <param name="Role">"coach", "co-coach" or "member".</param>
public sealed record GroupJoinedMessage(long Sequence, Guid GroupId, string Role) : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "groupJoined";

    internal override Task SendAsync(IFeedClient client) => client.GroupJoined(this);
}

/// <param name="Reason">"left" or "removed".</param>
public sealed record GroupLeftMessage(long Sequence, Guid GroupId, string Reason) : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "groupLeft";

    internal override Task SendAsync(IFeedClient client) => client.GroupLeft(this);
}

public sealed record PartnershipChangedMessage(long Sequence, Guid GroupId, Guid PairId, Guid PartnerId, string? PartnerName, bool Paired)
    : FeedMessage(Sequence, GroupId)
{
    internal override string Type => "partnershipChanged";

    internal override Task SendAsync(IFeedClient client) => client.PartnershipChanged(this);
}
