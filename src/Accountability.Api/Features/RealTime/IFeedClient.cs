namespace Accountability.Api.Features.RealTime;

/// <summary>
/// What the feed hub sends. JavaScript clients subscribe with the camelCase name (<c>connection.on("feedItemAdded", m =&gt; ...)</c>);
/// each message is one object whose <c>sequence</c> is the global position of the event behind it.
/// <para>Ordering: messages reach a connection in sequence order. One event may yield several messages to the same
/// client (a partner's shared check-in is a <c>feedItemAdded</c> and a <c>partnerCheckIn</c>), all with its sequence,
/// never the same (sequence, type) twice. <c>leaderboardChanged</c> is the exception: a coalesced notice, at most one
/// per group per second, whose sequence is the last event that changed the board; it may arrive after messages of
/// later events and is safe to apply twice.</para>
/// </summary>
public interface IFeedClient
{
    /// <summary>A shared check-in, a win or an announcement entered the group's feed.</summary>
    Task FeedItemAdded(FeedItemAddedMessage message);

    /// <summary>A feed item now reads like this (a corrected check-in); upsert it.</summary>
    Task FeedItemAmended(FeedItemAmendedMessage message);

    /// <summary>Withdraw the item: staff hid it, or its author stopped sharing it.</summary>
    Task FeedItemHidden(FeedItemHiddenMessage message);

    /// <summary>Staff restored a hidden item.</summary>
    Task FeedItemRestored(FeedItemRestoredMessage message);

    /// <summary>Celebrate: a member's (or the group's) win.</summary>
    Task Win(WinMessage message);

    /// <summary>A partner checked in (or corrected a check-in) on a goal they share with partners.</summary>
    Task PartnerCheckIn(PartnerCheckInMessage message);

    Task NudgeReceived(NudgeReceivedMessage message);

    /// <summary>Kudos given to (or withdrawn from) a feed item.</summary>
    Task Kudos(KudosMessage message);

    Task Comment(CommentMessage message);

    Task CommentHidden(CommentHiddenMessage message);

    Task CommentRestored(CommentRestoredMessage message);

    Task CommentDeleted(CommentDeletedMessage message);

    /// <summary>The group's leaderboard changed (coalesced; see the ordering note above).</summary>
    Task LeaderboardChanged(LeaderboardChangedMessage message);

    /// <summary>Coaches only: something that moves the "who needs me today" queue happened.</summary>
    Task CoachQueueChanged(CoachQueueChangedMessage message);

    /// <summary>The member is now in the group (and in its channels).</summary>
    Task GroupJoined(GroupJoinedMessage message);

    /// <summary>The member left or was removed: the group's messages stop here.</summary>
    Task GroupLeft(GroupLeftMessage message);

    /// <summary>The member was paired with, or unpaired from, a partner.</summary>
    Task PartnershipChanged(PartnershipChangedMessage message);
}
