using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Moderation;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Domain.Members;
using FluentValidation;
using MediatR;
using Npgsql;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Partners.Comments;

/// <summary>POST /api/v1/groups/{groupId}/items/{itemId}/comments: <c>{"commentId":"…","text":"…"}</c> (<c>commentId</c> optional).</summary>
public sealed record PostCommentRequest(Guid? CommentId, string? Text);

public sealed record CommentResponse(Guid CommentId, Guid GroupId, Guid ItemId, Guid AuthorId, string Text, DateTimeOffset PostedAt);

/// <summary>A comment on an item the caller can see. Muted members cannot comment; the comment id makes a retry harmless.</summary>
public sealed record PostComment(Guid GroupId, Guid ItemId, Guid CommentId, string? Text) : IRequest<(CommentResponse Comment, long Version)>;

/// <summary>DELETE /api/v1/groups/{groupId}/comments/{commentId}: the author deletes their comment.</summary>
public sealed record DeleteComment(Guid GroupId, Guid CommentId) : IRequest<long>;

internal sealed class PostCommentValidator : AbstractValidator<PostComment>
{
    public PostCommentValidator()
    {
        RuleFor(c => c.CommentId).RequiredId();
        RuleFor(c => c.Text).MultiLine();
    }
}

internal sealed class PostCommentHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource, Membership membership)
    : IRequestHandler<PostComment, (CommentResponse Comment, long Version)>
{
    public async Task<(CommentResponse Comment, long Version)> Handle(PostComment request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var items = new GroupItems(dataSource, membership);
        var written = await writer.WriteMemberAsync(me, new WriteOptions(nameof(PostComment), ClientId: request.CommentId),
            async (state, now) =>
            {
                var group = await writer.LoadGroupAsync(request.GroupId, cancellationToken) ?? throw ProblemException.NotFound();
                var item = await items.FindVisibleAsync(group, me.MemberId, request.ItemId, cancellationToken)
                    ?? throw ProblemException.NotFound("There is no such item in this group, or it is not visible to you.");
                return MemberDecisions.Decide(
                    new Domain.Members.PostComment(request.CommentId, group.Id, item.ItemId, item.AuthorId ?? Guid.Empty, request.Text ?? string.Empty),
                    state, group, me.MemberId, now);
            },
            cancellationToken);
        var posted = written.Events.OfType<CommentPosted>().FirstOrDefault();
        var comment = written.State!.Comments[request.CommentId];
        return (new CommentResponse(comment.CommentId, comment.GroupId, comment.ItemId, me.MemberId, comment.Text, posted?.PostedAt ?? writer.Now), written.Version);
    }
}

internal sealed class DeleteCommentHandler(EventWriter writer, RequestActor actor) : IRequestHandler<DeleteComment, long>
{
    public async Task<long> Handle(DeleteComment request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        return (await writer.WriteMemberAsync(me, new WriteOptions(nameof(DeleteComment)),
            async (state, now) =>
            {
                var group = await writer.LoadGroupAsync(request.GroupId, cancellationToken);
                return MemberDecisions.Decide(new Domain.Members.DeleteComment(request.CommentId), state, group!, me.MemberId, now);
            },
            cancellationToken)).Version;
    }
}

internal static class CommentEndpoints
{
    public static RouteGroupBuilder MapComments(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/items/{itemId:guid}/comments", async (Guid groupId, Guid itemId, PostCommentRequest body,
                IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (comment, version) = await mediator.Send(new PostComment(groupId, itemId, body.CommentId ?? Guid.NewGuid(), body.Text), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{PartnersApi.Prefix}/{groupId}/comments/{comment.CommentId}", comment);
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithIdempotency()
            .WithName("PostComment")
            .WithSummary("Comment on an item of the group.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        groups.MapDelete("/{groupId:guid}/comments/{commentId:guid}", async (Guid groupId, Guid commentId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new DeleteComment(groupId, commentId), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithName("DeleteComment")
            .WithSummary("Delete your own comment.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return groups;
    }
}
