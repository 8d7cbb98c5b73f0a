using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Members;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.Members;

/// <summary>
/// <c>rm.pauses</c>: every declared pause with how it ended, keyed by pause id. Inline, so a member sees their pause
/// at once, and the group milestone can leave paused members out of the day's count.
/// <c>effective_last_date</c> is the last paused date as it stands now (null: open-ended).
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class PausesProjection : IProjection
{
    public string Name => "member-pauses";

    public bool QueuesWritesOnly => true;

    public IReadOnlyCollection<Type> EventTypes { get; } = [typeof(PauseDeclared), typeof(PauseEnded)];

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.pauses (
            pause_id uuid PRIMARY KEY,
            member_id uuid NOT NULL,
            first_date date NOT NULL,
            last_date date NULL,
            effective_last_date date NULL,
            reason text NOT NULL,
            note text NULL,
            declared_at timestamptz NOT NULL,
            ended_at timestamptz NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS pauses_member ON rm.pauses (member_id, first_date)",
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.pauses"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case PauseDeclared e:
                    context.Enqueue(
                            """
                            INSERT INTO rm.pauses (pause_id, member_id, first_date, last_date, effective_last_date, reason, note, declared_at)
                            VALUES ($1, $2, $3, $4, $4, $5, $6, $7)
                            ON CONFLICT (pause_id) DO NOTHING
                            """)
                        .With(e.PauseId, NpgsqlDbType.Uuid)
                        .With(e.MemberId, NpgsqlDbType.Uuid)
                        .With(e.FirstDate, NpgsqlDbType.Date)
                        .With(e.LastDate, NpgsqlDbType.Date)
                        .With(WireNames.PauseReason.Name(e.Reason), NpgsqlDbType.Text)
                        .With(e.Note, NpgsqlDbType.Text)
                        .With(e.DeclaredAt, NpgsqlDbType.TimestampTz);
                    break;
                case PauseEnded e:
                    context.Enqueue("UPDATE rm.pauses SET effective_last_date = $2, ended_at = $3 WHERE pause_id = $1 AND member_id = $4")
                        .With(e.PauseId, NpgsqlDbType.Uuid)
                        .With(e.LastPausedDate, NpgsqlDbType.Date)
                        .With(e.EndedAt, NpgsqlDbType.TimestampTz)
                        .With(e.MemberId, NpgsqlDbType.Uuid);
                    break;
            }
        }

        return Task.CompletedTask;
    }
}
