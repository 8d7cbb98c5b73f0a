using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using MediatR;

namespace Accountability.Api.Features.Groups.LeaveGroup;

/// <summary>
/// POST /api/v1/groups/{groupId}/leave. The member's partnerships in the group end with them; their content
/// leaves the group's view. The coach must hand the group over first, so no cohort is left unmoderated.
/// </summary>
public sealed record LeaveGroup(Guid GroupId) : IRequest<long>;

internal sealed class LeaveGroupHandler(EventWriter writer, RequestActor actor) : IRequestHandler<LeaveGroup, long>
{
    public async Task<long> Handle(LeaveGroup request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var written = await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(LeaveGroup)),
            (state, now) => Domain.Groups.GroupDecisions.Decide(new Domain.Groups.LeaveGroup(), state, me.MemberId, now), cancellationToken);
        return written.Version;
    }
}

internal static class LeaveGroupEndpoint
{
    public static RouteGroupBuilder MapLeaveGroup(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/leave", async (Guid groupId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new LeaveGroup(groupId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("LeaveGroup")
            .WithSummary("Leave the group (the coach hands it over first).")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return groups;
    }
}
