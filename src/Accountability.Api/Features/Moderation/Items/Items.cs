using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Domain.Groups;
using FluentValidation;
using MediatR;
using Npgsql;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Moderation.Items;

/// <summary>POST /api/v1/groups/{groupId}/items/{itemId}/hide: <c>{"reason":"…"}</c>.</summary>
public sealed record HideRequest(string? Reason);

public enum ItemAction
{
    Hide,
    Restore,
    DismissReports,
}

/// <summary>
/// Staff hide an item of the group's feed (a shared check-in, a win, an announcement) with a reason, restore it,
/// or keep a reported item by dismissing its reports; the reports filed before a review no longer count.
/// Hidden content disappears from every connected client (the feed follows these events).
/// </summary>
public sealed record ModerateItem(Guid GroupId, Guid ItemId, ItemAction Action, string? Reason) : IRequest<long>;

internal sealed class ModerateItemValidator : AbstractValidator<ModerateItem>
{
    public ModerateItemValidator() => RuleFor(c => c.Reason).MultiLine();
}

internal sealed class ModerateItemHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource, Membership membership) : IRequestHandler<ModerateItem, long>
{
    public async Task<long> Handle(ModerateItem request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        if (await new GroupItems(dataSource, membership).FindAsync(request.GroupId, request.ItemId, cancellationToken) is null)
        {
            throw ProblemException.NotFound("There is no such item in this group.");
        }

        return (await writer.WriteGroupAsync(request.GroupId, me, new WriteOptions(request.Action.ToString()),
            (state, now) => request.Action switch
            {
                ItemAction.Hide => GroupDecisions.Decide(new HideFeedItem(request.ItemId, request.Reason ?? string.Empty), state, me.MemberId, now),
                ItemAction.Restore => GroupDecisions.Decide(new RestoreFeedItem(request.ItemId), state, me.MemberId, now),
                _ => GroupDecisions.Decide(new DismissReports(request.ItemId), state, me.MemberId, now),
            },
            cancellationToken)).Version;
    }
}

internal static class ItemModerationEndpoints
{
    public static RouteGroupBuilder MapItemModeration(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/items/{itemId:guid}/hide", async (Guid groupId, Guid itemId, HideRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new ModerateItem(groupId, itemId, ItemAction.Hide, body.Reason), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("HideItem")
            .WithSummary("Hide an item of the group's feed, with a reason.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

        groups.MapPost("/{groupId:guid}/items/{itemId:guid}/restore", async (Guid groupId, Guid itemId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new ModerateItem(groupId, itemId, ItemAction.Restore, null), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("RestoreItem")
            .WithSummary("Show a hidden item again (its earlier reports no longer count).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        groups.MapPost("/{groupId:guid}/items/{itemId:guid}/dismiss-reports", async (Guid groupId, Guid itemId, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                ETags.Set(http, await mediator.Send(new ModerateItem(groupId, itemId, ItemAction.DismissReports, null), ct));
                return TypedResults.NoContent();
            })
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("DismissReports")
            .WithSummary("Keep a reported item: its reports so far are dismissed and it is no longer held.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return groups;
    }
}
