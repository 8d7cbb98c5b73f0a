using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Moderation.Items;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Moderation.Comments;

/// <summary>Staff hide a comment with a reason (its author and staff still see it), or restore it.</summary>
public sealed record ModerateComment(Guid GroupId, Guid CommentId, bool Hide, string? Reason) : IRequest<long>;

internal sealed class ModerateCommentValidator : AbstractValidator<ModerateComment>
{
    public ModerateCommentValidator() => RuleFor(c => c.Reason).MultiLine();
}

internal sealed class ModerateCommentHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource) : IRequestHandler<ModerateComment, long>
{
    public async Task<long> Handle(ModerateComment request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        await using (var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM rm.group_comments WHERE comment_id = $1 AND group_id = $2)")
            .With(request.CommentId, NpgsqlDbType.Uuid)
            .With(request.GroupId, NpgsqlDbType.Uuid))
        {
            if (await command.ExecuteScalarAsync(cancellationToken) is not true)
            {
                throw ProblemException.NotFound("There is no such comment in this group.");
            }
        }

        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(request.Hide ? "HideComment" : "RestoreComment"),
            (state, now) => request.Hide
                ? GroupDecisions.Decide(new HideComment(request.CommentId, request.Reason ?? string.Empty), state, me.MemberId, now)
                : GroupDecisions.Decide(new RestoreComment(request.CommentId), state, me.MemberId, now),
            cancellationToken)).Version;
    }
}

internal static class CommentModerationEndpoints
{
    public static RouteGroupBuilder MapCommentModeration(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/comments/{commentId:guid}/hide", async (Guid groupId, Guid commentId, HideRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new ModerateComment(groupId, commentId, Hide: true, body.Reason), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("HideComment")
            .WithSummary("Hide a comment, with a reason.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        groups.MapPost("/{groupId:guid}/comments/{commentId:guid}/restore", async (Guid groupId, Guid commentId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new ModerateComment(groupId, commentId, Hide: false, null), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("RestoreComment")
            .WithSummary("Show a hidden comment again.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return groups;
    }
}
