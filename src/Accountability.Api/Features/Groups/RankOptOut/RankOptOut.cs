using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Groups;
using MediatR;

namespace Accountability.Api.Features.Groups.RankOptOut;

/// <summary>
/// PUT /api/v1/groups/{groupId}/rank-opt-out hides the caller's rank from others on every board of the group (they
/// still see their own); DELETE shows it again.
/// </summary>
public sealed record OptOutOfLeaderboard(Guid GroupId, bool OptOut) : IRequest<long>;

internal sealed class OptOutOfLeaderboardHandler(EventWriter writer, RequestActor actor) : IRequestHandler<OptOutOfLeaderboard, long>
{
    public async Task<long> Handle(OptOutOfLeaderboard request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(OptOutOfLeaderboard)),
            (state, now) => request.OptOut
                ? GroupDecisions.Decide(new Domain.Groups.OptOutOfLeaderboard(), state, me.MemberId, now)
                : GroupDecisions.Decide(new OptIntoLeaderboard(), state, me.MemberId, now),
            cancellationToken)).Version;
    }
}

internal static class RankOptOutEndpoints
{
    public static RouteGroupBuilder MapRankOptOut(this RouteGroupBuilder groups)
    {
        groups.MapPut("/{groupId:guid}/rank-opt-out", async (Guid groupId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new OptOutOfLeaderboard(groupId, OptOut: true), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("OptOutOfLeaderboard")
            .WithSummary("Hide your rank from others on the group's boards.");

        groups.MapDelete("/{groupId:guid}/rank-opt-out", async (Guid groupId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new OptOutOfLeaderboard(groupId, OptOut: false), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("OptIntoLeaderboard")
            .WithSummary("Show your rank on the group's boards again.");
        return groups;
    }
}
