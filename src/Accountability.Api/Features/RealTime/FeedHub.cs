using Accountability.Api.Features.Access;
using Accountability.Api.Identity;
using Accountability.Api.Identity.Authentication;
using Accountability.Domain.Groups;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.RealTime;

/// <summary>What <c>Resume</c> did.</summary>
/// <param name="CaughtUpTo">The client has every message up to this sequence; live messages follow.</param>
/// <param name="Sent">Missed messages sent before this answer.</param>
/// <param name="ReloadRequired">
/// The client was more than <see cref="RealTimeSettings.MaxCatchUpEvents"/> behind: nothing was replayed; reload
/// the feed over REST, then carry on from <paramref name="CaughtUpTo"/>.
/// </param>
public sealed record ResumeResult(long CaughtUpTo, int Sent, bool ReloadRequired);

/// <summary>
/// <c>/hubs/feed</c>: the real-time feed. The server places each connection in the channels its member may see
/// (<see cref="FeedChannels"/>) and the relay pushes to them; the hub itself keeps no state. A client calls
/// <see cref="Resume"/> right after connecting with the last sequence it saw, and gets what it missed, in order,
/// before anything live.
/// </summary>
[Authorize]
internal sealed class FeedHub(
    FeedConnections connections,
    FeedCatchUp catchUp,
    Membership membership,
    RealTimeSettings settings) : Hub<IFeedClient>
{
    public const string Path = "/hubs/feed";

    public override async Task OnConnectedAsync()
    {
        var memberId = CurrentUser.From(Context.User).MemberId;
        var ct = Context.ConnectionAborted;

        // Registered before the look-up: a membership move the relay applies meanwhile is then not lost.
        var connection = await connections.RegisterAsync(Context.ConnectionId, memberId, Context.Abort, ct);
        await connections.PlaceAsync(connection, (await FeedViewer.OfAsync(membership, memberId, ct)).Channels, ct);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await connections.UnregisterAsync(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Sends every message after <paramref name="afterSequence"/> that the member may see, in order, then lets live
    /// messages through (none lost, none twice). Call it once, right after connecting; pass 0 with no history.
    /// </summary>
    public async Task<ResumeResult> Resume(long afterSequence)
    {
        if (afterSequence < 0)
        {
            throw new HubException("afterSequence must be 0 or more.");
        }

        var connection = Find();
        var ct = Context.ConnectionAborted;
        if (!await connections.BeginResumeAsync(connection, ct))
        {
            throw new HubException("Resume is called once, right after connecting; reconnect to resume again.");
        }

        var sent = 0;
        var position = afterSequence;
        var reload = false;
        try
        {
            // Up to where the relay has routed: whatever comes after is being held for this connection.
            var upTo = connections.RelayPosition;
            if (upTo - afterSequence > settings.MaxCatchUpEvents)
            {
                reload = true;
                position = upTo;
            }
            else if (upTo > afterSequence)
            {
                var viewer = await connections.ViewerAsync(connection, ct);
                var page = await catchUp.ReadAsync(viewer, afterSequence, upTo, int.MaxValue, ct);
                foreach (var message in page.Messages)
                {
                    await message.SendAsync(Clients.Caller);
                }

                sent = page.Messages.Count;
                position = page.Next;
            }
        }
        catch
        {
            // Part of the stretch may be missing: close, so the client reconnects and resumes again.
            Context.Abort();
            throw;
        }

        await connections.FinishResumeAsync(connection, position);
        return new ResumeResult(position, sent, reload);
    }

    /// <summary>
    /// Re-checks the member's place in a group and puts this connection in its channels (after a join that this
    /// process has not relayed yet, say). Refused, as if the group did not exist, unless the member is in it.
    /// </summary>
    /// <returns>The channels of the group the connection is now in.</returns>
    public async Task<IReadOnlyList<string>> Join(Guid groupId)
    {
        var connection = Find();
        var ct = Context.ConnectionAborted;
        var role = await membership.RoleInAsync(groupId, connection.MemberId, ct)
            ?? throw new HubException("Not found.");
        IReadOnlyList<string> channels = role is GroupRole.Coach or GroupRole.CoCoach
            ? [FeedChannels.Group(groupId), FeedChannels.Coach(groupId)]
            : [FeedChannels.Group(groupId)];
        await connections.PlaceAsync(connection, channels, ct);
        return channels;
    }

    private FeedConnection Find() =>
        connections.Find(Context.ConnectionId) ?? throw new HubException("The connection is closing.");
}
