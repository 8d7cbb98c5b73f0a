using System.Collections.Immutable;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Feed;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Members;
using Accountability.Domain.Wins;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Npgsql;

namespace Accountability.Api.Features.Feed;

/// <summary>One feed item as the projection keeps it.</summary>
internal sealed class FeedItemState
{
    public Guid GroupId { get; init; }

    public Guid ItemId { get; init; }

    public long Seq { get; set; }

    public FeedItemKind Kind { get; init; }

    public Guid? AuthorId { get; init; }

    public Guid? GoalId { get; init; }

    public GoalVisibility? GoalVisibility { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? AmendedAt { get; set; }

    public bool Shared { get; set; }

    public DateOnly? CheckInDate { get; set; }

    public bool? Done { get; set; }

    public decimal? Value { get; set; }

    public string? Note { get; set; }

    public int? Mood { get; set; }

    public bool? Stuck { get; set; }

    public IReadOnlyList<PromptAnswer>? Answers { get; set; }

    public WinKind? WinKind { get; set; }

    public int? WinValue { get; set; }

    public DateOnly? WinDate { get; set; }

    /// <summary>The announcement's text, or the win's summary.</summary>
    public string? Text { get; set; }

    public int Kudos { get; set; }

    public ModerationStatus Status { get; set; }

    public string? HiddenReason { get; set; }

    public Guid? HiddenBy { get; set; }

    public DateTimeOffset? HiddenAt { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public List<ReportFact> Reports { get; set; } = [];
}

internal sealed class FeedCommentState
{
    public Guid CommentId { get; init; }

    public Guid GroupId { get; init; }

    public Guid ItemId { get; init; }

    public long Seq { get; init; }

    public Guid AuthorId { get; init; }

    public string Text { get; init; } = string.Empty;

    public DateTimeOffset PostedAt { get; init; }

    public bool Deleted { get; set; }

    public string? HiddenReason { get; set; }

    public Guid? HiddenBy { get; set; }

    public DateTimeOffset? HiddenAt { get; set; }
}

internal sealed record FeedGoalState(Guid GoalId, Guid GroupId, Guid MemberId, string Title, string? Unit, GoalVisibility Visibility);

/// <summary>
/// A group's feed: check-ins shared with the group, goal and group wins, announcements, with kudos, comments and
/// moderation (hidden by staff, held after reports from several members: <see cref="ModerationRules"/>). Who may see
/// what is decided when the feed is read, by the domain's <see cref="Visibility"/> rule over the current roster.
/// </summary>
[Projection(ProjectionLifecycle.Async)]
internal sealed class FeedProjection : IProjection
{
    public const string ProjectionName = "group-feed";

    public string Name => ProjectionName;

    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(GroupCreated), typeof(NumbersVisibilityChanged), typeof(AnnouncementPosted), typeof(FeedItemHidden), typeof(FeedItemRestored),
        typeof(FeedItemReportsDismissed), typeof(CommentHidden), typeof(CommentRestored), typeof(GroupWinRecorded),
        typeof(GoalSet), typeof(GoalRevised), typeof(GoalVisibilityChanged), typeof(CheckInPosted), typeof(CheckInAmended), typeof(WinRecorded),
        typeof(KudosGiven), typeof(KudosWithdrawn), typeof(CommentPosted), typeof(CommentDeleted), typeof(FeedItemReported),
    ];

    public IReadOnlyList<string> Schema => FeedTables.Schema;

    public IReadOnlyList<string> Tables => FeedTables.All;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var page = new FeedPage(context);
        await page.LoadAsync(events, ct);
        foreach (var e in events)
        {
            page.Fold(e);
        }

        page.Write();
    }

    /// <summary>The moderation status of an item, by the domain's rule: hidden by staff, or held after enough reports since its last review.</summary>
    internal static ModerationStatus StatusOf(FeedItemState item) => ModerationRules.StatusOf(ModerationView(item), item.ItemId, item.Reports);

    /// <summary>Distinct members who reported the item since staff last reviewed it.</summary>
    internal static int ReportsSinceReview(FeedItemState item) =>
        ModerationRules.DistinctReportersSinceReview(ModerationView(item), item.ItemId, item.Reports);

    /// <summary>Just enough of the group for the domain's moderation rule about one item: whether it is hidden, when it was last reviewed.</summary>
    private static Group ModerationView(FeedItemState item) =>
        new(item.GroupId, Guid.Empty, string.Empty, string.Empty, "UTC", [], 0, NumbersVisibility.AggregateOnly, LeaderboardRule.Default, DateTimeOffset.MinValue)
        {
            HiddenItems = item.HiddenAt is { } at
                ? ImmutableDictionary<Guid, HiddenContent>.Empty.Add(item.ItemId, new HiddenContent(item.ItemId, item.HiddenReason ?? string.Empty, item.HiddenBy ?? Guid.Empty, at))
                : ImmutableDictionary<Guid, HiddenContent>.Empty,
            ItemReviews = item.ReviewedAt is { } reviewed
                ? ImmutableDictionary<Guid, DateTimeOffset>.Empty.Add(item.ItemId, reviewed)
                : ImmutableDictionary<Guid, DateTimeOffset>.Empty,
        };

    private sealed class FeedPage(ProjectionContext context)
    {
        private readonly Dictionary<Guid, NumbersVisibility> groups = [];
        private readonly Dictionary<Guid, FeedGoalState> goals = [];
        private readonly HashSet<Guid> changedGoals = [];
        private readonly HashSet<Guid> visibilityChanged = [];
        private readonly Dictionary<(Guid Group, Guid Item), FeedItemState> items = [];
        private readonly HashSet<(Guid Group, Guid Item)> changedItems = [];
        private readonly Dictionary<Guid, FeedCommentState> comments = [];
        private readonly HashSet<Guid> changedComments = [];
        private readonly Dictionary<(Guid Group, Guid Item, Guid Giver), DateTimeOffset?> kudos = [];

        public async Task LoadAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct)
        {
            var goalIds = new HashSet<Guid>();
            var itemKeys = new HashSet<(Guid Group, Guid Item)>();
            var commentIds = new HashSet<Guid>();
            foreach (var e in events)
            {
                switch (e.Data)
                {
                    case GoalSet x: goalIds.Add(x.GoalId); break;
                    case GoalRevised x: goalIds.Add(x.GoalId); break;
                    case GoalVisibilityChanged x: goalIds.Add(x.GoalId); break;
                    case CheckInPosted x: goalIds.Add(x.GoalId); itemKeys.Add((x.GroupId, x.CheckInId)); break;
                    case CheckInAmended x: goalIds.Add(x.GoalId); itemKeys.Add((x.GroupId, x.CheckInId)); break;
                    case WinRecorded x: goalIds.Add(x.GoalId); itemKeys.Add((x.GroupId, x.WinId)); break;
                    case GroupWinRecorded x: itemKeys.Add((x.GroupId, x.WinId)); break;
                    case AnnouncementPosted x: itemKeys.Add((x.GroupId, x.AnnouncementId)); break;
                    case FeedItemHidden x: itemKeys.Add((x.GroupId, x.ItemId)); break;
                    case FeedItemRestored x: itemKeys.Add((x.GroupId, x.ItemId)); break;
                    case FeedItemReportsDismissed x: itemKeys.Add((x.GroupId, x.ItemId)); break;
                    case FeedItemReported x: itemKeys.Add((x.GroupId, x.ItemId)); break;
                    case CommentDeleted x: commentIds.Add(x.CommentId); break;
                    case CommentHidden x: commentIds.Add(x.CommentId); break;
                    case CommentRestored x: commentIds.Add(x.CommentId); break;
                }
            }

            await using var batch = new NpgsqlBatch(context.Connection, context.Transaction);
            var goalQuery = new NpgsqlBatchCommand($"SELECT goal_id, group_id, member_id, title, unit, visibility FROM {FeedTables.Goals} WHERE goal_id = ANY($1)");
            goalQuery.Add(goalIds.ToArray());
            batch.BatchCommands.Add(goalQuery);
            var itemQuery = new NpgsqlBatchCommand(
                $"""
                SELECT i.group_id, i.item_id, i.seq, i.kind, i.author_id, i.goal_id, i.goal_visibility, i.created_at, i.amended_at, i.shared,
                       i.check_in_date, i.done, i.value, i.note, i.mood, i.stuck, i.answers::text, i.win_kind, i.win_value, i.win_date, i.text,
                       i.kudos, i.status, i.hidden_reason, i.hidden_by, i.hidden_at, i.reviewed_at, i.reports::text
                  FROM {FeedTables.Items} i JOIN unnest($1::uuid[], $2::uuid[]) AS k(group_id, item_id) ON k.group_id = i.group_id AND k.item_id = i.item_id
                """);
            itemQuery.Add(itemKeys.Select(k => k.Group).ToArray());
            itemQuery.Add(itemKeys.Select(k => k.Item).ToArray());
            batch.BatchCommands.Add(itemQuery);
            var commentQuery = new NpgsqlBatchCommand(
                $"SELECT comment_id, group_id, item_id, seq, author_id, text, posted_at, deleted, hidden_reason, hidden_by, hidden_at FROM {FeedTables.Comments} WHERE comment_id = ANY($1)");
            commentQuery.Add(commentIds.ToArray());
            batch.BatchCommands.Add(commentQuery);

            await using var reader = await batch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                goals[reader.GetGuid(0)] = new FeedGoalState(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetNullableString(4), (GoalVisibility)reader.GetInt16(5));
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var item = FeedRows.ReadItem(reader);
                items[(item.GroupId, item.ItemId)] = item;
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                comments[reader.GetGuid(0)] = new FeedCommentState
                {
                    CommentId = reader.GetGuid(0),
                    GroupId = reader.GetGuid(1),
                    ItemId = reader.GetGuid(2),
                    Seq = reader.GetInt64(3),
                    AuthorId = reader.GetGuid(4),
                    Text = reader.GetString(5),
                    PostedAt = reader.GetInstant(6),
                    Deleted = reader.GetBoolean(7),
                    HiddenReason = reader.GetNullableString(8),
                    HiddenBy = reader.GetNullableGuid(9),
                    HiddenAt = reader.GetNullableInstant(10),
                };
            }
        }

        public void Fold(StoredEvent e)
        {
            switch (e.Data)
            {
                case GroupCreated x:
                    groups[x.GroupId] = x.NumbersVisibility;
                    break;
                case NumbersVisibilityChanged x:
                    groups[x.GroupId] = x.NumbersVisibility;
                    break;
                case GoalSet x:
                    SetGoal(new FeedGoalState(x.GoalId, x.GroupId, x.MemberId, x.Title, UnitOf(x.Measure), x.Visibility));
                    break;
                case GoalRevised x when goals.TryGetValue(x.GoalId, out var goal):
                    SetGoal(goal with { Title = x.Title ?? goal.Title, Unit = x.Measure is { } measure ? UnitOf(measure) : goal.Unit });
                    break;
                case GoalVisibilityChanged x when goals.TryGetValue(x.GoalId, out var goal):
                    SetGoal(goal with { Visibility = x.Visibility });
                    visibilityChanged.Add(x.GoalId);
                    foreach (var item in items.Values.Where(i => i.GoalId == x.GoalId))
                    {
                        item.GoalVisibility = x.Visibility;
                        Changed(item);
                    }

                    break;
                case CheckInPosted x:
                    CheckIn(e.Sequence, x.GroupId, x.CheckInId, x.GoalId, x.MemberId, x.Date, x.Done, x.Value, x.Note, x.Mood, x.Stuck, x.Answers, x.ShareToFeed, x.PostedAt, amendedAt: null);
                    break;
                case CheckInAmended x:
                    CheckIn(e.Sequence, x.GroupId, x.CheckInId, x.GoalId, x.MemberId, x.Date, x.Done, x.Value, x.Note, x.Mood, x.Stuck, x.Answers, x.ShareToFeed, x.AmendedAt, x.AmendedAt);
                    break;
                case WinRecorded x:
                    Add(new FeedItemState
                    {
                        GroupId = x.GroupId,
                        ItemId = x.WinId,
                        Seq = e.Sequence,
                        Kind = FeedItemKind.Win,
                        AuthorId = x.MemberId,
                        GoalId = x.GoalId,
                        GoalVisibility = goals.TryGetValue(x.GoalId, out var winGoal) ? winGoal.Visibility : GoalVisibility.CoachOnly,
                        CreatedAt = x.RecordedAt.ToUniversalTime(),
                        Shared = true,
                        WinKind = x.Kind,
                        WinValue = x.Value,
                        WinDate = x.Date,
                        Text = x.Summary,
                    });
                    break;
                case GroupWinRecorded x:
                    Add(new FeedItemState
                    {
                        GroupId = x.GroupId,
                        ItemId = x.WinId,
                        Seq = e.Sequence,
                        Kind = FeedItemKind.Win,
                        CreatedAt = x.RecordedAt.ToUniversalTime(),
                        Shared = true,
                        WinKind = x.Kind,
                        WinValue = x.Value,
                        WinDate = x.Date,
                        Text = x.Summary,
                    });
                    break;
                case AnnouncementPosted x:
                    Add(new FeedItemState
                    {
                        GroupId = x.GroupId,
                        ItemId = x.AnnouncementId,
                        Seq = e.Sequence,
                        Kind = FeedItemKind.Announcement,
                        AuthorId = x.PostedBy,
                        CreatedAt = x.PostedAt.ToUniversalTime(),
                        Shared = true,
                        Text = x.Text,
                    });
                    break;
                case FeedItemHidden x when items.TryGetValue((x.GroupId, x.ItemId), out var item):
                    item.HiddenReason = x.Reason;
                    item.HiddenBy = x.HiddenBy;
                    item.HiddenAt = x.HiddenAt.ToUniversalTime();
                    Changed(item);
                    break;
                case FeedItemRestored x when items.TryGetValue((x.GroupId, x.ItemId), out var item):
                    (item.HiddenReason, item.HiddenBy, item.HiddenAt) = (null, null, null);
                    item.ReviewedAt = x.RestoredAt.ToUniversalTime();
                    Changed(item);
                    break;
                case FeedItemReportsDismissed x when items.TryGetValue((x.GroupId, x.ItemId), out var item):
                    item.ReviewedAt = x.DismissedAt.ToUniversalTime();
                    Changed(item);
                    break;
                case FeedItemReported x when items.TryGetValue((x.GroupId, x.ItemId), out var item):
                    item.Reports.Add(new ReportFact(x.ReporterId, x.ReportedAt.ToUniversalTime()));
                    Changed(item);
                    break;
                case CommentPosted x:
                    comments[x.CommentId] = new FeedCommentState
                    {
                        CommentId = x.CommentId,
                        GroupId = x.GroupId,
                        ItemId = x.ItemId,
                        Seq = e.Sequence,
                        AuthorId = x.AuthorId,
                        Text = x.Text,
                        PostedAt = x.PostedAt.ToUniversalTime(),
                    };
                    changedComments.Add(x.CommentId);
                    break;
                case CommentDeleted x when comments.TryGetValue(x.CommentId, out var comment):
                    comment.Deleted = true;
                    changedComments.Add(x.CommentId);
                    break;
                case CommentHidden x when comments.TryGetValue(x.CommentId, out var comment):
                    comment.HiddenReason = x.Reason;
                    comment.HiddenBy = x.HiddenBy;
                    comment.HiddenAt = x.HiddenAt.ToUniversalTime();
                    changedComments.Add(x.CommentId);
                    break;
                case CommentRestored x when comments.TryGetValue(x.CommentId, out var comment):
                    (comment.HiddenReason, comment.HiddenBy, comment.HiddenAt) = (null, null, null);
                    changedComments.Add(x.CommentId);
                    break;
                case KudosGiven x:
                    kudos[(x.GroupId, x.ItemId, x.GiverId)] = x.GivenAt.ToUniversalTime();
                    break;
                case KudosWithdrawn x:
                    kudos[(x.GroupId, x.ItemId, x.GiverId)] = null;
                    break;
            }
        }

        public void Write()
        {
            WriteGroups();
            WriteGoals();
            WriteItems();
            WriteComments();
            WriteKudos();
        }

        private void SetGoal(FeedGoalState goal)
        {
            goals[goal.GoalId] = goal;
            changedGoals.Add(goal.GoalId);
        }

        private void CheckIn(
            long seq, Guid groupId, Guid checkInId, Guid goalId, Guid memberId, DateOnly date, bool done, decimal? value, string? note, int? mood,
            bool stuck, IReadOnlyList<PromptAnswer> answers, bool shareToFeed, DateTimeOffset at, DateTimeOffset? amendedAt)
        {
            var visibility = goals.TryGetValue(goalId, out var goal) ? goal.Visibility : GoalVisibility.CoachOnly;
            var shared = Visibility.IsSharedToFeed(visibility, shareToFeed);
            if (!items.TryGetValue((groupId, checkInId), out var item))
            {
                if (!shared)
                {
                    return;
                }

                // First shared now (posted shared, or an amendment shared it): it enters the feed at this event.
                item = new FeedItemState { GroupId = groupId, ItemId = checkInId, Seq = seq, Kind = FeedItemKind.SharedCheckIn, AuthorId = memberId, GoalId = goalId, CreatedAt = at.ToUniversalTime() };
                items[(groupId, checkInId)] = item;
            }

            item.GoalVisibility = visibility;
            item.Shared = shared;
            item.AmendedAt = amendedAt?.ToUniversalTime();
            item.CheckInDate = date;
            item.Done = done;
            item.Value = value;
            item.Note = note;
            item.Mood = mood;
            item.Stuck = stuck;
            item.Answers = answers;
            Changed(item);
        }

        private void Add(FeedItemState item)
        {
            if (items.ContainsKey((item.GroupId, item.ItemId)))
            {
                return;
            }

            items[(item.GroupId, item.ItemId)] = item;
            Changed(item);
        }

        private void Changed(FeedItemState item)
        {
            item.Status = StatusOf(item);
            changedItems.Add((item.GroupId, item.ItemId));
        }

        private static string? UnitOf(GoalMeasure measure) => measure.Kind == MeasureKind.Number ? measure.Unit : null;

        private void WriteGroups()
        {
            if (groups.Count == 0)
            {
                return;
            }

            var command = context.Enqueue(
                $"""
                INSERT INTO {FeedTables.Groups} (group_id, numbers_visibility) SELECT * FROM unnest($1::uuid[], $2::smallint[])
                ON CONFLICT (group_id) DO UPDATE SET numbers_visibility = excluded.numbers_visibility
                """);
            command.Add(groups.Keys.ToArray());
            command.Add(groups.Values.Select(v => (short)v).ToArray());
        }

        private void WriteGoals()
        {
            if (changedGoals.Count == 0)
            {
                return;
            }

            var list = changedGoals.Select(id => goals[id]).ToList();
            var command = context.Enqueue(
                $"""
                INSERT INTO {FeedTables.Goals} (goal_id, group_id, member_id, title, unit, visibility)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::smallint[])
                ON CONFLICT (goal_id) DO UPDATE SET title = excluded.title, unit = excluded.unit, visibility = excluded.visibility
                """);
            command.Add(list.Select(g => g.GoalId).ToArray());
            command.Add(list.Select(g => g.GroupId).ToArray());
            command.Add(list.Select(g => g.MemberId).ToArray());
            command.Add(list.Select(g => g.Title).ToArray());
            command.Add(list.Select(g => g.Unit).ToArray());
            command.Add(list.Select(g => (short)g.Visibility).ToArray());
        }

        private void WriteItems()
        {
            if (changedItems.Count > 0)
            {
                var list = changedItems.Select(k => items[k]).ToList();
                var command = context.Enqueue(
                    $"""
                    INSERT INTO {FeedTables.Items} (group_id, item_id, seq, kind, author_id, goal_id, goal_visibility, created_at, amended_at, shared,
                        check_in_date, done, value, note, mood, stuck, answers, win_kind, win_value, win_date, text, kudos, status,
                        hidden_reason, hidden_by, hidden_at, reviewed_at, reports)
                    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::smallint[], $5::uuid[], $6::uuid[], $7::smallint[], $8::timestamptz[],
                        $9::timestamptz[], $10::boolean[], $11::date[], $12::boolean[], $13::numeric[], $14::text[], $15::smallint[], $16::boolean[],
                        $17::jsonb[], $18::smallint[], $19::int[], $20::date[], $21::text[], $22::int[], $23::smallint[], $24::text[], $25::uuid[],
                        $26::timestamptz[], $27::timestamptz[], $28::jsonb[])
                    ON CONFLICT (group_id, item_id) DO UPDATE SET goal_visibility = excluded.goal_visibility, amended_at = excluded.amended_at,
                        shared = excluded.shared, check_in_date = excluded.check_in_date, done = excluded.done, value = excluded.value,
                        note = excluded.note, mood = excluded.mood, stuck = excluded.stuck, answers = excluded.answers, status = excluded.status,
                        hidden_reason = excluded.hidden_reason, hidden_by = excluded.hidden_by, hidden_at = excluded.hidden_at,
                        reviewed_at = excluded.reviewed_at, reports = excluded.reports
                    """);
                command.Add(list.Select(i => i.GroupId).ToArray());
                command.Add(list.Select(i => i.ItemId).ToArray());
                command.Add(list.Select(i => i.Seq).ToArray());
                command.Add(list.Select(i => (short)i.Kind).ToArray());
                command.Add(list.Select(i => i.AuthorId).ToArray());
                command.Add(list.Select(i => i.GoalId).ToArray());
                command.Add(list.Select(i => (short?)i.GoalVisibility).ToArray());
                command.AddInstants(list.Select(i => i.CreatedAt));
                command.AddInstants(list.Select(i => i.AmendedAt));
                command.Add(list.Select(i => i.Shared).ToArray());
                command.Add(list.Select(i => i.CheckInDate).ToArray());
                command.Add(list.Select(i => i.Done).ToArray());
                command.Add(list.Select(i => i.Value).ToArray());
                command.Add(list.Select(i => i.Note).ToArray());
                command.Add(list.Select(i => (short?)i.Mood).ToArray());
                command.Add(list.Select(i => i.Stuck).ToArray());
                command.AddJsonArray(list.Select(i => i.Answers is null ? null! : ReadModelJson.Serialize(i.Answers)).ToArray());
                command.Add(list.Select(i => (short?)i.WinKind).ToArray());
                command.Add(list.Select(i => i.WinValue).ToArray());
                command.Add(list.Select(i => i.WinDate).ToArray());
                command.Add(list.Select(i => i.Text).ToArray());
                command.Add(list.Select(i => i.Kudos).ToArray());
                command.Add(list.Select(i => (short)i.Status).ToArray());
                command.Add(list.Select(i => i.HiddenReason).ToArray());
                command.Add(list.Select(i => i.HiddenBy).ToArray());
                command.AddInstants(list.Select(i => i.HiddenAt));
                command.AddInstants(list.Select(i => i.ReviewedAt));
                command.AddJsonArray(list.Select(i => ReadModelJson.Serialize(i.Reports.OrderBy(r => r.ReportedAt).ThenBy(r => r.ReporterId))).ToArray());
            }

            // A visibility change applies to the goal's items already in the feed (privacy first, history included).
            var changedVisibility = visibilityChanged.Select(id => goals[id]).ToList();
            if (changedVisibility.Count > 0)
            {
                var command = context.Enqueue(
                    $"""
                    UPDATE {FeedTables.Items} i SET goal_visibility = u.visibility
                      FROM unnest($1::uuid[], $2::smallint[]) AS u(goal_id, visibility) WHERE i.goal_id = u.goal_id
                    """);
                command.Add(changedVisibility.Select(g => g.GoalId).ToArray());
                command.Add(changedVisibility.Select(g => (short)g.Visibility).ToArray());
            }
        }

        private void WriteComments()
        {
            if (changedComments.Count == 0)
            {
                return;
            }

            var list = changedComments.Select(id => comments[id]).ToList();
            var command = context.Enqueue(
                $"""
                INSERT INTO {FeedTables.Comments} (comment_id, group_id, item_id, seq, author_id, text, posted_at, deleted, hidden_reason, hidden_by, hidden_at)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bigint[], $5::uuid[], $6::text[], $7::timestamptz[], $8::boolean[],
                    $9::text[], $10::uuid[], $11::timestamptz[])
                ON CONFLICT (comment_id) DO UPDATE SET deleted = excluded.deleted, hidden_reason = excluded.hidden_reason,
                    hidden_by = excluded.hidden_by, hidden_at = excluded.hidden_at
                """);
            command.Add(list.Select(c => c.CommentId).ToArray());
            command.Add(list.Select(c => c.GroupId).ToArray());
            command.Add(list.Select(c => c.ItemId).ToArray());
            command.Add(list.Select(c => c.Seq).ToArray());
            command.Add(list.Select(c => c.AuthorId).ToArray());
            command.Add(list.Select(c => c.Text).ToArray());
            command.AddInstants(list.Select(c => c.PostedAt));
            command.Add(list.Select(c => c.Deleted).ToArray());
            command.Add(list.Select(c => c.HiddenReason).ToArray());
            command.Add(list.Select(c => c.HiddenBy).ToArray());
            command.AddInstants(list.Select(c => c.HiddenAt));
        }

        private void WriteKudos()
        {
            if (kudos.Count == 0)
            {
                return;
            }

            var withdrawn = kudos.Where(k => k.Value is null).Select(k => k.Key).ToList();
            if (withdrawn.Count > 0)
            {
                var delete = context.Enqueue(
                    $"""
                    DELETE FROM {FeedTables.Kudos} k USING unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS u(group_id, item_id, giver_id)
                     WHERE k.group_id = u.group_id AND k.item_id = u.item_id AND k.giver_id = u.giver_id
                    """);
                delete.Add(withdrawn.Select(k => k.Group).ToArray());
                delete.Add(withdrawn.Select(k => k.Item).ToArray());
                delete.Add(withdrawn.Select(k => k.Giver).ToArray());
            }

            var given = kudos.Where(k => k.Value is not null).ToList();
            if (given.Count > 0)
            {
                var insert = context.Enqueue(
                    $"""
                    INSERT INTO {FeedTables.Kudos} (group_id, item_id, giver_id, given_at)
                    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[])
                    ON CONFLICT (group_id, item_id, giver_id) DO UPDATE SET given_at = excluded.given_at
                    """);
                insert.Add(given.Select(k => k.Key.Group).ToArray());
                insert.Add(given.Select(k => k.Key.Item).ToArray());
                insert.Add(given.Select(k => k.Key.Giver).ToArray());
                insert.AddInstants(given.Select(k => k.Value!.Value));
            }

            var touched = kudos.Keys.Select(k => (k.Group, k.Item)).Distinct().ToList();
            var count = context.Enqueue(
                $"""
                UPDATE {FeedTables.Items} i SET kudos = (SELECT count(*) FROM {FeedTables.Kudos} k WHERE k.group_id = i.group_id AND k.item_id = i.item_id)
                  FROM unnest($1::uuid[], $2::uuid[]) AS u(group_id, item_id) WHERE i.group_id = u.group_id AND i.item_id = u.item_id
                """);
            count.Add(touched.Select(k => k.Group).ToArray());
            count.Add(touched.Select(k => k.Item).ToArray());
        }
    }
}
