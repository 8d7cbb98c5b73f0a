using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Features.Moderation.Mutes;

/// <summary>POST /api/v1/groups/{groupId}/members/{memberId}/mute: <c>{"until":"…","reason":"…"}</c> (5 minutes to 30 days ahead).</summary>
public sealed record MuteRequest(DateTimeOffset? Until, string? Reason);

/// <summary>A muted member keeps checking in but cannot comment, give kudos or announce until the mute runs out.</summary>
public sealed record MuteMember(Guid GroupId, Guid MemberId, DateTimeOffset? Until, string? Reason) : IRequest<long>;

/// <summary>DELETE /api/v1/groups/{groupId}/members/{memberId}/mute.</summary>
public sealed record UnmuteMember(Guid GroupId, Guid MemberId) : IRequest<long>;

internal sealed class MuteMemberValidator : AbstractValidator<MuteMember>
{
    public MuteMemberValidator()
    {
        RuleFor(c => c.Until).NotNull().WithMessage("Say until when (an instant 5 minutes to 30 days ahead).");
        RuleFor(c => c.Reason).MultiLine();
    }
}

internal sealed class MuteMemberHandler(EventWriter writer, RequestActor actor) : IRequestHandler<MuteMember, long>
{
    public async Task<long> Handle(MuteMember request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(MuteMember)),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.MuteMember(request.MemberId, request.Until!.Value, request.Reason ?? string.Empty), state, me.MemberId, now),
            cancellationToken)).Version;
    }
}

internal sealed class UnmuteMemberHandler(EventWriter writer, RequestActor actor) : IRequestHandler<UnmuteMember, long>
{
    public async Task<long> Handle(UnmuteMember request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(UnmuteMember)),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.UnmuteMember(request.MemberId), state, me.MemberId, now),
            cancellationToken)).Version;
    }
}

internal static class MuteEndpoints
{
    public static RouteGroupBuilder MapMutes(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/members/{memberId:guid}/mute", async (Guid groupId, Guid memberId, MuteRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new MuteMember(groupId, memberId, body.Until, body.Reason), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("MuteMember")
            .WithSummary("Mute a member until an instant, with a reason.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        groups.MapDelete("/{groupId:guid}/members/{memberId:guid}/mute", async (Guid groupId, Guid memberId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new UnmuteMember(groupId, memberId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("UnmuteMember")
            .WithSummary("Lift a member's mute.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return groups;
    }
}
