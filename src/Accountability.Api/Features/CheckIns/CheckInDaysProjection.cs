using Accountability.Api.Features.Access;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Goals;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.CheckIns;

/// <summary>
/// <c>rm.check_in_days</c>: which members checked in (on any goal) for which of their local dates, per group. Inline,
/// so the check-in that makes 80% of the group checked in today finds the others already counted.
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class CheckInDaysProjection : IProjection
{
    public string Name => "check-in-days";

    public bool QueuesWritesOnly => true;

    public IReadOnlyCollection<Type> EventTypes { get; } = [typeof(CheckInPosted)];

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.check_in_days (
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            date date NOT NULL,
            first_check_in_id uuid NOT NULL,
            PRIMARY KEY (group_id, date, member_id)
        )
        """,
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.check_in_days"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var stored in events)
        {
            if (stored.Data is CheckInPosted e)
            {
                context.Enqueue(
                        """
                        INSERT INTO rm.check_in_days (group_id, member_id, date, first_check_in_id) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (group_id, date, member_id) DO NOTHING
                        """)
                    .With(e.GroupId, NpgsqlDbType.Uuid)
                    .With(e.MemberId, NpgsqlDbType.Uuid)
                    .With(e.Date, NpgsqlDbType.Date)
                    .With(e.CheckInId, NpgsqlDbType.Uuid);
            }
        }

        return Task.CompletedTask;
    }
}
