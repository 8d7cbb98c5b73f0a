using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Goals;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.Access;

/// <summary>
/// <c>rm.goals</c>: every goal with its group, owner, title, visibility and status. Inline, so "who may see this
/// goal" is right the moment a goal is set or its visibility changes.
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class GoalsProjection : IProjection
{
    public string Name => "access-goals";

    public IReadOnlyCollection<Type> EventTypes { get; } =
        [typeof(GoalSet), typeof(GoalRevised), typeof(GoalVisibilityChanged), typeof(GoalAchieved), typeof(GoalAbandoned)];

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.goals (
            goal_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            title text NOT NULL,
            visibility text NOT NULL,
            status text NOT NULL,
            start_date date NOT NULL,
            end_date date NULL,
            set_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS goals_group_member ON rm.goals (group_id, member_id)",
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.goals"];

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
            case GoalSet e:
                context.Enqueue(
                        """
                        INSERT INTO rm.goals (goal_id, group_id, member_id, title, visibility, status, start_date, end_date, set_at)
                        VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8)
                        ON CONFLICT (goal_id) DO NOTHING
                        """)
                    .With(e.GoalId, NpgsqlDbType.Uuid)
                    .With(e.GroupId, NpgsqlDbType.Uuid)
                    .With(e.MemberId, NpgsqlDbType.Uuid)
                    .With(e.Title, NpgsqlDbType.Text)
                    .With(AccessNames.Visibility(e.Visibility), NpgsqlDbType.Text)
                    .With(e.StartDate, NpgsqlDbType.Date)
                    .With(e.EndDate, NpgsqlDbType.Date)
                    .With(e.SetAt, NpgsqlDbType.TimestampTz);
                break;
            case GoalRevised e:
                context.Enqueue("UPDATE rm.goals SET title = coalesce($2, title), end_date = coalesce($3, end_date) WHERE goal_id = $1")
                    .With(e.GoalId, NpgsqlDbType.Uuid)
                    .With(e.Title, NpgsqlDbType.Text)
                    .With(e.EndDate, NpgsqlDbType.Date);
                break;
            case GoalVisibilityChanged e:
                context.Enqueue("UPDATE rm.goals SET visibility = $2 WHERE goal_id = $1")
                    .With(e.GoalId, NpgsqlDbType.Uuid)
                    .With(AccessNames.Visibility(e.Visibility), NpgsqlDbType.Text);
                break;
            case GoalAchieved e:
                context.Enqueue("UPDATE rm.goals SET status = 'achieved' WHERE goal_id = $1").With(e.GoalId, NpgsqlDbType.Uuid);
                break;
            case GoalAbandoned e:
                context.Enqueue("UPDATE rm.goals SET status = 'abandoned' WHERE goal_id = $1").With(e.GoalId, NpgsqlDbType.Uuid);
                break;
        }
    }
}
