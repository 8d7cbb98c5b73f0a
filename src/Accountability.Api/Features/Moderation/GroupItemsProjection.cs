using Accountability.Api.Features.Access;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using NpgsqlTypes;

namespace Accountability.Api.Features.Moderation;

/// <summary>
/// <c>rm.group_items</c>: every item people can react to, report or a coach can hide, with its author: a check-in
/// (item id = check-in id; amendments keep it), a goal's win (win id), a group win (win id, no author) and an
/// announcement (announcement id). <c>rm.item_reports</c>: one report per reporter and item. <c>rm.group_comments</c>:
/// which comment is on which item, by whom. Inline, so kudos,
/// comments and reports on an item posted a moment ago find it, and the third report holds it at once.
/// </summary>
[Projection(ProjectionLifecycle.Inline)]
internal sealed class GroupItemsProjection : IProjection
{
    public string Name => "group-items";

    public bool QueuesWritesOnly => true;

    public IReadOnlyCollection<Type> EventTypes { get; } =
        [typeof(CheckInPosted), typeof(WinRecorded), typeof(GroupWinRecorded), typeof(AnnouncementPosted), typeof(FeedItemReported), typeof(CommentPosted), typeof(CommentDeleted)];

    public IReadOnlyList<string> Schema { get; } =
    [
        "CREATE SCHEMA IF NOT EXISTS rm",
        """
        CREATE TABLE IF NOT EXISTS rm.group_items (
            item_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            kind text NOT NULL,
            author_id uuid NULL,
            goal_id uuid NULL,
            created_at timestamptz NOT NULL
        )
        """,
        "CREATE INDEX IF NOT EXISTS group_items_group ON rm.group_items (group_id, created_at)",
        """
        CREATE TABLE IF NOT EXISTS rm.item_reports (
            group_id uuid NOT NULL,
            item_id uuid NOT NULL,
            reporter_id uuid NOT NULL,
            report_id uuid NOT NULL,
            reason text NOT NULL,
            note text NULL,
            reported_at timestamptz NOT NULL,
            PRIMARY KEY (group_id, item_id, reporter_id)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS rm.group_comments (
            comment_id uuid PRIMARY KEY,
            group_id uuid NOT NULL,
            item_id uuid NOT NULL,
            author_id uuid NOT NULL,
            posted_at timestamptz NOT NULL,
            deleted boolean NOT NULL DEFAULT false
        )
        """,
    ];

    public IReadOnlyList<string> Tables { get; } = ["rm.group_items", "rm.item_reports", "rm.group_comments"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var stored in events)
        {
            switch (stored.Data)
            {
                case CheckInPosted e:
                    Item(context, e.CheckInId, e.GroupId, "check-in", e.MemberId, e.GoalId, e.PostedAt);
                    break;
                case WinRecorded e:
                    Item(context, e.WinId, e.GroupId, "win", e.MemberId, e.GoalId, e.RecordedAt);
                    break;
                case GroupWinRecorded e:
                    Item(context, e.WinId, e.GroupId, "group-win", null, null, e.RecordedAt);
                    break;
                case AnnouncementPosted e:
                    Item(context, e.AnnouncementId, e.GroupId, "announcement", e.PostedBy, null, e.PostedAt);
                    break;
                case CommentPosted e:
                    context.Enqueue(
                            """
                            INSERT INTO rm.group_comments (comment_id, group_id, item_id, author_id, posted_at) VALUES ($1, $2, $3, $4, $5)
                            ON CONFLICT (comment_id) DO NOTHING
                            """)
                        .With(e.CommentId, NpgsqlDbType.Uuid)
                        .With(e.GroupId, NpgsqlDbType.Uuid)
                        .With(e.ItemId, NpgsqlDbType.Uuid)
                        .With(e.AuthorId, NpgsqlDbType.Uuid)
                        .With(e.PostedAt, NpgsqlDbType.TimestampTz);
                    break;
                case CommentDeleted e:
                    context.Enqueue("UPDATE rm.group_comments SET deleted = true WHERE comment_id = $1 AND author_id = $2")
                        .With(e.CommentId, NpgsqlDbType.Uuid)
                        .With(e.AuthorId, NpgsqlDbType.Uuid);
                    break;
                case FeedItemReported e:
                    context.Enqueue(
                            """
                            INSERT INTO rm.item_reports (group_id, item_id, reporter_id, report_id, reason, note, reported_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7)
                            ON CONFLICT (group_id, item_id, reporter_id) DO NOTHING
                            """)
                        .With(e.GroupId, NpgsqlDbType.Uuid)
                        .With(e.ItemId, NpgsqlDbType.Uuid)
                        .With(e.ReporterId, NpgsqlDbType.Uuid)
                        .With(e.ReportId, NpgsqlDbType.Uuid)
                        .With(Access.Commands.WireNames.ReportReason.Name(e.Reason), NpgsqlDbType.Text)
                        .With(e.Note, NpgsqlDbType.Text)
                        .With(e.ReportedAt, NpgsqlDbType.TimestampTz);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private static void Item(ProjectionContext context, Guid itemId, Guid groupId, string kind, Guid? authorId, Guid? goalId, DateTimeOffset at) =>
        context.Enqueue(
                """
                INSERT INTO rm.group_items (item_id, group_id, kind, author_id, goal_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (item_id) DO NOTHING
                """)
            .With(itemId, NpgsqlDbType.Uuid)
            .With(groupId, NpgsqlDbType.Uuid)
            .With(kind, NpgsqlDbType.Text)
            .With(authorId, NpgsqlDbType.Uuid)
            .With(goalId, NpgsqlDbType.Uuid)
            .With(at, NpgsqlDbType.TimestampTz);
}
