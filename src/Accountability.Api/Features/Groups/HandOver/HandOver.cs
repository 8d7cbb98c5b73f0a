using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Features.Groups.HandOver;

/// <summary>POST /api/v1/groups/{groupId}/hand-over: <c>{"newCoachId":"…"}</c>.</summary>
public sealed record HandOverRequest(Guid NewCoachId);

/// <summary>The coach hands the group to an active member and stays on as co-coach.</summary>
public sealed record HandOverCoaching(Guid GroupId, Guid NewCoachId) : IRequest<long>;

internal sealed class HandOverCoachingValidator : AbstractValidator<HandOverCoaching>
{
    public HandOverCoachingValidator() => RuleFor(c => c.NewCoachId).RequiredId();
}

internal sealed class HandOverCoachingHandler(EventWriter writer, RequestActor actor) : IRequestHandler<HandOverCoaching, long>
{
    public async Task<long> Handle(HandOverCoaching request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(nameof(HandOverCoaching)),
            (state, now) => GroupDecisions.Decide(new Domain.Groups.HandOverCoaching(request.NewCoachId), state, me.MemberId, now), cancellationToken)).Version;
    }
}

internal static class HandOverEndpoint
{
    public static RouteGroupBuilder MapHandOver(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/hand-over", async (Guid groupId, HandOverRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new HandOverCoaching(groupId, body.NewCoachId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupCoach)
            .WithName("HandOverCoaching")
            .WithSummary("Hand the group over to another member; the previous coach stays as co-coach.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return groups;
    }
}
