using System.Collections.Immutable;
using Accountability.Api.Features.Access;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Identity;
using AutoMapper;
using Accountability.Domain.Feed;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Wins;
using FluentValidation;
using MediatR;
using Npgsql;
using DomainMembership = Accountability.Domain.Groups.Membership;
using Membership = Accountability.Api.Features.Access.Membership;
using FeedAccess = Accountability.Domain.Feed.Access;

namespace Accountability.Api.Features.Feed;

/// <summary>GET /api/v1/groups/{groupId}/feed?after=&amp;before=&amp;limit=: items newest first, by global sequence.</summary>
public sealed record GetGroupFeed(Guid GroupId, long? After, long? Before, int? Limit) : IRequest<FeedPageResponse>
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
}

internal sealed class GetGroupFeedValidator : AbstractValidator<GetGroupFeed>
{
    public GetGroupFeedValidator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, GetGroupFeed.MaxLimit).When(r => r.Limit is not null);
        RuleFor(r => r.After).GreaterThanOrEqualTo(0).When(r => r.After is not null);
        RuleFor(r => r.Before).GreaterThan(0).When(r => r.Before is not null);
        RuleFor(r => r.Before).GreaterThan(r => r.After!.Value)
            .When(r => r.After is not null && r.Before is not null)
            .WithMessage("'before' must be greater than 'after'.");
    }
}

/// <summary>
/// Reads a page of the feed and keeps what the viewer may see, item by item, by the domain's
/// <see cref="Visibility.ForFeedItem"/> over the current roster (from <see cref="Membership"/>): members never get
/// others' hidden or held items, nor items of people who left; staff get everything, with its moderation state.
/// Pages are filled by reading further when items are filtered out, so a page is short only at the feed's end.
/// </summary>
internal sealed class GetGroupFeedHandler(NpgsqlDataSource dataSource, Membership membership, CurrentUser user, IMapper mapper)
    : IRequestHandler<GetGroupFeed, FeedPageResponse>
{
    public async Task<FeedPageResponse> Handle(GetGroupFeed request, CancellationToken cancellationToken)
    {
        var viewer = user.MemberId;
        var limit = request.Limit ?? GetGroupFeed.DefaultLimit;
        var group = await ViewerGroupAsync(request.GroupId, viewer, cancellationToken);
        var forward = request.After is not null;

        // Read in windows of a few pages' worth until the page is full or the range is exhausted.
        var kept = new List<(FeedItemState Item, string? GoalTitle, string? Unit, FeedAccess Access)>();
        var from = forward ? request.After!.Value : request.Before ?? long.MaxValue;
        var bound = forward ? request.Before ?? long.MaxValue : request.After ?? 0;
        var more = false;
        while (true)
        {
            var window = limit * 2 + 10;
            var rows = await ReadItemsAsync(request.GroupId, from, bound, forward, window, cancellationToken);
            foreach (var row in rows)
            {
                var access = Visibility.ForFeedItem(group, viewer, row.Item.Kind, row.Item.AuthorId ?? Guid.Empty, row.Item.GoalVisibility, row.Item.Status);
                if (access == FeedAccess.None)
                {
                    continue;
                }

                if (kept.Count == limit)
                {
                    more = true;
                    break;
                }

                kept.Add((row.Item, row.GoalTitle, row.Unit, access));
            }

            if (more || rows.Count < window)
            {
                break;
            }

            from = rows[^1].Item.Seq;
        }

        if (forward)
        {
            kept.Reverse();
        }

        var itemIds = kept.Select(k => k.Item.ItemId).ToArray();
        var (comments, myKudos) = await ReadCommentsAndKudosAsync(request.GroupId, itemIds, viewer, cancellationToken);
        var groupWithHidden = group with
        {
            HiddenComments = comments.Where(c => c.HiddenAt is not null)
                .ToImmutableDictionary(c => c.CommentId, c => new HiddenContent(c.CommentId, c.HiddenReason ?? string.Empty, c.HiddenBy ?? Guid.Empty, c.HiddenAt!.Value)),
        };
        var staff = group.IsStaff(viewer);
        var items = kept.Select(k =>
        {
            var item = k.Item;
            var full = k.Access == FeedAccess.Full;
            var itemComments = comments
                .Where(c => c.ItemId == item.ItemId && !c.Deleted && Visibility.CanSeeComment(groupWithHidden, viewer, c.CommentId, c.AuthorId))
                .Select(c => mapper.Map<FeedCommentResponse>(c) with
                {
                    Moderation = c.HiddenAt is null || !(staff || c.AuthorId == viewer)
                        ? null
                        : new FeedModerationResponse(FeedWire.Moderation(ModerationStatus.Hidden), c.HiddenReason, staff ? c.HiddenBy : null, c.HiddenAt, 0),
                })
                .ToList();
            return mapper.Map<FeedItemResponse>(item) with
            {
                GoalTitle = k.GoalTitle,
                CheckIn = item.Kind == FeedItemKind.SharedCheckIn
                    ? full
                        ? new FeedCheckInResponse(item.CheckInDate!.Value, item.Done ?? false, item.Value, k.Unit, item.Note, item.Mood, item.Stuck,
                            (item.Answers ?? []).Select(a => new FeedAnswerResponse(a.PromptId, a.Text)).ToList())
                        : new FeedCheckInResponse(item.CheckInDate!.Value, item.Done ?? false, null, null, null, null, null, null)
                    : null,
                KudosGiven = myKudos.Contains(item.ItemId),
                Comments = itemComments,
                Moderation = staff || item.AuthorId == viewer
                    ? new FeedModerationResponse(
                        FeedWire.Moderation(item.Status),
                        item.HiddenReason,
                        staff ? item.HiddenBy : null,
                        item.HiddenAt,
                        staff ? FeedProjection.ReportsSinceReview(item) : 0)
                    : null,
                Access = full ? "full" : "summary",
            };
        }).ToList();

        long? nextBefore = null;
        long? nextAfter = null;
        if (forward)
        {
            nextAfter = more && items.Count > 0 ? items[0].Sequence : null;
        }
        else if (more && items.Count > 0)
        {
            nextBefore = items[^1].Sequence;
        }

        return new FeedPageResponse(items, nextBefore, nextAfter);
    }

    /// <summary>
    /// Just enough of the group for the domain's visibility rule: the viewer with their role, every active member
    /// (so content of people who left drops out), the viewer's partners, and the group's numbers visibility.
    /// </summary>
    private async Task<Group> ViewerGroupAsync(Guid groupId, Guid viewer, CancellationToken ct)
    {
        var role = await membership.RoleInAsync(groupId, viewer, ct) ?? GroupRole.Member;
        var active = await membership.ActiveMembersAsync(groupId, ct);
        var partners = await membership.PartnersOfAsync(groupId, viewer, ct);
        await using var command = dataSource.CreateCommand($"SELECT numbers_visibility FROM {FeedTables.Groups} WHERE group_id = $1");
        command.Add(groupId);
        var numbers = await command.ExecuteScalarAsync(ct) is short n ? (NumbersVisibility)n : NumbersVisibility.AggregateOnly;
        var roster = active.ToImmutableDictionary(id => id, id => new DomainMembership(id, id == viewer ? role : GroupRole.Member, MembershipStatus.Active, DateTimeOffset.MinValue));
        return new Group(groupId, Guid.Empty, string.Empty, string.Empty, "UTC", [], 0, numbers, LeaderboardRule.Default, DateTimeOffset.MinValue)
        {
            Roster = roster,
            Pairs = partners.ToImmutableDictionary(p => p, p => new PartnerPair(p, viewer, p, DateTimeOffset.MinValue)),
        };
    }

    private async Task<List<(FeedItemState Item, string? GoalTitle, string? Unit)>> ReadItemsAsync(
        Guid groupId, long from, long bound, bool forward, int count, CancellationToken ct)
    {
        var range = forward ? "i.seq > $2 AND i.seq < $3" : "i.seq < $2 AND i.seq > $3";
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {FeedRows.ItemColumns}, g.title, g.unit
              FROM {FeedTables.Items} i
              LEFT JOIN {FeedTables.Goals} g ON g.goal_id = i.goal_id
             WHERE i.group_id = $1 AND {range} AND i.shared
             ORDER BY i.seq {(forward ? "ASC" : "DESC")}
             LIMIT $4
            """);
        command.Add(groupId);
        command.Add(from);
        command.Add(bound);
        command.Add(count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<(FeedItemState, string?, string?)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((FeedRows.ReadItem(reader), reader.GetNullableString(FeedRows.ItemColumnCount), reader.GetNullableString(FeedRows.ItemColumnCount + 1)));
        }

        return rows;
    }

    private async Task<(List<FeedCommentState> Comments, HashSet<Guid> MyKudos)> ReadCommentsAndKudosAsync(Guid groupId, Guid[] itemIds, Guid viewer, CancellationToken ct)
    {
        if (itemIds.Length == 0)
        {
            return ([], []);
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        var comments = new NpgsqlBatchCommand(
            $"""
            SELECT comment_id, group_id, item_id, seq, author_id, text, posted_at, deleted, hidden_reason, hidden_by, hidden_at
              FROM {FeedTables.Comments} WHERE group_id = $1 AND item_id = ANY($2) ORDER BY seq
            """);
        comments.Add(groupId);
        comments.Add(itemIds);
        batch.BatchCommands.Add(comments);
        var kudos = new NpgsqlBatchCommand($"SELECT item_id FROM {FeedTables.Kudos} WHERE group_id = $1 AND item_id = ANY($2) AND giver_id = $3");
        kudos.Add(groupId);
        kudos.Add(itemIds);
        kudos.Add(viewer);
        batch.BatchCommands.Add(kudos);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var list = new List<FeedCommentState>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new FeedCommentState
            {
                CommentId = reader.GetGuid(0),
                GroupId = reader.GetGuid(1),
                ItemId = reader.GetGuid(2),
                Seq = reader.GetInt64(3),
                AuthorId = reader.GetGuid(4),
                Text = reader.GetString(5),
                PostedAt = reader.GetInstant(6),
                Deleted = reader.GetBoolean(7),
                HiddenReason = reader.GetNullableString(8),
                HiddenBy = reader.GetNullableGuid(9),
                HiddenAt = reader.GetNullableInstant(10),
            });
        }

        await reader.NextResultAsync(ct);
        var mine = new HashSet<Guid>();
        while (await reader.ReadAsync(ct))
        {
            mine.Add(reader.GetGuid(0));
        }

        return (list, mine);
    }
}

/// <summary>Reading <c>rm.feed_items</c> rows.</summary>
internal static class FeedRows
{
    public const string ItemColumns =
        """
        i.group_id, i.item_id, i.seq, i.kind, i.author_id, i.goal_id, i.goal_visibility, i.created_at, i.amended_at, i.shared,
        i.check_in_date, i.done, i.value, i.note, i.mood, i.stuck, i.answers::text, i.win_kind, i.win_value, i.win_date, i.text,
        i.kudos, i.status, i.hidden_reason, i.hidden_by, i.hidden_at, i.reviewed_at, i.reports::text
        """;

    public const int ItemColumnCount = 28;

    public static FeedItemState ReadItem(NpgsqlDataReader reader) => new()
    {
        GroupId = reader.GetGuid(0),
        ItemId = reader.GetGuid(1),
        Seq = reader.GetInt64(2),
        Kind = (FeedItemKind)reader.GetInt16(3),
        AuthorId = reader.IsDBNull(4) ? null : reader.GetGuid(4),
        GoalId = reader.IsDBNull(5) ? null : reader.GetGuid(5),
        GoalVisibility = reader.IsDBNull(6) ? null : (GoalVisibility)reader.GetInt16(6),
        CreatedAt = reader.GetInstant(7),
        AmendedAt = reader.GetNullableInstant(8),
        Shared = reader.GetBoolean(9),
        CheckInDate = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10),
        Done = reader.IsDBNull(11) ? null : reader.GetBoolean(11),
        Value = reader.IsDBNull(12) ? null : reader.GetDecimal(12),
        Note = reader.GetNullableString(13),
        Mood = reader.IsDBNull(14) ? null : reader.GetInt16(14),
        Stuck = reader.IsDBNull(15) ? null : reader.GetBoolean(15),
        Answers = reader.GetNullableString(16) is { } answers and not "null" ? ReadModelJson.Deserialize<List<PromptAnswer>>(answers) : null,
        WinKind = reader.IsDBNull(17) ? null : (WinKind)reader.GetInt16(17),
        WinValue = reader.IsDBNull(18) ? null : reader.GetInt32(18),
        WinDate = reader.IsDBNull(19) ? null : reader.GetFieldValue<DateOnly>(19),
        Text = reader.GetNullableString(20),
        Kudos = reader.GetInt32(21),
        Status = (ModerationStatus)reader.GetInt16(22),
        HiddenReason = reader.GetNullableString(23),
        HiddenBy = reader.IsDBNull(24) ? null : reader.GetGuid(24),
        HiddenAt = reader.GetNullableInstant(25),
        ReviewedAt = reader.GetNullableInstant(26),
        Reports = ReadModelJson.Deserialize<List<ReportFact>>(reader.GetString(27)),
    };
}

/// <summary>
/// Feed rows to responses. The per-viewer parts (goal title, check-in at the viewer's access, kudos given, comments,
/// moderation, access) start empty here and are set by the handler.
/// </summary>
internal sealed class FeedProfile : Profile
{
    public FeedProfile()
    {
        CreateMap<FeedItemState, FeedItemResponse>()
            .ForCtorParam(nameof(FeedItemResponse.Sequence), o => o.MapFrom(s => s.Seq))
            .ForCtorParam(nameof(FeedItemResponse.Kind), o => o.MapFrom(s => FeedWire.Kind(s.Kind)))
            .ForCtorParam(nameof(FeedItemResponse.Win), o => o.MapFrom(s => s.WinKind.HasValue
                ? new FeedWinResponse(FeedWire.Win(s.WinKind.Value), s.WinValue, s.WinDate ?? default, s.Text ?? string.Empty)
                : null))
            .ForCtorParam(nameof(FeedItemResponse.Text), o => o.MapFrom(s => s.Kind == FeedItemKind.Announcement ? s.Text : null))
            .ForCtorParam(nameof(FeedItemResponse.GoalTitle), o => o.MapFrom(_ => (string?)null))
            .ForCtorParam(nameof(FeedItemResponse.CheckIn), o => o.MapFrom(_ => (FeedCheckInResponse?)null))
            .ForCtorParam(nameof(FeedItemResponse.KudosGiven), o => o.MapFrom(_ => false))
            .ForCtorParam(nameof(FeedItemResponse.Comments), o => o.MapFrom(_ => new List<FeedCommentResponse>()))
            .ForCtorParam(nameof(FeedItemResponse.Moderation), o => o.MapFrom(_ => (FeedModerationResponse?)null))
            .ForCtorParam(nameof(FeedItemResponse.Access), o => o.MapFrom(_ => "full"));
        CreateMap<FeedCommentState, FeedCommentResponse>()
            .ForCtorParam(nameof(FeedCommentResponse.Moderation), o => o.MapFrom(_ => (FeedModerationResponse?)null));
    }
}
