using Accountability.Api.Features.Access;
using Accountability.Domain.Groups;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.RealTime;

internal enum AudienceKind
{
    /// <summary>Every active member of the group (channel <c>group:{id}</c>).</summary>
    Group,

    /// <summary>The group's coach and co-coaches (channel <c>coach:{id}</c>).</summary>
    Coach,

    /// <summary>These members, each through their own channel <c>member:{id}</c>.</summary>
    Members,
}

/// <summary>
/// Who one message is for. The audiences of one message never overlap, so no connection receives it twice:
/// a group or coach channel, or a set of distinct members (whose member channels are disjoint).
/// </summary>
internal sealed record Audience(AudienceKind Kind, Guid GroupId, IReadOnlyList<Guid> MemberIds)
{
    public static Audience Group(Guid groupId) => new(AudienceKind.Group, groupId, []);

    public static Audience Coach(Guid groupId) => new(AudienceKind.Coach, groupId, []);

    public static Audience Members(Guid groupId, IEnumerable<Guid> memberIds) => new(AudienceKind.Members, groupId, memberIds.Distinct().ToArray());

    public IReadOnlyList<string> Channels => Kind switch
    {
        AudienceKind.Group => [FeedChannels.Group(GroupId)],
        AudienceKind.Coach => [FeedChannels.Coach(GroupId)],
        _ => MemberIds.Select(FeedChannels.Member).ToArray(),
    };

    public bool Includes(FeedViewer viewer) => Kind switch
    {
        AudienceKind.Group => viewer.Channels.Contains(FeedChannels.Group(GroupId)),
        AudienceKind.Coach => viewer.Channels.Contains(FeedChannels.Coach(GroupId)),
        _ => MemberIds.Contains(viewer.MemberId),
    };
}

/// <summary>One message and who gets it.</summary>
internal sealed record Delivery(Audience Audience, FeedMessage Message);

/// <summary>A member's connections enter (or leave) a channel.</summary>
internal sealed record ChannelChange(Guid MemberId, string Channel, bool Add);

/// <summary>What one event means for the feed: channel moves first, then messages, in this order.</summary>
internal sealed record RoutedEvent(long Sequence, IReadOnlyList<ChannelChange> Changes, IReadOnlyList<Delivery> Deliveries, Guid? LeaderboardGroup)
{
    public static RoutedEvent Nothing(long sequence) => new(sequence, [], [], null);
}

/// <summary>A member and the channels they hold: whose messages a catch-up keeps.</summary>
internal sealed record FeedViewer(Guid MemberId, IReadOnlySet<string> Channels)
{
    public bool Sees(Delivery delivery) => delivery.Audience.Includes(this);

    /// <summary>The channels the member may see now: their own, each group they are active in, and the coach channel of each group they coach.</summary>
    public static async Task<FeedViewer> OfAsync(Membership membership, Guid memberId, CancellationToken ct)
    {
        var channels = new HashSet<string>(StringComparer.Ordinal) { FeedChannels.Member(memberId) };
        foreach (var (groupId, role) in await membership.GroupsOfAsync(memberId, ct))
        {
            channels.Add(FeedChannels.Group(groupId));
            if (role is GroupRole.Coach or GroupRole.CoCoach)
            {
                channels.Add(FeedChannels.Coach(groupId));
            }
        }

        return new FeedViewer(memberId, channels);
    }
}
