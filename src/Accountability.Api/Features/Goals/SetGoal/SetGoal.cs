using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Members;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Goals;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Features.Goals.SetGoal;

/// <summary>
/// POST /api/v1/groups/{groupId}/goals. Required: <c>title</c>, <c>measure</c>, <c>cadence</c>. <c>startDate</c>
/// defaults to today in the member's zone; <c>visibility</c> to <c>group</c>. Send your own <c>goalId</c> to make a
/// retry safe.
/// </summary>
public sealed record SetGoalRequest(
    Guid? GoalId,
    string? Title,
    string? Why,
    MeasureShape? Measure,
    CadenceShape? Cadence,
    DateOnly? StartDate,
    DateOnly? EndDate,
    string? Reward,
    string? Consequence,
    string? Visibility);

/// <summary>A member commits to a goal in a group: what, how it is measured, how often, and what they promised.</summary>
public sealed record SetGoal(Guid GroupId, Guid GoalId, SetGoalRequest Goal) : IRequest<GoalResponse>;

internal sealed class SetGoalValidator : AbstractValidator<SetGoal>
{
    public SetGoalValidator()
    {
        RuleFor(c => c.GoalId).RequiredId();
        RuleFor(c => c.Goal.Title).SingleLine().OverridePropertyName("title");
        RuleFor(c => c.Goal.Why).MultiLine().OverridePropertyName("why");
        RuleFor(c => c.Goal.Reward).MultiLine().OverridePropertyName("reward");
        RuleFor(c => c.Goal.Consequence).MultiLine().OverridePropertyName("consequence");
        RuleFor(c => c.Goal.Measure).NotNull().Must(GoalShapeRules.IsKnown).WithMessage(GoalShapeRules.MeasureMessage).OverridePropertyName("measure");
        RuleFor(c => c.Goal.Cadence).NotNull().Must(GoalShapeRules.IsKnown).WithMessage(GoalShapeRules.CadenceMessage).OverridePropertyName("cadence");
        RuleFor(c => c.Goal.Visibility).OneOf(WireNames.GoalVisibility).OverridePropertyName("visibility");
    }
}

internal sealed class SetGoalHandler(EventWriter writer, RequestActor actor) : IRequestHandler<SetGoal, GoalResponse>
{
    public async Task<GoalResponse> Handle(SetGoal request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        await MemberZones.EnsureAsync(writer, me, cancellationToken);
        var body = request.Goal;
        var command = new Domain.Goals.SetGoal(
            request.GoalId,
            body.Title ?? string.Empty,
            body.Why,
            body.Measure!.ToDomain(),
            body.Cadence!.ToDomain(),
            body.StartDate,
            body.EndDate,
            body.Reward,
            body.Consequence,
            body.Visibility is null ? GoalVisibility.Group : WireNames.GoalVisibility.Parse(body.Visibility));
        var written = await writer.WriteGoalAsync(request.GoalId, me, new WriteOptions(nameof(SetGoal), ClientId: request.GoalId),
            async (goal, now) =>
            {
                var context = await GoalContext.LoadAsync(writer, request.GroupId, me.MemberId, cancellationToken);
                return GoalDecisions.Decide(command, goal, context.RequireGroup(), context.Owner, me.MemberId, now);
            },
            cancellationToken);
        return GoalResponse.From(written.State!, written.Version);
    }
}

internal static class SetGoalEndpoint
{
    public static RouteGroupBuilder MapSetGoal(this RouteGroupBuilder api)
    {
        api.MapPost("/groups/{groupId:guid}/goals", async (Guid groupId, SetGoalRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var goal = await mediator.Send(new SetGoal(groupId, body.GoalId ?? Guid.NewGuid(), body), ct);
                ETags.Set(http, goal.Version);
                return TypedResults.Created($"{GoalsApi.Prefix}/goals/{goal.GoalId}", goal);
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithIdempotency()
            .WithName("SetGoal")
            .WithSummary("Set a goal in the group: title, measure, cadence, start and end, reward and consequence, visibility.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
