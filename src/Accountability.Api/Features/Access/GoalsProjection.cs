using System.Text.Json;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain;
using Accountability.Domain.Goals;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.Access;

/// <summary>
/// <c>rm.goals</c>: every goal with its group, owner, visibility, status and current definition (title, measure,
/// cadence as their wire shapes). Inline, so "who may see this goal" is right the moment a goal is set or its
/// visibility changes. <c>version</c> is the goal stream's version (the ETag for If-Match), moved by every event
/// of the stream, check-ins included.
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class GoalsProjection : IProjection
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public string Name => "access-goals";

    public bool QueuesWritesOnly => true;

    public IReadOnlyCollection<Type> EventTypes { get; } =
        DomainEvents.All.Select(e => e.Type).Where(t => t.Namespace == typeof(GoalSet).Namespace).ToArray();

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.goals (
            goal_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            title text NOT NULL,
            why text NULL,
            measure jsonb NOT NULL,
            cadence jsonb NOT NULL,
            start_date date NOT NULL,
            end_date date NULL,
            reward text NULL,
            consequence text NULL,
            visibility text NOT NULL,
            status text NOT NULL,
            closed_on date NULL,
            revision int NOT NULL,
            set_at timestamptz NOT NULL,
            version bigint NOT NULL
        )
        """,
        // Columns added after the table's first release (databases created then gain them; rebuild to fill them).
        "ALTER TABLE rm.goals ADD COLUMN IF NOT EXISTS why text NULL",
        "ALTER TABLE rm.goals ADD COLUMN IF NOT EXISTS measure jsonb NOT NULL DEFAULT '{}'",
        "ALTER TABLE rm.goals ADD COLUMN IF NOT EXISTS cadence jsonb NOT NULL DEFAULT '{}'",
        "ALTER TABLE rm.goals ADD COLUMN IF NOT EXISTS reward text NULL",
        "ALTER TABLE rm.goals ADD COLUMN IF NOT EXISTS consequence text NULL",
        "ALTER TABLE rm.goals ADD COLUMN IF NOT EXISTS closed_on date NULL",
        "ALTER TABLE rm.goals ADD COLUMN IF NOT EXISTS revision int NOT NULL DEFAULT 0",
        "ALTER TABLE rm.goals ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0",
        "CREATE INDEX IF NOT EXISTS goals_group_member ON rm.goals (group_id, member_id)",
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.goals"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        // Each goal's version is written once for the page, after the page's other changes: the version of its
        // stream's last event here. One statement for the page, not one per check-in, since it runs under the
        // append lock when inline.
        var versions = new Dictionary<Guid, long>();
        foreach (var stored in events)
        {
            Apply(context, stored.Data);
            if (Domain.Common.StreamIds.TryParse(stored.StreamId, out _, out var goalId))
            {
                versions[goalId] = Math.Max(stored.Version, versions.GetValueOrDefault(goalId));
            }
        }

        if (versions.Count > 0)
        {
            context.Enqueue("UPDATE rm.goals g SET version = v.version FROM unnest($1::uuid[], $2::bigint[]) AS v(goal_id, version) WHERE g.goal_id = ANY ($1) AND g.goal_id = v.goal_id")
                .With(versions.Keys.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid)
                .With(versions.Values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint);
        }

        return Task.CompletedTask;
    }

    private static void Apply(ProjectionContext context, object data)
    {
        switch (data)
        {
            case GoalSet e:
                context.Enqueue(
                        """
                        INSERT INTO rm.goals (goal_id, group_id, member_id, title, why, measure, cadence, start_date, end_date,
                                              reward, consequence, visibility, status, revision, set_at, version)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'active', 0, $13, 0)
                        ON CONFLICT (goal_id) DO NOTHING
                        """)
                    .With(e.GoalId, NpgsqlDbType.Uuid)
                    .With(e.GroupId, NpgsqlDbType.Uuid)
                    .With(e.MemberId, NpgsqlDbType.Uuid)
                    .With(e.Title, NpgsqlDbType.Text)
                    .With(e.Why, NpgsqlDbType.Text)
                    .With(JsonSerializer.Serialize(MeasureShape.From(e.Measure), Json), NpgsqlDbType.Jsonb)
                    .With(JsonSerializer.Serialize(CadenceShape.From(e.Cadence), Json), NpgsqlDbType.Jsonb)
                    .With(e.StartDate, NpgsqlDbType.Date)
                    .With(e.EndDate, NpgsqlDbType.Date)
                    .With(e.Reward, NpgsqlDbType.Text)
                    .With(e.Consequence, NpgsqlDbType.Text)
                    .With(AccessNames.Visibility(e.Visibility), NpgsqlDbType.Text)
                    .With(e.SetAt, NpgsqlDbType.TimestampTz);
                break;
            case GoalRevised e:
                // As Goal.Apply: the latest revision's values are the goal's current definition.
                context.Enqueue(
                        """
                        UPDATE rm.goals
                           SET title = coalesce($2, title), why = coalesce($3, why), measure = coalesce($4, measure),
                               cadence = coalesce($5, cadence), end_date = coalesce($6, end_date), reward = coalesce($7, reward),
                               consequence = coalesce($8, consequence), revision = $9
                         WHERE goal_id = $1
                        """)
                    .With(e.GoalId, NpgsqlDbType.Uuid)
                    .With(e.Title, NpgsqlDbType.Text)
                    .With(e.Why, NpgsqlDbType.Text)
                    .With(e.Measure is null ? null : JsonSerializer.Serialize(MeasureShape.From(e.Measure), Json), NpgsqlDbType.Jsonb)
                    .With(e.Cadence is null ? null : JsonSerializer.Serialize(CadenceShape.From(e.Cadence), Json), NpgsqlDbType.Jsonb)
                    .With(e.EndDate, NpgsqlDbType.Date)
                    .With(e.Reward, NpgsqlDbType.Text)
                    .With(e.Consequence, NpgsqlDbType.Text)
                    .With(e.Revision, NpgsqlDbType.Integer);
                break;
            case GoalVisibilityChanged e:
                context.Enqueue("UPDATE rm.goals SET visibility = $2 WHERE goal_id = $1")
                    .With(e.GoalId, NpgsqlDbType.Uuid)
                    .With(AccessNames.Visibility(e.Visibility), NpgsqlDbType.Text);
                break;
            case GoalAchieved e:
                context.Enqueue("UPDATE rm.goals SET status = 'achieved', closed_on = $2 WHERE goal_id = $1")
                    .With(e.GoalId, NpgsqlDbType.Uuid)
                    .With(e.AchievedOn, NpgsqlDbType.Date);
                break;
            case GoalAbandoned e:
                context.Enqueue("UPDATE rm.goals SET status = 'abandoned', closed_on = $2 WHERE goal_id = $1")
                    .With(e.GoalId, NpgsqlDbType.Uuid)
                    .With(e.AbandonedOn, NpgsqlDbType.Date);
                break;
        }
    }
}
