using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using MediatR;

namespace Accountability.Api.Features.Leaderboards;

/// <summary><c>/api/v1/groups/{groupId}/leaderboard</c>: the group's board for this week, the rolling 4 weeks or all time.</summary>
public static class LeaderboardsApi
{
    public static WebApplication MapLeaderboardsApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGroup("/api/v1/groups").WithTags("Leaderboards")
            .MapGet("/{groupId:guid}/leaderboard", async (Guid groupId, string? window, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetLeaderboard(groupId, window), ct)))
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetLeaderboard")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
