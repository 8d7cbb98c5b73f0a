using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using MediatR;

namespace Accountability.Api.Features.Progress;

/// <summary>
/// Member progress: a goal's streaks and consistency now or as of a past date, the events behind every figure, and
/// a member's goals in a group with the instant their day closes.
/// </summary>
public static class ProgressApi
{
    public static WebApplication MapProgressApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api/v1").WithTags("Progress");

        api.MapGet("/goals/{goalId:guid}/progress", async (Guid goalId, DateOnly? asOf, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetGoalProgress(goalId, asOf), ct)))
            .RequireAccess(AccessRules.GoalViewer)
            .WithName("GetGoalProgress")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/goals/{goalId:guid}/progress/explain", async (Guid goalId, DateOnly? asOf, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new ExplainGoalProgress(goalId, asOf), ct)))
            .RequireAccess(AccessRules.GoalViewer)
            .WithName("ExplainGoalProgress")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/groups/{groupId:guid}/members/{memberId:guid}/progress",
                async (Guid groupId, Guid memberId, DateOnly? asOf, IMediator mediator, CancellationToken ct) =>
                    TypedResults.Ok(await mediator.Send(new GetMemberProgress(groupId, memberId, asOf), ct)))
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetMemberProgress")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }
}
