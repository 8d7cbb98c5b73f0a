using Accountability.Api.Features.Access;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Goals;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.Goals.StreakCorrections;

/// <summary>
/// <c>rm.streak_corrections</c>: every request to excuse a missed period and how it was decided, keyed by
/// correction id. Inline, so the member sees their request and the coach the pending list at once.
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class StreakCorrectionsProjection : IProjection
{
    public string Name => "streak-corrections";

    public bool QueuesWritesOnly => true;

    public IReadOnlyCollection<Type> EventTypes { get; } =
        [typeof(StreakCorrectionRequested), typeof(StreakCorrectionApproved), typeof(StreakCorrectionRejected)];

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.streak_corrections (
            correction_id uuid PRIMARY KEY,
            goal_id uuid NOT NULL,
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            date date NOT NULL,
            reason text NOT NULL,
            requested_by uuid NOT NULL,
            requested_at timestamptz NOT NULL,
            status text NOT NULL,
            decided_by uuid NULL,
            decided_at timestamptz NULL,
            note text NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS streak_corrections_group ON rm.streak_corrections (group_id, status, requested_at)",
        "CREATE INDEX IF NOT EXISTS streak_corrections_goal ON rm.streak_corrections (goal_id, requested_at)",
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.streak_corrections"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case StreakCorrectionRequested e:
                    context.Enqueue(
                            """
                            INSERT INTO rm.streak_corrections (correction_id, goal_id, group_id, member_id, date, reason, requested_by, requested_at, status)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')
                            ON CONFLICT (correction_id) DO NOTHING
                            """)
                        .With(e.CorrectionId, NpgsqlDbType.Uuid)
                        .With(e.GoalId, NpgsqlDbType.Uuid)
                        .With(e.GroupId, NpgsqlDbType.Uuid)
                        .With(e.MemberId, NpgsqlDbType.Uuid)
                        .With(e.Date, NpgsqlDbType.Date)
                        .With(e.Reason, NpgsqlDbType.Text)
                        .With(e.RequestedBy, NpgsqlDbType.Uuid)
                        .With(e.RequestedAt, NpgsqlDbType.TimestampTz);
                    break;
                case StreakCorrectionApproved e:
                    Decide(context, e.CorrectionId, "approved", e.ApprovedBy, e.ApprovedAt, e.Note);
                    break;
                case StreakCorrectionRejected e:
                    Decide(context, e.CorrectionId, "rejected", e.RejectedBy, e.RejectedAt, e.Note);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private static void Decide(ProjectionContext context, Guid correctionId, string status, Guid by, DateTimeOffset at, string? note) =>
        context.Enqueue("UPDATE rm.streak_corrections SET status = $2, decided_by = $3, decided_at = $4, note = $5 WHERE correction_id = $1")
            .With(correctionId, NpgsqlDbType.Uuid)
            .With(status, NpgsqlDbType.Text)
            .With(by, NpgsqlDbType.Uuid)
            .With(at, NpgsqlDbType.TimestampTz)
            .With(note, NpgsqlDbType.Text);
}
