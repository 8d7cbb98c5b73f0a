using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Groups;
using MediatR;

namespace Accountability.Api.Features.Groups.CoCoaches;

/// <summary>PUT /api/v1/groups/{groupId}/co-coaches/{memberId}: the coach makes an active member a co-coach.</summary>
public sealed record AssignCoCoach(Guid GroupId, Guid MemberId) : IRequest<long>;

/// <summary>DELETE /api/v1/groups/{groupId}/co-coaches/{memberId}: back to plain member.</summary>
public sealed record UnassignCoCoach(Guid GroupId, Guid MemberId) : IRequest<long>;

internal sealed class AssignCoCoachHandler(EventWriter writer, RequestActor actor) : IRequestHandler<AssignCoCoach, long>
{
    public async Task<long> Handle(AssignCoCoach request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(AssignCoCoach)),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.AssignCoCoach(request.MemberId), state, me.MemberId, now), cancellationToken)).Version;
    }
}

internal sealed class UnassignCoCoachHandler(EventWriter writer, RequestActor actor) : IRequestHandler<UnassignCoCoach, long>
{
    public async Task<long> Handle(UnassignCoCoach request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(UnassignCoCoach)),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.UnassignCoCoach(request.MemberId), state, me.MemberId, now), cancellationToken)).Version;
    }
}

internal static class CoCoachEndpoints
{
    public static RouteGroupBuilder MapCoCoaches(this RouteGroupBuilder groups)
    {
        groups.MapPut("/{groupId:guid}/co-coaches/{memberId:guid}", async (Guid groupId, Guid memberId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new AssignCoCoach(groupId, memberId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupCoach)
            .WithName("AssignCoCoach")
            .WithSummary("Make an active member a co-coach.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        groups.MapDelete("/{groupId:guid}/co-coaches/{memberId:guid}", async (Guid groupId, Guid memberId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new UnassignCoCoach(groupId, memberId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupCoach)
            .WithName("UnassignCoCoach")
            .WithSummary("Make a co-coach a plain member again.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return groups;
    }
}
