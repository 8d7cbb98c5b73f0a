using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Groups;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.Access;

/// <summary>
/// <c>rm.partner_pairs</c>: the current accountability pairs of each group, one row per pair, stored with
/// <c>member_a &lt; member_b</c> so a pair has one key whichever way round it was made. Inline: a partner sees
/// the other's goals from the moment they are paired, and stops the moment they are unpaired.
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class PartnerPairsProjection : IProjection
{
    public string Name => "access-partner-pairs";

    public bool QueuesWritesOnly => true;

    public IReadOnlyCollection<Type> EventTypes { get; } = [typeof(PartnersPaired), typeof(PartnersUnpaired)];

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.partner_pairs (
            group_id uuid NOT NULL,
            member_a uuid NOT NULL,
            member_b uuid NOT NULL,
            pair_id uuid NOT NULL,
            paired_at timestamptz NOT NULL,
            PRIMARY KEY (group_id, member_a, member_b),
            CHECK (member_a < member_b)
        )
        """,
        "CREATE INDEX IF NOT EXISTS partner_pairs_member_b ON rm.partner_pairs (group_id, member_b)",
        "CREATE INDEX IF NOT EXISTS partner_pairs_pair ON rm.partner_pairs (pair_id)",
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.partner_pairs"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case PartnersPaired e:
                    context.Enqueue(
                            """
                            INSERT INTO rm.partner_pairs (group_id, member_a, member_b, pair_id, paired_at)
                            VALUES ($1, least($2, $3), greatest($2, $3), $4, $5)
                            ON CONFLICT (group_id, member_a, member_b) DO UPDATE SET pair_id = EXCLUDED.pair_id, paired_at = EXCLUDED.paired_at
                            """)
                        .With(e.GroupId, NpgsqlDbType.Uuid)
                        .With(e.FirstMemberId, NpgsqlDbType.Uuid)
                        .With(e.SecondMemberId, NpgsqlDbType.Uuid)
                        .With(e.PairId, NpgsqlDbType.Uuid)
                        .With(e.PairedAt, NpgsqlDbType.TimestampTz);
                    break;
                case PartnersUnpaired e:
                    context.Enqueue("DELETE FROM rm.partner_pairs WHERE group_id = $1 AND pair_id = $2")
                        .With(e.GroupId, NpgsqlDbType.Uuid)
                        .With(e.PairId, NpgsqlDbType.Uuid);
                    break;
            }
        }

        return Task.CompletedTask;
    }
}
