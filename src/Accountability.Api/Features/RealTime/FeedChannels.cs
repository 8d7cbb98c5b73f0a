using System.Globalization;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// The channels (SignalR groups) a feed connection is placed in. The server alone places connections, from
/// <see cref="Access.Membership"/>: <c>group:{id}</c> for each group the member is active in, <c>coach:{id}</c>
/// for each group they coach or co-coach, and <c>member:{id}</c> for their own partner updates and nudges.
/// </summary>
public static class FeedChannels
{
    public static string Group(Guid groupId) => "group:" + groupId.ToString("D", CultureInfo.InvariantCulture);

    public static string Coach(Guid groupId) => "coach:" + groupId.ToString("D", CultureInfo.InvariantCulture);

    public static string Member(Guid memberId) => "member:" + memberId.ToString("D", CultureInfo.InvariantCulture);
}
