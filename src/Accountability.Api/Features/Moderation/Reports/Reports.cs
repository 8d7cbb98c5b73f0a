using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Domain.Feed;
using Accountability.Domain.Members;
using FluentValidation;
using MediatR;
using Npgsql;
using NpgsqlTypes;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Moderation.Reports;

/// <summary>POST /api/v1/groups/{groupId}/items/{itemId}/reports: <c>{"reportId":"…","reason":"spam","note":"…"}</c>.</summary>
public sealed record ReportItemRequest(Guid? ReportId, string? Reason, string? Note);

/// <summary>The report, and whether the item is now held for the coach (three members reported it since the last review).</summary>
public sealed record ReportResponse(Guid ReportId, Guid GroupId, Guid ItemId, string Reason, string? Note, bool ItemHeld);

/// <summary>Any member reports an item they can see (not their own); one report per member and item.</summary>
public sealed record ReportItem(Guid GroupId, Guid ItemId, Guid ReportId, string? Reason, string? Note) : IRequest<(ReportResponse Report, long Version)>;

/// <summary>An item with reports, as the coach reviews it. <c>status</c>: visible, held (for review) or hidden.</summary>
public sealed record ReportedItemResponse(
    Guid ItemId,
    string Kind,
    Guid? AuthorId,
    int ReportsSinceReview,
    int TotalReports,
    IReadOnlyList<string> Reasons,
    DateTimeOffset LastReportedAt,
    string Status);

/// <summary>GET /api/v1/groups/{groupId}/moderation/reports: reported items, held ones first.</summary>
public sealed record GetReportedItems(Guid GroupId) : IRequest<IReadOnlyList<ReportedItemResponse>>;

internal sealed class ReportItemValidator : AbstractValidator<ReportItem>
{
    public ReportItemValidator()
    {
        RuleFor(c => c.ReportId).RequiredId();
        RuleFor(c => c.Reason).NotNull().WithMessage("Say why: " + WireNames.ReportReason.Expected + ".").OneOf(WireNames.ReportReason);
        RuleFor(c => c.Note).MultiLine();
    }
}

internal sealed class ReportItemHandler(EventWriter writer, RequestActor actor, NpgsqlDataSource dataSource, Membership membership)
    : IRequestHandler<ReportItem, (ReportResponse Report, long Version)>
{
    public async Task<(ReportResponse Report, long Version)> Handle(ReportItem request, CancellationToken cancellationToken)
    {
        var me = actor.Current;
        var items = new GroupItems(dataSource, membership);
        Domain.Groups.Group? group = null;
        var written = await writer.WriteMemberAsync(me, new WriteOptions(nameof(ReportItem), ClientId: request.ReportId),
            async (state, now) =>
            {
                group = await writer.LoadGroupAsync(request.GroupId, cancellationToken) ?? throw ProblemException.NotFound();
                var item = state?.Reports.ContainsKey(new ItemKey(request.GroupId, request.ItemId)) == true
                    ? await items.FindAsync(group.Id, request.ItemId, cancellationToken)
                    : await items.FindVisibleAsync(group, me.MemberId, request.ItemId, cancellationToken);
                if (item is null)
                {
                    throw ProblemException.NotFound("There is no such item in this group, or it is not visible to you.");
                }

                return MemberDecisions.Decide(
                    new Domain.Members.ReportFeedItem(request.ReportId, group.Id, item.ItemId, item.AuthorId ?? Guid.Empty, WireNames.ReportReason.Parse(request.Reason!), request.Note),
                    state, group, me.MemberId, now);
            },
            cancellationToken);
        var held = ModerationRules.StatusOf(group!, request.ItemId, await items.ReportsAsync(request.GroupId, request.ItemId, cancellationToken)) == ModerationStatus.HeldForReview;
        var filed = written.State!.Reports[new ItemKey(request.GroupId, request.ItemId)];
        var reported = written.Events.OfType<FeedItemReported>().FirstOrDefault();
        return (new ReportResponse(filed.ReportId, request.GroupId, request.ItemId, reported is null ? request.Reason! : WireNames.ReportReason.Name(reported.Reason),
            reported?.Note ?? request.Note, held), written.Version);
    }
}

internal sealed class GetReportedItemsHandler(EventWriter writer, NpgsqlDataSource dataSource) : IRequestHandler<GetReportedItems, IReadOnlyList<ReportedItemResponse>>
{
    public async Task<IReadOnlyList<ReportedItemResponse>> Handle(GetReportedItems request, CancellationToken cancellationToken)
    {
        var group = await writer.LoadGroupAsync(request.GroupId, cancellationToken) ?? throw ProblemException.NotFound();
        await using var command = dataSource.CreateCommand(
                """
                SELECT r.item_id, coalesce(i.kind, 'unknown'), i.author_id, r.reporter_id, r.reason, r.reported_at
                  FROM rm.item_reports r
                  LEFT JOIN rm.group_items i ON i.item_id = r.item_id AND i.group_id = r.group_id
                 WHERE r.group_id = $1
                 ORDER BY r.item_id, r.reported_at
                """)
            .With(request.GroupId, NpgsqlDbType.Uuid);
        var rows = new List<(Guid Item, string Kind, Guid? Author, Guid Reporter, string Reason, DateTimeOffset At)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetGuid(0), reader.GetString(1), await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetGuid(2),
                    reader.GetGuid(3), reader.GetString(4), await reader.GetFieldValueAsync<DateTimeOffset>(5, cancellationToken)));
            }
        }

        return rows.GroupBy(r => r.Item)
            .Select(g =>
            {
                var facts = g.Select(r => new ReportFact(r.Reporter, r.At)).ToList();
                var since = ModerationRules.DistinctReportersSinceReview(group, g.Key, facts);
                var status = ModerationRules.StatusOf(group, g.Key, since) switch
                {
                    ModerationStatus.Hidden => "hidden",
                    ModerationStatus.HeldForReview => "held",
                    _ => "visible",
                };
                var first = g.First();
                return new ReportedItemResponse(g.Key, first.Kind, first.Author, since, g.Count(), g.Select(r => r.Reason).Distinct().Order(StringComparer.Ordinal).ToList(),
                    g.Max(r => r.At), status);
            })
            .OrderBy(r => r.Status switch { "held" => 0, "visible" => 1, _ => 2 })
            .ThenByDescending(r => r.LastReportedAt)
            .ToList();
    }
}

internal static class ReportEndpoints
{
    public static RouteGroupBuilder MapReports(this RouteGroupBuilder groups)
    {
        groups.MapPost("/{groupId:guid}/items/{itemId:guid}/reports", async (Guid groupId, Guid itemId, ReportItemRequest body, IMediator mediator, HttpContext http, CancellationToken ct) =>
            {
                var (report, version) = await mediator.Send(new ReportItem(groupId, itemId, body.ReportId ?? Guid.NewGuid(), body.Reason, body.Note), ct);
                ETags.Set(http, version);
                return TypedResults.Created($"{ModerationApi.Prefix}/{groupId}/moderation/reports", report);
            })
            .RequireAccess(AccessRules.GroupMember)
            .WithIdempotency()
            .WithName("ReportItem")
            .WithSummary("Report an item to the coach; three reports hold it for review.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        groups.MapGet("/{groupId:guid}/moderation/reports", async (Guid groupId, IMediator mediator, CancellationToken ct) =>
                TypedResults.Ok(await mediator.Send(new GetReportedItems(groupId), ct)))
            .RequireAccess(AccessRules.GroupStaff)
            .WithName("GetReportedItems")
            .WithSummary("Reported items of the group, held ones first, for the coach to review.");
        return groups;
    }
}
