using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Domain.Goals;
using FluentValidation;
using MediatR;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Goals.CloseGoal;

/// <summary>POST /api/v1/goals/{goalId}/achieve <c>{"note":"…"}</c> and /abandon <c>{"reason":"…"}</c> (both optional).</summary>
public sealed record CloseGoalRequest(string? Note, string? Reason);

/// <summary>The goal with the wins closing it produced (achieving one is a win for the feed).</summary>
public sealed record CloseGoalResponse(GoalResponse Goal, IReadOnlyList<WinResponse> Wins);

/// <summary>Achieved (a win) or given up: later days are no longer due. Closing twice the same way changes nothing.</summary>
public sealed record CloseGoal(Guid GoalId, bool Achieved, string? Text) : IRequest<CloseGoalResponse>;

internal sealed class CloseGoalValidator : AbstractValidator<CloseGoal>
{
    public CloseGoalValidator() => RuleFor(c => c.Text).MultiLine().OverridePropertyName("note");
}

internal sealed class CloseGoalHandler(EventWriter writer, RequestActor actor, Membership membership) : IRequestHandler<CloseGoal, CloseGoalResponse>
{
    public async Task<CloseGoalResponse> Handle(CloseGoal request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var found = await GoalContext.FindAsync(membership, request.GoalId, cancellationToken);
        var written = await writer.WriteGoalAsync(request.GoalId, me, new WriteOptions(request.Achieved ? "AchieveGoal" : "AbandonGoal"),
            async (goal, now) =>
            {
                var context = await GoalContext.LoadAsync(writer, found.GroupId, found.OwnerId, cancellationToken);
                var group = context.RequireGroup();
                var decided = request.Achieved
                    ? GoalDecisions.Decide(new AchieveGoal(request.Text), goal, group, context.Owner, me.MemberId, now)
                    : GoalDecisions.Decide(new AbandonGoal(request.Text), goal, group, context.Owner, me.MemberId, now);
                return GoalWins.WithWins(goal, decided, group, context.Owner, now);
            },
            cancellationToken);
        return new CloseGoalResponse(GoalResponse.From(written.State!, written.Version), GoalWins.Of(written.Events));
    }
}

internal static class CloseGoalEndpoints
{
    public static RouteGroupBuilder MapCloseGoal(this RouteGroupBuilder api)
    {
        api.MapPost("/goals/{goalId:guid}/achieve", async (Guid goalId, CloseGoalRequest? body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var closed = await mediator.Send(new CloseGoal(goalId, Achieved: true, body?.Note), ct);
                ETags.Set(http, closed.Goal.Version);
                return TypedResults.Ok(closed);
            })
            .RequireAccess(AccessRules.GoalOwner)
            .WithIdempotency()
            .WithName("AchieveGoal")
            .WithSummary("Mark the goal achieved: a win for the group's feed.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/goals/{goalId:guid}/abandon", async (Guid goalId, CloseGoalRequest? body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var closed = await mediator.Send(new CloseGoal(goalId, Achieved: false, body?.Reason), ct);
                ETags.Set(http, closed.Goal.Version);
                return TypedResults.Ok(closed);
            })
            .RequireAccess(AccessRules.GoalOwner)
            .WithIdempotency()
            .WithName("AbandonGoal")
            .WithSummary("Give the goal up: from today it is no longer due.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }
}
