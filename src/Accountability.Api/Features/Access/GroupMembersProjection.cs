using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Groups;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.Access;

/// <summary>
/// <c>rm.group_members</c>: everyone who was ever in a group, with role, status, mute and rank opt-out, keyed by
/// (group, member). Inline, because every access rule reads it: a member who just joined must be let in at once,
/// and one who was just removed must be shut out at once. It follows <see cref="Group.Evolve"/> exactly.
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class GroupMembersProjection : IProjection
{
    public string Name => "access-group-members";

    public bool QueuesWritesOnly => true;

    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(GroupCreated), typeof(MemberJoined), typeof(MemberLeft), typeof(MemberRemoved), typeof(MemberReinstated),
        typeof(CoCoachAssigned), typeof(CoCoachUnassigned), typeof(CoachHandedOver), typeof(MemberMuted), typeof(MemberUnmuted),
        typeof(LeaderboardOptedOut), typeof(LeaderboardOptedIn),
    ];

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.group_members (
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            role text NOT NULL,
            status text NOT NULL,
            muted_until timestamptz NULL,
            opted_out_of_rank boolean NOT NULL DEFAULT false,
            joined_at timestamptz NOT NULL,
            PRIMARY KEY (group_id, member_id)
        )
        """,
        "CREATE INDEX IF NOT EXISTS group_members_member ON rm.group_members (member_id)",
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.group_members"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var stored in events)
        {
            Apply(context, stored.Data);
        }

        return Task.CompletedTask;
    }

    private static void Apply(ProjectionContext context, object data)
    {
        switch (data)
        {
            case GroupCreated e:
                context.Enqueue(
                        """
                        INSERT INTO rm.group_members (group_id, member_id, role, status, joined_at)
                        VALUES ($1, $2, 'coach', 'active', $3)
                        ON CONFLICT (group_id, member_id) DO NOTHING
                        """)
                    .With(e.GroupId, NpgsqlDbType.Uuid).With(e.CoachId, NpgsqlDbType.Uuid).With(e.CreatedAt, NpgsqlDbType.TimestampTz);
                break;
            case MemberJoined e:
                // A returning member starts afresh as a plain member; the rank opt-out is theirs and is kept.
                context.Enqueue(
                        """
                        INSERT INTO rm.group_members (group_id, member_id, role, status, joined_at)
                        VALUES ($1, $2, 'member', 'active', $3)
                        ON CONFLICT (group_id, member_id) DO UPDATE
                           SET role = 'member', status = 'active', muted_until = NULL, joined_at = EXCLUDED.joined_at
                        """)
                    .With(e.GroupId, NpgsqlDbType.Uuid).With(e.MemberId, NpgsqlDbType.Uuid).With(e.JoinedAt, NpgsqlDbType.TimestampTz);
                break;
            case MemberLeft e:
                Update(context, e.GroupId, e.MemberId, "status = 'left', role = 'member', muted_until = NULL");
                break;
            case MemberRemoved e:
                Update(context, e.GroupId, e.MemberId, "status = 'removed', role = 'member', muted_until = NULL");
                break;
            case MemberReinstated e:
                Update(context, e.GroupId, e.MemberId, "status = 'active', role = 'member'");
                break;
            case CoCoachAssigned e:
                Update(context, e.GroupId, e.MemberId, "role = 'co-coach'");
                break;
            case CoCoachUnassigned e:
                Update(context, e.GroupId, e.MemberId, "role = 'member'");
                break;
            case CoachHandedOver e:
                Update(context, e.GroupId, e.PreviousCoachId, "role = 'co-coach'");
                Update(context, e.GroupId, e.NewCoachId, "role = 'coach', muted_until = NULL");
                break;
            case MemberMuted e:
                Update(context, e.GroupId, e.MemberId, "muted_until = $3", (e.MutedUntil, NpgsqlDbType.TimestampTz));
                break;
            case MemberUnmuted e:
                Update(context, e.GroupId, e.MemberId, "muted_until = NULL");
                break;
            case LeaderboardOptedOut e:
                Update(context, e.GroupId, e.MemberId, "opted_out_of_rank = true");
                break;
            case LeaderboardOptedIn e:
                Update(context, e.GroupId, e.MemberId, "opted_out_of_rank = false");
                break;
        }
    }

    private static void Update(ProjectionContext context, Guid groupId, Guid memberId, string set, params (object? Value, NpgsqlDbType Type)[] values)
    {
        var command = context.Enqueue($"UPDATE rm.group_members SET {set} WHERE group_id = $1 AND member_id = $2")
            .With(groupId, NpgsqlDbType.Uuid)
            .With(memberId, NpgsqlDbType.Uuid);
        foreach (var (value, type) in values)
        {
            command.With(value, type);
        }
    }
}
