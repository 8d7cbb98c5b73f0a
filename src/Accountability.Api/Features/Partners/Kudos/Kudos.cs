using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Moderation;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Domain.Members;
using MediatR;
using Npgsql;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Partners.Kudos;

/// <summary>
/// PUT /api/v1/groups/{groupId}/items/{itemId}/kudos gives kudos to an item the caller can see (a check-in, a win,
/// an announcement), not their own; DELETE takes them back. Both are idempotent. Muted members cannot give kudos.
/// </summary>
public sealed record GiveKudos(Guid GroupId, Guid ItemId, bool Give) : IRequest<long>;

internal sealed class GiveKudosHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource, Membership membership) : IRequestHandler<GiveKudos, long>
{
    public async Task<long> Handle(GiveKudos request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var items = new GroupItems(dataSource, membership);
        return (await writer.WriteMemberAsync(me, new WriteOptions(request.Give ? "GiveKudos" : "WithdrawKudos"),
            async (state, now) =>
            {
                var group = await writer.LoadGroupAsync(request.GroupId, cancellationToken)
                    ?? throw ProblemException.NotFound();
                var item = request.Give
                    ? await items.FindVisibleAsync(group, me.MemberId, request.ItemId, cancellationToken)
                    : await items.FindAsync(group.Id, request.ItemId, cancellationToken);
                if (item is null)
                {
                    throw ProblemException.NotFound("There is no such item in this group, or it is not visible to you.");
                }

                var author = item.AuthorId ?? Guid.Empty;
                return request.Give
                    ? MemberDecisions.Decide(new Domain.Members.GiveKudos(group.Id, item.ItemId, author), state, group, me.MemberId, now)
                    : MemberDecisions.Decide(new WithdrawKudos(group.Id, item.ItemId, author), state, group, me.MemberId, now);
            },
            cancellationToken)).Version;
    }
}

internal static class KudosEndpoints
{
    public static RouteGroupBuilder MapKudos(this RouteGroupBuilder groups)
    {
        groups.MapPut("/{groupId:guid}/items/{itemId:guid}/kudos", async (Guid groupId, Guid itemId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new GiveKudos(groupId, itemId, Give: true), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GiveKudos")
            .WithSummary("Give kudos to an item of the group (not your own).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        groups.MapDelete("/{groupId:guid}/items/{itemId:guid}/kudos", async (Guid groupId, Guid itemId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new GiveKudos(groupId, itemId, Give: false), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("WithdrawKudos")
            .WithSummary("Take your kudos back.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return groups;
    }
}
