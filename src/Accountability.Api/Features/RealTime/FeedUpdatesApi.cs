using Accountability.Api.Features.Access;
using Accountability.Api.Identity;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.EventStore;

namespace Accountability.Api.Features.RealTime;

/// <summary>One missed message: its client method name, its sequence, and the object the hub would have sent.</summary>
public sealed record FeedUpdate(string Type, long Sequence, object Data);

/// <param name="Messages">In order, exactly as the hub sends them.</param>
/// <param name="Next">Pass as <c>after</c> to continue (also after a reload).</param>
/// <param name="More">More messages wait after <paramref name="Next"/>: call again.</param>
/// <param name="Head">The log's committed head when this page was read.</param>
/// <param name="ReloadRequired">
/// <c>after</c> was too far behind to replay: reload the feed over REST, then continue from <paramref name="Next"/>.
/// </param>
public sealed record FeedUpdatesResponse(IReadOnlyList<FeedUpdate> Messages, long Next, bool More, long Head, bool ReloadRequired);

/// <summary>
/// <c>GET /api/v1/feed/updates?after=&amp;limit=&amp;groupId=</c>: the messages the caller missed after a sequence, the
/// same ones, in the same order, as the hub's <c>Resume</c> would send; for clients that catch up over HTTP before
/// (re)connecting. With <c>groupId</c>, only that group's (404 unless the caller is in it).
/// </summary>
public static class FeedUpdatesApi
{
    public const string Path = "/api/v1/feed/updates";

    internal static RouteHandlerBuilder MapFeedUpdates(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, GetUpdatesAsync)
            .RequireAccess(AccessRule.Authenticated)
            .WithTags("Feed")
            .WithName("GetFeedUpdates")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<FeedUpdatesResponse> GetUpdatesAsync(
        CurrentUser user,
        Membership membership,
        FeedCatchUp catchUp,
        IEventStore store,
        RealTimeSettings settings,
        CancellationToken ct,
        long after = 0,
        int? limit = null,
        Guid? groupId = null)
    {
        if (after < 0)
        {
            throw ProblemException.Invalid("after", "after must be 0 or more.");
        }

        var size = limit ?? settings.DefaultPageSize;
        if (size < 1 || size > settings.MaxPageSize)
        {
            throw ProblemException.Invalid("limit", $"limit must be between 1 and {settings.MaxPageSize}.");
        }

        var viewer = await FeedViewer.OfAsync(membership, user.MemberId, ct);
        if (groupId is { } only)
        {
            if (!viewer.Channels.Contains(FeedChannels.Group(only)))
            {
                throw ProblemException.NotFound();
            }

            var channels = new HashSet<string>(StringComparer.Ordinal) { FeedChannels.Group(only), FeedChannels.Member(user.MemberId) };
            if (viewer.Channels.Contains(FeedChannels.Coach(only)))
            {
                channels.Add(FeedChannels.Coach(only));
            }

            viewer = viewer with { Channels = channels };
        }

        var head = await store.ReadHighWaterMarkAsync(ct);
        if (head - after > settings.MaxCatchUpEvents)
        {
            return new FeedUpdatesResponse([], head, More: false, head, ReloadRequired: true);
        }

        var page = await catchUp.ReadAsync(viewer, after, head, size, ct);
        var messages = page.Messages
            .Where(m => groupId is null || m.GroupId == groupId)
            .Select(m => new FeedUpdate(m.Type, m.Sequence, m))
            .ToList();
        return new FeedUpdatesResponse(messages, page.Next, !page.Complete, head, ReloadRequired: false);
    }
}
