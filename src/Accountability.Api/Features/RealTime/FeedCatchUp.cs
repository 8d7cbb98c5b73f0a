using Accountability.EventStore;
using Accountability.EventStore.Reading;

namespace Accountability.Api.Features.RealTime;

/// <summary>A stretch of missed messages, and how far the log was read for them.</summary>
/// <param name="Next">Every message for the viewer at or below this sequence is in <paramref name="Messages"/> or an earlier page.</param>
/// <param name="Complete">Whether <paramref name="Next"/> reached the position asked for.</param>
internal sealed record CatchUpPage(IReadOnlyList<FeedMessage> Messages, long Next, bool Complete);

/// <summary>
/// Reads the log after a client's last seen sequence and routes each event as the relay did, keeping what the
/// viewer may see: the catch-up behind hub <c>Resume</c> and <c>GET /api/v1/feed/updates</c>. Events of groups the
/// viewer is not in are skipped before any look-up. Leaderboard changes are coalesced to one notice per group.
/// </summary>
internal sealed class FeedCatchUp(IEventStore store, FeedRouter router, EventLogFollower follower)
{
    private const int ReadPage = 500;

    private readonly IReadOnlyList<string> typeNames = follower.TypeNames(FeedRouter.EventTypes);

    /// <summary>
    /// Messages for <paramref name="viewer"/> of events in (<paramref name="after"/>, <paramref name="upTo"/>], at most
    /// <paramref name="maxMessages"/> (an event's messages are never split across pages).
    /// </summary>
    public async Task<CatchUpPage> ReadAsync(FeedViewer viewer, long after, long upTo, int maxMessages, CancellationToken ct)
    {
        var messages = new List<FeedMessage>();
        var boards = new Dictionary<Guid, long>();
        var position = after;
        var full = false;
        while (position < upTo && !full)
        {
            var from = position;
            var page = await store.ReadAllAsync(position, ReadPage, typeNames, ct);
            foreach (var stored in page.Events)
            {
                if (stored.Sequence > upTo)
                {
                    break;
                }

                if (FeedRouter.MayConcern(stored, viewer))
                {
                    var routed = await router.RouteAsync(stored, ct);
                    var visible = routed.Deliveries.Where(viewer.Sees).Select(d => d.Message).ToList();
                    var board = routed.LeaderboardGroup is { } group && viewer.Channels.Contains(FeedChannels.Group(group)) ? group : (Guid?)null;

                    // The page's leaderboard notices count towards its size too.
                    var size = messages.Count + boards.Count + visible.Count + (board is { } g && !boards.ContainsKey(g) ? 1 : 0);
                    if (messages.Count + boards.Count > 0 && size > maxMessages)
                    {
                        full = true;
                        break;
                    }

                    messages.AddRange(visible);
                    if (board is { } changed)
                    {
                        boards[changed] = stored.Sequence;
                    }
                }

                position = stored.Sequence;
            }

            if (!full)
            {
                // Past the last event read: up to the page's ceiling (the mark, when the page was not full).
                position = Math.Min(upTo, Math.Max(position, page.Ceiling(from)));
                if (position == from)
                {
                    break;
                }
            }
        }

        foreach (var (group, sequence) in boards.OrderBy(b => b.Value))
        {
            messages.Add(new LeaderboardChangedMessage(sequence, group));
        }

        return new CatchUpPage(messages, position, position >= upTo);
    }
}
