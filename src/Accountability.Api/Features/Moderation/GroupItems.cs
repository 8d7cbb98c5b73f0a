using Accountability.Api.Features.Access;
using Accountability.Domain.Feed;
using Accountability.Domain.Groups;
using Npgsql;
using NpgsqlTypes;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Moderation;

/// <summary>An item of a group's feed as reactions and moderation see it.</summary>
public sealed record GroupItem(Guid ItemId, Guid GroupId, string Kind, Guid? AuthorId, Guid? GoalId);

/// <summary>
/// Finds a group's items and decides who may see one: the goal's visibility for check-ins and goal wins
/// (<see cref="Membership.GoalAccessForAsync"/>), any active member for announcements and group wins; an item
/// held by reports (<see cref="ModerationRules"/>) or hidden by staff only by its author and staff.
/// </summary>
public sealed class GroupItems(NpgsqlDataSource dataSource, Membership membership)
{
    public async Task<GroupItem?> FindAsync(Guid groupId, Guid itemId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT kind, author_id, goal_id FROM rm.group_items WHERE item_id = $1 AND group_id = $2")
            .With(itemId, NpgsqlDbType.Uuid)
            .With(groupId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new GroupItem(
            itemId,
            groupId,
            reader.GetString(0),
            await reader.IsDBNullAsync(1, ct) ? null : reader.GetGuid(1),
            await reader.IsDBNullAsync(2, ct) ? null : reader.GetGuid(2));
    }

    public async Task<IReadOnlyList<ReportFact>> ReportsAsync(Guid groupId, Guid itemId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT reporter_id, reported_at FROM rm.item_reports WHERE group_id = $1 AND item_id = $2")
            .With(groupId, NpgsqlDbType.Uuid)
            .With(itemId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var reports = new List<ReportFact>();
        while (await reader.ReadAsync(ct))
        {
            reports.Add(new ReportFact(reader.GetGuid(0), await reader.GetFieldValueAsync<DateTimeOffset>(1, ct)));
        }

        return reports;
    }

    /// <summary>The item if the viewer may see it in <paramref name="group"/> (its current state), else null: callers answer 404.</summary>
    public async Task<GroupItem?> FindVisibleAsync(Group group, Guid viewerId, Guid itemId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(group);
        var item = await FindAsync(group.Id, itemId, ct);
        if (item is null || !group.IsActiveMember(viewerId))
        {
            return null;
        }

        var seen = item.GoalId is { } goalId
            ? await membership.GoalAccessForAsync(viewerId, goalId, ct) != Domain.Feed.Access.None
            : true;
        if (!seen)
        {
            return null;
        }

        if (viewerId == item.AuthorId || group.IsStaff(viewerId))
        {
            return item;
        }

        var status = ModerationRules.StatusOf(group, itemId, await ReportsAsync(group.Id, itemId, ct));
        return status == ModerationStatus.Visible ? item : null;
    }
}
