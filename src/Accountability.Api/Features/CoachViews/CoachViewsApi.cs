using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using MediatR;

namespace Accountability.Api.Features.CoachViews;

/// <summary>
/// The coach's cohort views: <c>/coach/dashboard</c> and <c>/coach/queue</c> for the group's staff, and a member's
/// timeline for the member themself or staff.
/// </summary>
public static class CoachViewsApi
{
    public static WebApplication MapCoachViewsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var groups = app.MapGroup("/api/v1/groups").WithTags("Coach views");

        groups.MapGet("/{groupId:guid}/coach/dashboard", async (Guid groupId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetCoachDashboard(groupId), ct)))
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("GetCoachDashboard")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        groups.MapGet("/{groupId:guid}/coach/queue", async (Guid groupId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetCoachQueue(groupId), ct)))
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("GetCoachQueue")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        groups.MapGet("/{groupId:guid}/members/{memberId:guid}/timeline",
                async (Guid groupId, Guid memberId, long? before, int? limit, IMediator mediator, CancellationToken ct) =>
                    TypedResults.Ok(await mediator.Send(new GetMemberTimeline(groupId, memberId, before, limit), ct)))
            .RequireAccess(AccessRules.MemberSelfOrStaff)
            .WithName("GetMemberTimeline")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }
}
