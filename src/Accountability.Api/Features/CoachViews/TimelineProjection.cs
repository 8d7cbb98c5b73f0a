using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Wins;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Npgsql;

namespace Accountability.Api.Features.CoachViews;

/// <summary>
/// A member's timeline in a group: joins and departures, goals, check-ins and amendments, corrections, wins, pauses
/// and zone changes, nudges sent and received, comments, pairings and mutes; one row per member per event, keyed by
/// the event's global sequence (the cursor). A person's own facts (pauses, zone) appear in every group they are in.
/// </summary>
[Projection(ProjectionLifecycle.Async)]
internal sealed class TimelineProjection : IProjection
{
    public const string ProjectionName = "member-timeline";
    public const string Entries = "rm.timeline_entries";
    public const string Memberships = "rm.timeline_memberships";

    public string Name => ProjectionName;

    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(GroupCreated), typeof(MemberJoined), typeof(MemberLeft), typeof(MemberRemoved), typeof(MemberReinstated), typeof(MemberMuted),
        typeof(MemberUnmuted), typeof(PartnersPaired), typeof(PartnersUnpaired),
        typeof(GoalSet), typeof(GoalRevised), typeof(GoalAchieved), typeof(GoalAbandoned), typeof(CheckInPosted), typeof(CheckInAmended),
        typeof(StreakCorrectionRequested), typeof(StreakCorrectionApproved), typeof(StreakCorrectionRejected), typeof(WinRecorded),
        typeof(TimeZoneChanged), typeof(PauseDeclared), typeof(PauseEnded), typeof(NudgeSent), typeof(CommentPosted),
    ];

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        $"""
        CREATE TABLE IF NOT EXISTS {Entries} (
            group_id uuid NOT NULL,
            member_id uuid NOT NULL,
            seq bigint NOT NULL,
            kind text NOT NULL,
            at timestamptz NOT NULL,
            data jsonb NOT NULL,
            PRIMARY KEY (group_id, member_id, seq))
        """,
        $"""
        CREATE TABLE IF NOT EXISTS {Memberships} (
            member_id uuid NOT NULL,
            group_id uuid NOT NULL,
            active boolean NOT NULL,
            PRIMARY KEY (member_id, group_id))
        """,
    ];

    public IReadOnlyList<string> Tables { get; } = [Entries, Memberships];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);

        // Which groups people are in, for their own facts (pauses, zone): loaded for the people this page mentions.
        var people = events.Select(e => e.Data switch
            {
                TimeZoneChanged x => x.MemberId,
                PauseDeclared x => x.MemberId,
                PauseEnded x => x.MemberId,
                _ => Guid.Empty,
            })
            .Where(id => id != Guid.Empty)
            .Distinct()
            .ToArray();
        var memberships = new Dictionary<(Guid Member, Guid Group), bool>();
        if (people.Length > 0)
        {
            await using var command = context.CreateCommand($"SELECT member_id, group_id, active FROM {Memberships} WHERE member_id = ANY($1)");
            command.Add(people);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                memberships[(reader.GetGuid(0), reader.GetGuid(1))] = reader.GetBoolean(2);
            }
        }

        var changed = new Dictionary<(Guid Member, Guid Group), bool>();
        var rows = new List<(Guid Group, Guid Member, long Seq, string Kind, DateTimeOffset At, object Data)>();
        void Entry(Guid groupId, Guid memberId, string kind, DateTimeOffset at, object data) =>
            rows.Add((groupId, memberId, default, kind, at.ToUniversalTime(), data));
        void Member(Guid groupId, Guid memberId, bool active)
        {
            memberships[(memberId, groupId)] = active;
            changed[(memberId, groupId)] = active;
        }

        foreach (var e in events)
        {
            var first = rows.Count;
            switch (e.Data)
            {
                case GroupCreated x:
                    Member(x.GroupId, x.CoachId, true);
                    Entry(x.GroupId, x.CoachId, "group-created", x.CreatedAt, new { name = x.Name });
                    break;
                case MemberJoined x:
                    Member(x.GroupId, x.MemberId, true);
                    Entry(x.GroupId, x.MemberId, "joined", x.JoinedAt, new { });
                    break;
                case MemberReinstated x:
                    Member(x.GroupId, x.MemberId, true);
                    Entry(x.GroupId, x.MemberId, "reinstated", x.ReinstatedAt, new { by = x.ReinstatedBy });
                    break;
                case MemberLeft x:
                    Member(x.GroupId, x.MemberId, false);
                    Entry(x.GroupId, x.MemberId, "left", x.LeftAt, new { });
                    break;
                case MemberRemoved x:
                    Member(x.GroupId, x.MemberId, false);
                    Entry(x.GroupId, x.MemberId, "removed", x.RemovedAt, new { reason = x.Reason, by = x.RemovedBy });
                    break;
                case MemberMuted x:
                    Entry(x.GroupId, x.MemberId, "muted", x.MutedAt, new { until = x.MutedUntil.ToUniversalTime(), reason = x.Reason, by = x.MutedBy });
                    break;
                case MemberUnmuted x:
                    Entry(x.GroupId, x.MemberId, "unmuted", x.UnmutedAt, new { by = x.UnmutedBy });
                    break;
                case PartnersPaired x:
                    Entry(x.GroupId, x.FirstMemberId, "paired", x.PairedAt, new { pairId = x.PairId, partnerId = x.SecondMemberId });
                    Entry(x.GroupId, x.SecondMemberId, "paired", x.PairedAt, new { pairId = x.PairId, partnerId = x.FirstMemberId });
                    break;
                case PartnersUnpaired x:
                    Entry(x.GroupId, x.FirstMemberId, "unpaired", x.UnpairedAt, new { pairId = x.PairId, partnerId = x.SecondMemberId });
                    Entry(x.GroupId, x.SecondMemberId, "unpaired", x.UnpairedAt, new { pairId = x.PairId, partnerId = x.FirstMemberId });
                    break;
                case GoalSet x:
                    Entry(x.GroupId, x.MemberId, "goal-set", x.SetAt, new { goalId = x.GoalId, title = x.Title, startDate = x.StartDate });
                    break;
                case GoalRevised x:
                    Entry(x.GroupId, x.MemberId, "goal-revised", x.RevisedAt, new { goalId = x.GoalId, effectiveFrom = x.EffectiveFrom, title = x.Title, reason = x.Reason });
                    break;
                case GoalAchieved x:
                    Entry(x.GroupId, x.MemberId, "goal-achieved", x.AchievedAt, new { goalId = x.GoalId, date = x.AchievedOn, note = x.Note });
                    break;
                case GoalAbandoned x:
                    Entry(x.GroupId, x.MemberId, "goal-abandoned", x.AbandonedAt, new { goalId = x.GoalId, date = x.AbandonedOn, reason = x.Reason });
                    break;
                case CheckInPosted x:
                    Entry(x.GroupId, x.MemberId, "check-in", x.PostedAt, new { goalId = x.GoalId, checkInId = x.CheckInId, date = x.Date, done = x.Done, value = x.Value, mood = x.Mood, stuck = x.Stuck, note = x.Note });
                    break;
                case CheckInAmended x:
                    Entry(x.GroupId, x.MemberId, "check-in-amended", x.AmendedAt, new { goalId = x.GoalId, checkInId = x.CheckInId, date = x.Date, done = x.Done, value = x.Value, mood = x.Mood, stuck = x.Stuck, note = x.Note });
                    break;
                case StreakCorrectionRequested x:
                    Entry(x.GroupId, x.MemberId, "correction-requested", x.RequestedAt, new { goalId = x.GoalId, correctionId = x.CorrectionId, date = x.Date, reason = x.Reason });
                    break;
                case StreakCorrectionApproved x:
                    Entry(x.GroupId, x.MemberId, "correction-approved", x.ApprovedAt, new { goalId = x.GoalId, correctionId = x.CorrectionId, date = x.Date, by = x.ApprovedBy });
                    break;
                case StreakCorrectionRejected x:
                    Entry(x.GroupId, x.MemberId, "correction-rejected", x.RejectedAt, new { goalId = x.GoalId, correctionId = x.CorrectionId, date = x.Date, by = x.RejectedBy });
                    break;
                case WinRecorded x:
                    Entry(x.GroupId, x.MemberId, "win", x.RecordedAt, new { goalId = x.GoalId, winId = x.WinId, kind = Feed.FeedWire.Win(x.Kind), value = x.Value, summary = x.Summary });
                    break;
                case NudgeSent x:
                    Entry(x.GroupId, x.SenderId, "nudge-sent", x.SentAt, new { nudgeId = x.NudgeId, to = x.ReceiverId, goalId = x.GoalId });
                    Entry(x.GroupId, x.ReceiverId, "nudge-received", x.SentAt, new { nudgeId = x.NudgeId, from = x.SenderId, goalId = x.GoalId, message = x.Message });
                    break;
                case CommentPosted x:
                    Entry(x.GroupId, x.AuthorId, "comment", x.PostedAt, new { commentId = x.CommentId, itemId = x.ItemId, text = x.Text });
                    break;
                case TimeZoneChanged x:
                    foreach (var groupId in ActiveGroups(memberships, x.MemberId))
                    {
                        Entry(groupId, x.MemberId, "time-zone-changed", x.ChangedAt, new { timeZone = x.TimeZoneId, previous = x.PreviousTimeZoneId });
                    }

                    break;
                case PauseDeclared x:
                    foreach (var groupId in ActiveGroups(memberships, x.MemberId))
                    {
                        Entry(groupId, x.MemberId, "pause-declared", x.DeclaredAt, new { pauseId = x.PauseId, firstDate = x.FirstDate, lastDate = x.LastDate, reason = PauseReasonName(x.Reason) });
                    }

                    break;
                case PauseEnded x:
                    foreach (var groupId in ActiveGroups(memberships, x.MemberId))
                    {
                        Entry(groupId, x.MemberId, "pause-ended", x.EndedAt, new { pauseId = x.PauseId, lastPausedDate = x.LastPausedDate });
                    }

                    break;
            }

            for (var i = first; i < rows.Count; i++)
            {
                rows[i] = rows[i] with { Seq = e.Sequence };
            }
        }

        if (changed.Count > 0)
        {
            var command = context.Enqueue(
                $"""
                INSERT INTO {Memberships} (member_id, group_id, active) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::boolean[])
                ON CONFLICT (member_id, group_id) DO UPDATE SET active = excluded.active
                """);
            command.Add(changed.Keys.Select(k => k.Member).ToArray());
            command.Add(changed.Keys.Select(k => k.Group).ToArray());
            command.Add(changed.Values.ToArray());
        }

        // Replays of an event write the same row: the key is (group, member, sequence).
        var unique = rows.GroupBy(r => (r.Group, r.Member, r.Seq)).Select(g => g.First()).ToList();
        if (unique.Count > 0)
        {
            var command = context.Enqueue(
                $"""
                INSERT INTO {Entries} (group_id, member_id, seq, kind, at, data)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::timestamptz[], $6::jsonb[])
                ON CONFLICT (group_id, member_id, seq) DO NOTHING
                """);
            command.Add(unique.Select(r => r.Group).ToArray());
            command.Add(unique.Select(r => r.Member).ToArray());
            command.Add(unique.Select(r => r.Seq).ToArray());
            command.Add(unique.Select(r => r.Kind).ToArray());
            command.AddInstants(unique.Select(r => r.At));
            command.AddJsonArray(unique.Select(r => ReadModelJson.Serialize(r.Data)).ToArray());
        }
    }

    private static List<Guid> ActiveGroups(Dictionary<(Guid Member, Guid Group), bool> memberships, Guid memberId) =>
        memberships.Where(m => m.Key.Member == memberId && m.Value).Select(m => m.Key.Group).Order().ToList();

    private static string PauseReasonName(PauseReason reason) => Access.Commands.WireNames.PauseReason.Name(reason);
}
