using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Domain.Goals;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Mvc;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Goals.ReviseGoal;

/// <summary>
/// PATCH /api/v1/goals/{goalId}: only the fields sent change. A new measure or cadence applies to days from
/// <c>effectiveFrom</c> (today by default, never a day already begun): history is never rewritten.
/// </summary>
public sealed record ReviseGoalRequest(
    DateOnly? EffectiveFrom,
    string? Title,
    string? Why,
    MeasureShape? Measure,
    CadenceShape? Cadence,
    DateOnly? EndDate,
    string? Reward,
    string? Consequence,
    string? Reason);

public sealed record ReviseGoal(Guid GoalId, ReviseGoalRequest Revision, long? IfMatch) : IRequest<GoalResponse>;

internal sealed class ReviseGoalValidator : AbstractValidator<ReviseGoal>
{
    public ReviseGoalValidator()
    {
        RuleFor(c => c.Revision.Title).SingleLine().OverridePropertyName("title");
        RuleFor(c => c.Revision.Why).MultiLine().OverridePropertyName("why");
        RuleFor(c => c.Revision.Reward).MultiLine().OverridePropertyName("reward");
        RuleFor(c => c.Revision.Consequence).MultiLine().OverridePropertyName("consequence");
        RuleFor(c => c.Revision.Reason).MultiLine().OverridePropertyName("reason");
        RuleFor(c => c.Revision.Measure).Must(GoalShapeRules.IsKnown).WithMessage(GoalShapeRules.MeasureMessage).OverridePropertyName("measure");
        RuleFor(c => c.Revision.Cadence).Must(GoalShapeRules.IsKnown).WithMessage(GoalShapeRules.CadenceMessage).OverridePropertyName("cadence");
    }
}

internal sealed class ReviseGoalHandler(EventWriter writer, RequestActor actor, Membership membership) : IRequestHandler<ReviseGoal, GoalResponse>
{
    public async Task<GoalResponse> Handle(ReviseGoal request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var found = await GoalContext.FindAsync(membership, request.GoalId, cancellationToken);
        var body = request.Revision;
        var command = new Domain.Goals.ReviseGoal(
            body.EffectiveFrom, body.Title, body.Why, body.Measure?.ToDomain(), body.Cadence?.ToDomain(), body.EndDate, body.Reward, body.Consequence, body.Reason);
        var written = await writer.WriteGoalAsync(request.GoalId, me, new WriteOptions(nameof(ReviseGoal), request.IfMatch),
            async (goal, now) =>
            {
                var context = await GoalContext.LoadAsync(writer, found.GroupId, found.OwnerId, cancellationToken);
                return GoalDecisions.Decide(command, goal, context.RequireGroup(), context.Owner, me.MemberId, now);
            },
            cancellationToken);
        return GoalResponse.From(written.State!, written.Version);
    }
}

internal static class ReviseGoalEndpoint
{
    public static RouteGroupBuilder MapReviseGoal(this RouteGroupBuilder api)
    {
        api.MapPatch("/goals/{goalId:guid}", async (Guid goalId, ReviseGoalRequest body, [FromHeader(Name = "If-Match")] string? ifMatch,
                IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var goal = await mediator.Send(new ReviseGoal(goalId, body, ETags.ParseIfMatch(ifMatch)), ct);
                ETags.Set(http, goal.Version);
                return TypedResults.Ok(goal);
            })
            .RequireAccess(AccessRules.GoalOwner)
            .WithName("ReviseGoal")
            .WithSummary("Revise a goal from a date on: title, why, measure, cadence, end, reward, consequence.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
        return api;
    }
}
