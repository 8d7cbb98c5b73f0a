using Accountability.Domain.Feed;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using System.Collections.Immutable;
using Accountability.Domain.Leaderboards;
using Npgsql;
using NpgsqlTypes;
using DomainMembership = Accountability.Domain.Groups.Membership;

namespace Accountability.Api.Features.Access;

/// <summary>A goal as access rules see it: where it lives, whose it is, who may see it, whether it is still open.</summary>
public sealed record GoalAccess(Guid GoalId, Guid GroupId, Guid OwnerId, GoalVisibility Visibility, GoalStatus Status);

/// <summary>
/// Who is in which group, in which role, paired with whom, and who may see which goal: the one place every
/// feature asks. Reads the inline <c>rm</c> tables (<see cref="GroupMembersProjection"/>, <see cref="GroupsProjection"/>,
/// <see cref="GoalsProjection"/>, <see cref="PartnerPairsProjection"/>), which commit with the events, so an answer
/// is never behind a write the caller has seen succeed. Never replays a stream.
/// </summary>
/// <remarks>
/// Only active members count: a member who left or was removed has no role, no partners and sees nothing.
/// Display names are not here: the Identity accounts table (<c>identity.accounts.display_name</c>) is their one
/// source; read them with <see cref="MemberNames"/>.
/// </remarks>
public sealed class Membership(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The member's role in the group, or null unless they are an active member of it.</summary>
    public async Task<GroupRole?> RoleInAsync(Guid groupId, Guid memberId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
                "SELECT role FROM rm.group_members WHERE group_id = $1 AND member_id = $2 AND status = 'active'")
            .With(groupId, NpgsqlDbType.Uuid)
            .With(memberId, NpgsqlDbType.Uuid);
        return await command.ExecuteScalarAsync(ct) is string role ? AccessNames.ParseRole(role) : null;
    }

    /// <summary>Whether a coach has muted the member in the group (and the mute has not run out).</summary>
    public async Task<bool> IsMutedAsync(Guid groupId, Guid memberId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
                """
                SELECT EXISTS (SELECT 1 FROM rm.group_members
                                WHERE group_id = $1 AND member_id = $2 AND status = 'active' AND muted_until > $3)
                """)
            .With(groupId, NpgsqlDbType.Uuid)
            .With(memberId, NpgsqlDbType.Uuid)
            .With(time.GetUtcNow(), NpgsqlDbType.TimestampTz);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>The groups the member is active in, with their role, oldest membership first.</summary>
    public async Task<IReadOnlyList<(Guid GroupId, GroupRole Role)>> GroupsOfAsync(Guid memberId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
                "SELECT group_id, role FROM rm.group_members WHERE member_id = $1 AND status = 'active' ORDER BY joined_at, group_id")
            .With(memberId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var groups = new List<(Guid, GroupRole)>();
        while (await reader.ReadAsync(ct))
        {
            groups.Add((reader.GetGuid(0), AccessNames.ParseRole(reader.GetString(1))));
        }

        return groups;
    }

    /// <summary>The member's current accountability partners in the group (empty unless the member is active there).</summary>
    public async Task<IReadOnlyList<Guid>> PartnersOfAsync(Guid groupId, Guid memberId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
                """
                SELECT CASE WHEN p.member_a = $2 THEN p.member_b ELSE p.member_a END AS partner
                  FROM rm.partner_pairs p
                 WHERE p.group_id = $1 AND (p.member_a = $2 OR p.member_b = $2)
                   AND EXISTS (SELECT 1 FROM rm.group_members m WHERE m.group_id = $1 AND m.member_id = $2 AND m.status = 'active')
                 ORDER BY p.paired_at, partner
                """)
            .With(groupId, NpgsqlDbType.Uuid)
            .With(memberId, NpgsqlDbType.Uuid);
        return await ReadGuidsAsync(command, ct);
    }

    /// <summary>The group's active members (coach and co-coaches included), in joining order.</summary>
    public async Task<IReadOnlyList<Guid>> ActiveMembersAsync(Guid groupId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
                "SELECT member_id FROM rm.group_members WHERE group_id = $1 AND status = 'active' ORDER BY joined_at, member_id")
            .With(groupId, NpgsqlDbType.Uuid);
        return await ReadGuidsAsync(command, ct);
    }

    /// <summary>Whether the member is on the group's roster in any status: staff may still look at someone who left.</summary>
    public async Task<bool> IsOnRosterAsync(Guid groupId, Guid memberId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
                "SELECT EXISTS (SELECT 1 FROM rm.group_members WHERE group_id = $1 AND member_id = $2)")
            .With(groupId, NpgsqlDbType.Uuid)
            .With(memberId, NpgsqlDbType.Uuid);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>The goal's group, owner, visibility and status, or null when there is no such goal.</summary>
    public async Task<GoalAccess?> GoalAsync(Guid goalId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
                "SELECT group_id, member_id, visibility, status FROM rm.goals WHERE goal_id = $1")
            .With(goalId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new GoalAccess(goalId, reader.GetGuid(0), reader.GetGuid(1), AccessNames.ParseVisibility(reader.GetString(2)), AccessNames.ParseGoalStatus(reader.GetString(3)))
            : null;
    }

    /// <summary>Whether the viewer may see the goal at all (see <see cref="GoalAccessForAsync"/>).</summary>
    public async Task<bool> CanSeeGoalAsync(Guid viewerId, Guid goalId, CancellationToken ct) =>
        await GoalAccessForAsync(viewerId, goalId, ct) != Domain.Feed.Access.None;

    /// <summary>
    /// How much of the goal the viewer may see, by the domain's rule (<see cref="Visibility.ForGoal(Group, Guid, Guid, GoalVisibility, ModerationStatus)"/>):
    /// the owner and the group's staff everything; a partner everything the goal shares with partners; other
    /// members the group goals (numbers only where the group shows individual numbers); people who left or
    /// were removed, and outsiders, nothing. None as well when there is no such goal.
    /// </summary>
    public async Task<Domain.Feed.Access> GoalAccessForAsync(Guid viewerId, Guid goalId, CancellationToken ct) =>
        (await GoalAccessAndOwnerAsync(viewerId, goalId, ct)).Access;

    /// <summary>As <see cref="GoalAccessForAsync"/>, with whose goal it is (Guid.Empty when there is no such goal).</summary>
    public async Task<(Domain.Feed.Access Access, Guid OwnerId)> GoalAccessAndOwnerAsync(Guid viewerId, Guid goalId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
                """
                SELECT g.group_id, g.member_id, g.visibility, gr.numbers_visibility, gr.coach_id,
                       viewer.role, viewer.status, owner.role, owner.status,
                       EXISTS (SELECT 1 FROM rm.partner_pairs p
                                WHERE p.group_id = g.group_id AND p.member_a = least($2, g.member_id) AND p.member_b = greatest($2, g.member_id))
                  FROM rm.goals g
                  JOIN rm.groups gr ON gr.group_id = g.group_id
                  LEFT JOIN rm.group_members viewer ON viewer.group_id = g.group_id AND viewer.member_id = $2
                  LEFT JOIN rm.group_members owner ON owner.group_id = g.group_id AND owner.member_id = g.member_id
                 WHERE g.goal_id = $1
                """)
            .With(goalId, NpgsqlDbType.Uuid)
            .With(viewerId, NpgsqlDbType.Uuid);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return (Domain.Feed.Access.None, Guid.Empty);
        }

        var groupId = reader.GetGuid(0);
        var ownerId = reader.GetGuid(1);
        var visibility = AccessNames.ParseVisibility(reader.GetString(2));
        var numbers = AccessNames.ParseNumbersVisibility(reader.GetString(3));
        var coachId = reader.GetGuid(4);
        var roster = ImmutableRoster.Empty;
        if (!await reader.IsDBNullAsync(5, ct))
        {
            roster = roster.With(viewerId, reader.GetString(5), reader.GetString(6));
        }

        if (!await reader.IsDBNullAsync(7, ct))
        {
            roster = roster.With(ownerId, reader.GetString(7), reader.GetString(8));
        }

        var paired = reader.GetBoolean(9);
        var group = new Group(groupId, coachId, string.Empty, string.Empty, "UTC", [], 0, numbers, LeaderboardRule.Default, DateTimeOffset.MinValue)
        {
            Roster = roster.Members,
            Pairs = paired && viewerId != ownerId
                ? ImmutableDictionary<Guid, PartnerPair>.Empty.Add(Guid.Empty, new PartnerPair(Guid.Empty, viewerId, ownerId, DateTimeOffset.MinValue))
                : ImmutableDictionary<Guid, PartnerPair>.Empty,
        };
        return (Visibility.ForGoal(group, viewerId, ownerId, visibility), ownerId);
    }

    private static async Task<IReadOnlyList<Guid>> ReadGuidsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>Just enough of a roster for the domain's visibility rule: the viewer and the owner.</summary>
    private readonly record struct ImmutableRoster(ImmutableDictionary<Guid, DomainMembership> Members)
    {
        public static ImmutableRoster Empty => new(ImmutableDictionary<Guid, DomainMembership>.Empty);

        public ImmutableRoster With(Guid memberId, string role, string status) =>
            new(Members.SetItem(memberId, new DomainMembership(memberId, AccessNames.ParseRole(role), AccessNames.ParseStatus(status), DateTimeOffset.MinValue)));
    }
}
