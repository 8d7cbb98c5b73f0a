using Accountability.Api.Features.Access;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.Partners;

/// <summary>
/// <c>rm.partner_requests</c>: every partner request with its state (<c>pending</c>, <c>withdrawn</c>, <c>accepted</c>,
/// <c>declined</c>), keyed by request id. The request lives on the requester's stream and its answer on the group's;
/// this table joins them, so the one asked can answer by request id alone. <c>rm.nudges</c>: every nudge, so a
/// receiver's daily inbox budget counts nudges from everyone. Both inline.
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class PartnerRequestsProjection : IProjection
{
    public string Name => "partner-requests";

    public bool QueuesWritesOnly => true;

    public IReadOnlyCollection<Type> EventTypes { get; } =
        [typeof(PartnerRequested), typeof(PartnerRequestWithdrawn), typeof(PartnersPaired), typeof(PartnerRequestDeclined), typeof(NudgeSent)];

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.partner_requests (
            request_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            requester_id uuid NOT NULL,
            target_id uuid NOT NULL,
            message text NULL,
            requested_at timestamptz NOT NULL,
            status text NOT NULL,
            answered_at timestamptz NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS partner_requests_target ON rm.partner_requests (group_id, target_id)",
        "CREATE INDEX IF NOT EXISTS partner_requests_requester ON rm.partner_requests (group_id, requester_id)",
        """
        CREATE TABLE IF NOT EXISTS rm.nudges (
            nudge_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            sender_id uuid NOT NULL,
            receiver_id uuid NOT NULL,
            goal_id uuid NULL,
            sent_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS nudges_receiver ON rm.nudges (receiver_id, sent_at)",
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.partner_requests", "rm.nudges"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case PartnerRequested e:
                    context.Enqueue(
                            """
                            INSERT INTO rm.partner_requests (request_id, group_id, requester_id, target_id, message, requested_at, status)
                            VALUES ($1, $2, $3, $4, $5, $6, 'pending')
                            ON CONFLICT (request_id) DO NOTHING
                            """)
                        .With(e.RequestId, NpgsqlDbType.Uuid)
                        .With(e.GroupId, NpgsqlDbType.Uuid)
                        .With(e.RequesterId, NpgsqlDbType.Uuid)
                        .With(e.TargetId, NpgsqlDbType.Uuid)
                        .With(e.Message, NpgsqlDbType.Text)
                        .With(e.RequestedAt, NpgsqlDbType.TimestampTz);
                    break;
                case PartnerRequestWithdrawn e:
                    Answer(context, e.RequestId, "withdrawn", e.WithdrawnAt);
                    break;
                case PartnersPaired { RequestId: { } requestId } e:
                    Answer(context, requestId, "accepted", e.PairedAt);
                    break;
                case PartnerRequestDeclined e:
                    Answer(context, e.RequestId, "declined", e.DeclinedAt);
                    break;
                case NudgeSent e:
                    context.Enqueue(
                            """
                            INSERT INTO rm.nudges (nudge_id, group_id, sender_id, receiver_id, goal_id, sent_at) VALUES ($1, $2, $3, $4, $5, $6)
                            ON CONFLICT (nudge_id) DO NOTHING
                            """)
                        .With(e.NudgeId, NpgsqlDbType.Uuid)
                        .With(e.GroupId, NpgsqlDbType.Uuid)
                        .With(e.SenderId, NpgsqlDbType.Uuid)
                        .With(e.ReceiverId, NpgsqlDbType.Uuid)
                        .With(e.GoalId, NpgsqlDbType.Uuid)
                        .With(e.SentAt, NpgsqlDbType.TimestampTz);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private static void Answer(ProjectionContext context, Guid requestId, string status, DateTimeOffset at) =>
        context.Enqueue("UPDATE rm.partner_requests SET status = $2, answered_at = $3 WHERE request_id = $1 AND status = 'pending'")
            .With(requestId, NpgsqlDbType.Uuid)
            .With(status, NpgsqlDbType.Text)
            .With(at, NpgsqlDbType.TimestampTz);
}
