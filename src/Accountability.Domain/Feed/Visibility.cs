using Accountability.Domain.Goals;
using Accountability.Domain.Groups;

namespace Accountability.Domain.Feed;

/// <summary>How much of a goal or item a viewer may see.</summary>
public enum Access
{
    None = 0,

    /// <summary>That it exists and whether it was done; no values, notes or answers.</summary>
    Summary = 1,

    /// <summary>Everything, numbers included.</summary>
    Full = 2,
}

/// <summary>What moderation says about an item (hidden by staff is a group fact; held comes from report counts).</summary>
public enum ModerationStatus
{
    Visible = 0,
    HeldForReview = 1,
    Hidden = 2,
}

// Enum values are used by read models: never renumber.
public enum FeedItemKind
{
    SharedCheckIn = 0,
    Win = 1,
    Announcement = 2,
}

/// <summary>
/// Who sees what. Removed or departed people see nothing of the group, and their content leaves the
/// group's view. Coaches and co-coaches see everything (they moderate). Partners see goals shared with
/// the group or with partners and coach. Other members see group goals, with numbers only when the
/// group shows individual numbers. Hidden or held content is visible only to its author and staff.
/// </summary>
public static class Visibility
{
    public static Access ForGoal(Group group, Guid viewerId, Goal goal, ModerationStatus moderation = ModerationStatus.Visible)
    {
        ArgumentNullException.ThrowIfNull(goal);
        return ForGoal(group, viewerId, goal.MemberId, goal.Visibility, moderation);
    }

    public static Access ForGoal(Group group, Guid viewerId, Guid ownerId, GoalVisibility goalVisibility, ModerationStatus moderation = ModerationStatus.Visible)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!group.IsActiveMember(viewerId))
        {
            return Access.None;
        }

        if (viewerId == ownerId || group.IsStaff(viewerId))
        {
            return Access.Full;
        }

        if (!group.IsActiveMember(ownerId) || moderation != ModerationStatus.Visible)
        {
            return Access.None;
        }

        if (group.ArePartners(viewerId, ownerId))
        {
            return goalVisibility is GoalVisibility.Group or GoalVisibility.PartnersAndCoach ? Access.Full : Access.None;
        }

        if (goalVisibility != GoalVisibility.Group)
        {
            return Access.None;
        }

        return group.NumbersVisibility == NumbersVisibility.Individual ? Access.Full : Access.Summary;
    }

    /// <param name="goalVisibility">The goal's visibility for check-ins and goal wins; null for announcements and group wins.</param>
    public static Access ForFeedItem(Group group, Guid viewerId, FeedItemKind kind, Guid authorId, GoalVisibility? goalVisibility, ModerationStatus moderation)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (goalVisibility is { } visibility && kind != FeedItemKind.Announcement)
        {
            return ForGoal(group, viewerId, authorId, visibility, moderation);
        }

        if (!group.IsActiveMember(viewerId))
        {
            return Access.None;
        }

        if (viewerId == authorId || group.IsStaff(viewerId))
        {
            return Access.Full;
        }

        return moderation == ModerationStatus.Visible ? Access.Full : Access.None;
    }

    /// <summary>Group-wide sums and averages: hidden from members when the group hides numbers.</summary>
    public static bool CanSeeGroupAggregates(Group group, Guid viewerId)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.IsActiveMember(viewerId)
            && (group.IsStaff(viewerId) || group.NumbersVisibility != NumbersVisibility.Hidden);
    }

    /// <summary>A comment is visible with its item, unless staff hid it (its author and staff still see it).</summary>
    public static bool CanSeeComment(Group group, Guid viewerId, Guid commentId, Guid authorId)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!group.IsActiveMember(viewerId))
        {
            return false;
        }

        return viewerId == authorId || group.IsStaff(viewerId) || (!group.HiddenComments.ContainsKey(commentId) && group.IsActiveMember(authorId));
    }

    /// <summary>A check-in becomes a feed item only when shared and its goal is visible to the whole group.</summary>
    public static bool IsSharedToFeed(GoalVisibility goalVisibility, bool shareToFeed) =>
        shareToFeed && goalVisibility == GoalVisibility.Group;
}
