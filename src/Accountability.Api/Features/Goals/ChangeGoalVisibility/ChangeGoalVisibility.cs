using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Domain.Goals;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Goals.ChangeGoalVisibility;

/// <summary>PUT /api/v1/goals/{goalId}/visibility: <c>{"visibility":"group"|"partners-and-coach"|"coach-only"}</c>.</summary>
public sealed record ChangeGoalVisibilityRequest(string? Visibility);

/// <summary>Who besides the member sees the goal and its check-ins, from now on.</summary>
public sealed record ChangeGoalVisibility(Guid GoalId, string? Visibility, long? IfMatch) : IRequest<GoalResponse>;

internal sealed class ChangeGoalVisibilityValidator : AbstractValidator<ChangeGoalVisibility>
{
    public ChangeGoalVisibilityValidator() =>
        RuleFor(c => c.Visibility).NotNull().WithMessage("Use " + WireNames.GoalVisibility.Expected + ".").OneOf(WireNames.GoalVisibility);
}

internal sealed class ChangeGoalVisibilityHandler(EventWriter writer, RequestActor actor, Membership membership) : IRequestHandler<ChangeGoalVisibility, GoalResponse>
{
    public async Task<GoalResponse> Handle(ChangeGoalVisibility request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var found = await GoalContext.FindAsync(membership, request.GoalId, cancellationToken);
        var command = new Domain.Goals.ChangeGoalVisibility(WireNames.GoalVisibility.Parse(request.Visibility!));
        var written = await writer.WriteGoalAsync(request.GoalId, me, new WriteOptions(nameof(ChangeGoalVisibility), request.IfMatch),
            async (goal, now) =>
            {
                var group = await writer.LoadGroupAsync(found.GroupId, cancellationToken);
                return GoalDecisions.Decide(command, goal, new GoalContext(group, null).RequireGroup(), me.MemberId, now);
            },
            cancellationToken);
        return GoalResponse.From(written.State!, written.Version);
    }
}

internal static class ChangeGoalVisibilityEndpoint
{
    public static RouteGroupBuilder MapChangeGoalVisibility(this RouteGroupBuilder api)
    {
        api.MapPut("/goals/{goalId:guid}/visibility", async (Guid goalId, ChangeGoalVisibilityRequest body, [FromHeader(Name = "If-Match")] string? ifMatch,
                IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var goal = await mediator.Send(new ChangeGoalVisibility(goalId, body.Visibility, ETags.ParseIfMatch(ifMatch)), ct);
                ETags.Set(http, goal.Version);
                return TypedResults.Ok(goal);
            })
            .RequireAccess(AccessRules.GoalOwner)
            .WithName("ChangeGoalVisibility")
            .WithSummary("Change who sees the goal: the group, partners and coach, or the coach only.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return api;
    }
}
