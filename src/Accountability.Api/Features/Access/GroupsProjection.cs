using System.Text.Json;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain;
using Accountability.Domain.Groups;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.Access;

/// <summary>
/// <c>rm.groups</c>: one row per cohort with its current settings and invite code. Inline, so a coach who changes
/// a setting (or issues a code) reads it back at once, and "join by code" finds the group from the code.
/// <c>version</c> is the group stream's version: the ETag a client sends back with If-Match.
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class GroupsProjection : IProjection
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Name => "access-groups";

    public bool QueuesWritesOnly => true;

    /// <summary>Every event of the group stream: each one moves the stream version the row carries (the ETag).</summary>
    public IReadOnlyCollection<Type> EventTypes { get; } =
        DomainEvents.All.Select(e => e.Type).Where(t => t.Namespace == typeof(GroupCreated).Namespace).ToArray();

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.groups (
            group_id uuid PRIMARY KEY,
            name text NOT NULL,
            description text NOT NULL,
            time_zone text NOT NULL,
            grace_minutes int NOT NULL,
            numbers_visibility text NOT NULL,
            coach_id uuid NOT NULL,
            invite_code text NULL,
            invite_expires_at timestamptz NULL,
            prompts jsonb NOT NULL,
            leaderboard_rule_version int NOT NULL,
            leaderboard_basis text NOT NULL,
            leaderboard_minimum_due int NOT NULL,
            created_at timestamptz NOT NULL,
            version bigint NOT NULL
        )
        """,
        "ALTER TABLE rm.groups ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0",
        "CREATE INDEX IF NOT EXISTS groups_invite_code ON rm.groups (invite_code) WHERE invite_code IS NOT NULL",
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.groups"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var stored in events)
        {
            Apply(context, stored.Data);
            if (Domain.Common.StreamIds.TryParse(stored.StreamId, out _, out var groupId))
            {
                context.Enqueue("UPDATE rm.groups SET version = $2 WHERE group_id = $1")
                    .With(groupId, NpgsqlDbType.Uuid)
                    .With(stored.Version, NpgsqlDbType.Bigint);
            }
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
                        INSERT INTO rm.groups (group_id, name, description, time_zone, grace_minutes, numbers_visibility, coach_id,
                                               prompts, leaderboard_rule_version, leaderboard_basis, leaderboard_minimum_due, created_at, version)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0)
                        ON CONFLICT (group_id) DO NOTHING
                        """)
                    .With(e.GroupId, NpgsqlDbType.Uuid)
                    .With(e.Name, NpgsqlDbType.Text)
                    .With(e.Description, NpgsqlDbType.Text)
                    .With(e.TimeZoneId, NpgsqlDbType.Text)
                    .With(e.GraceMinutes, NpgsqlDbType.Integer)
                    .With(AccessNames.NumbersVisibility(e.NumbersVisibility), NpgsqlDbType.Text)
                    .With(e.CoachId, NpgsqlDbType.Uuid)
                    .With(JsonSerializer.Serialize(e.Prompts, Json), NpgsqlDbType.Jsonb)
                    .With(e.LeaderboardRule.Version, NpgsqlDbType.Integer)
                    .With(LeaderboardBasisName(e.LeaderboardRule.Basis), NpgsqlDbType.Text)
                    .With(e.LeaderboardRule.MinimumDue, NpgsqlDbType.Integer)
                    .With(e.CreatedAt, NpgsqlDbType.TimestampTz);
                break;
            case GroupDetailsChanged e:
                Update(context, "name = $2, description = $3", e.GroupId, (e.Name, NpgsqlDbType.Text), (e.Description, NpgsqlDbType.Text));
                break;
            case GroupTimeZoneChanged e:
                Update(context, "time_zone = $2", e.GroupId, (e.TimeZoneId, NpgsqlDbType.Text));
                break;
            case CheckInPromptsChanged e:
                Update(context, "prompts = $2", e.GroupId, (JsonSerializer.Serialize(e.Prompts, Json), NpgsqlDbType.Jsonb));
                break;
            case GraceRuleChanged e:
                Update(context, "grace_minutes = $2", e.GroupId, (e.GraceMinutes, NpgsqlDbType.Integer));
                break;
            case NumbersVisibilityChanged e:
                Update(context, "numbers_visibility = $2", e.GroupId, (AccessNames.NumbersVisibility(e.NumbersVisibility), NpgsqlDbType.Text));
                break;
            case LeaderboardRuleChanged e:
                Update(context, "leaderboard_rule_version = $2, leaderboard_basis = $3, leaderboard_minimum_due = $4", e.GroupId,
                    (e.Version, NpgsqlDbType.Integer), (LeaderboardBasisName(e.Basis), NpgsqlDbType.Text), (e.MinimumDue, NpgsqlDbType.Integer));
                break;
            case InviteCodeIssued e:
                Update(context, "invite_code = $2, invite_expires_at = $3", e.GroupId,
                    (e.Code, NpgsqlDbType.Text), (e.ExpiresAt, NpgsqlDbType.TimestampTz));
                break;
            case InviteCodeRevoked e:
                Update(context, "invite_code = NULL, invite_expires_at = NULL", e.GroupId);
                break;
            case CoachHandedOver e:
                Update(context, "coach_id = $2", e.GroupId, (e.NewCoachId, NpgsqlDbType.Uuid));
                break;
        }
    }

    private static void Update(ProjectionContext context, string set, Guid groupId, params (object? Value, NpgsqlDbType Type)[] values)
    {
        var command = context.Enqueue($"UPDATE rm.groups SET {set} WHERE group_id = $1").With(groupId, NpgsqlDbType.Uuid);
        foreach (var (value, type) in values)
        {
            command.With(value, type);
        }
    }

    internal static string LeaderboardBasisName(Domain.Leaderboards.LeaderboardBasis basis) =>
        basis == Domain.Leaderboards.LeaderboardBasis.DoneCount ? "done-count" : "consistency";
}
