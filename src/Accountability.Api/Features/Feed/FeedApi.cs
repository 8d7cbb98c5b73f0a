using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using MediatR;

namespace Accountability.Api.Features.Feed;

/// <summary><c>/api/v1/groups/{groupId}/feed</c>: the group's shared check-ins, wins and announcements, with kudos and comments.</summary>
public static class FeedApi
{
    public static WebApplication MapFeedApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGroup("/api/v1/groups").WithTags("Feed")
            .MapGet("/{groupId:guid}/feed", async (Guid groupId, long? after, long? before, int? limit, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetGroupFeed(groupId, after, before, limit), ct)))
            .RequireAccess(AccessRules.GroupMember)
            .WithName("GetGroupFeed")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
