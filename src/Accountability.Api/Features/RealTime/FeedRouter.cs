using System.Globalization;
using Accountability.Api.Features.Access;
using Accountability.Api.Features.Moderation;
using Accountability.Domain.Feed;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.EventStore;
using Npgsql;
using NpgsqlTypes;
using Membership = Accountability.Api.Features.Access.Membership;
using StreamIds = Accountability.Domain.Common.StreamIds;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// Turns one committed event into feed messages and channel moves, asking <see cref="Membership"/> who may see
/// what. The live relay and the catch-up (hub <c>Resume</c>, <c>GET /api/v1/feed/updates</c>) both route through
/// here, so a missed message is replayed exactly as it was (or would have been) pushed.
/// </summary>
/// <remarks>
/// Visibility follows the domain's rules (<see cref="Domain.Feed.Visibility"/>): a check-in reaches the group feed
/// only when shared and its goal is visible to the group, with numbers, notes and answers only where the group
/// shows individual numbers; partners see goals shared with partners in full; coaches see every goal in full
/// through their own channel. Removed and departed members are out of every channel of the group.
/// </remarks>
internal sealed class FeedRouter(Membership membership, MemberNames names, NpgsqlDataSource dataSource, RoutingCache cache, IEventStore store)
{
    /// <summary>The event types the feed reacts to; the relay and the catch-up read only these.</summary>
    public static readonly IReadOnlyList<Type> EventTypes =
    [
        typeof(GroupCreated), typeof(MemberJoined), typeof(MemberLeft), typeof(MemberRemoved), typeof(MemberReinstated),
        typeof(CoCoachAssigned), typeof(CoCoachUnassigned), typeof(CoachHandedOver),
        typeof(PartnersPaired), typeof(PartnersUnpaired),
        typeof(AnnouncementPosted), typeof(FeedItemHidden), typeof(FeedItemRestored), typeof(FeedItemReportsDismissed),
        typeof(CommentHidden), typeof(CommentRestored), typeof(GroupWinRecorded),
        typeof(LeaderboardRuleChanged), typeof(LeaderboardOptedOut), typeof(LeaderboardOptedIn),
        typeof(CheckInPosted), typeof(CheckInAmended), typeof(WinRecorded),
        typeof(StreakCorrectionRequested), typeof(StreakCorrectionApproved), typeof(StreakCorrectionRejected),
        typeof(KudosGiven), typeof(KudosWithdrawn), typeof(CommentPosted), typeof(CommentDeleted),
        typeof(NudgeSent), typeof(FeedItemReported),
        .. RoutingCache.InvalidatingTypes,
    ];

    /// <summary>Shows the cache an event before any later one is routed (the relay calls this in log order).</summary>
    public void Observe(StoredEvent stored) => cache.Observe(stored);

    /// <summary>The group an event belongs to (every event the feed reacts to names one).</summary>
    public static Guid? GroupOf(object data) => data switch
    {
        GroupCreated e => e.GroupId,
        MemberJoined e => e.GroupId,
        MemberLeft e => e.GroupId,
        MemberRemoved e => e.GroupId,
        MemberReinstated e => e.GroupId,
        CoCoachAssigned e => e.GroupId,
        CoCoachUnassigned e => e.GroupId,
        CoachHandedOver e => e.GroupId,
        PartnersPaired e => e.GroupId,
        PartnersUnpaired e => e.GroupId,
        AnnouncementPosted e => e.GroupId,
        FeedItemHidden e => e.GroupId,
        FeedItemRestored e => e.GroupId,
        FeedItemReportsDismissed e => e.GroupId,
        CommentHidden e => e.GroupId,
        CommentRestored e => e.GroupId,
        GroupWinRecorded e => e.GroupId,
        LeaderboardRuleChanged e => e.GroupId,
        LeaderboardOptedOut e => e.GroupId,
        LeaderboardOptedIn e => e.GroupId,
        CheckInPosted e => e.GroupId,
        CheckInAmended e => e.GroupId,
        WinRecorded e => e.GroupId,
        StreakCorrectionRequested e => e.GroupId,
        StreakCorrectionApproved e => e.GroupId,
        StreakCorrectionRejected e => e.GroupId,
        KudosGiven e => e.GroupId,
        KudosWithdrawn e => e.GroupId,
        CommentPosted e => e.GroupId,
        CommentDeleted e => e.GroupId,
        NudgeSent e => e.GroupId,
        FeedItemReported e => e.GroupId,
        _ => null,
    };

    /// <summary>
    /// Whether the event can yield anything for <paramref name="viewer"/>: it belongs to one of their groups, or it
    /// moves them out of one (they are told through their own channel). Lets a catch-up skip other groups' events
    /// without any look-up.
    /// </summary>
    public static bool MayConcern(StoredEvent stored, FeedViewer viewer)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(viewer);
        if (GroupOf(stored.Data) is not { } groupId)
        {
            return false;
        }

        return viewer.Channels.Contains(FeedChannels.Group(groupId)) || stored.Data switch
        {
            MemberLeft e => e.MemberId == viewer.MemberId,
            MemberRemoved e => e.MemberId == viewer.MemberId,
            _ => false,
        };
    }

    public async Task<RoutedEvent> RouteAsync(StoredEvent stored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var s = stored.Sequence;
        return stored.Data switch
        {
            CheckInPosted e => await CheckInAsync(s, e.GroupId, e.MemberId, e.GoalId, e.CheckInId, e.ShareToFeed, amended: false,
                Full(e.CheckInId, e.GoalId, e.Date, e.Done, e.Value, e.Note, e.Answers, e.Mood, e.Stuck, e.PostedAt), ct),
            CheckInAmended e => await CheckInAsync(s, e.GroupId, e.MemberId, e.GoalId, e.CheckInId, e.ShareToFeed, amended: true,
                Full(e.CheckInId, e.GoalId, e.Date, e.Done, e.Value, e.Note, e.Answers, e.Mood, e.Stuck, e.AmendedAt), ct),
            WinRecorded e => await WinAsync(s, e, ct),
            GroupWinRecorded e => await GroupWinAsync(s, e, ct),
            AnnouncementPosted e => await AnnouncementAsync(s, e, ct),
            FeedItemHidden e => Send(s, Audience.Group(e.GroupId), new FeedItemHiddenMessage(s, e.GroupId, e.ItemId, e.Reason, e.HiddenBy, e.HiddenAt)),
            FeedItemRestored e => Send(s, Audience.Group(e.GroupId), new FeedItemRestoredMessage(s, e.GroupId, e.ItemId, e.RestoredBy, e.RestoredAt)),
            FeedItemReported e => await ReportedAsync(s, e, ct),
            FeedItemReportsDismissed e => new RoutedEvent(s, [],
            [
                new Delivery(Audience.Coach(e.GroupId), new CoachQueueChangedMessage(s, e.GroupId, "reportsDismissed", e.DismissedBy, null, e.DismissedAt, ItemId: e.ItemId)),

                // Kept after review: back for everyone who lost it while it was held (a no-op for those who had it).
                new Delivery(Audience.Group(e.GroupId), new FeedItemRestoredMessage(s, e.GroupId, e.ItemId, e.DismissedBy, e.DismissedAt)),
            ], null),
            KudosGiven e => await KudosAsync(s, e.GroupId, e.ItemId, e.ItemAuthorId, e.GiverId, given: true, e.GivenAt, ct),
            KudosWithdrawn e => await KudosAsync(s, e.GroupId, e.ItemId, e.ItemAuthorId, e.GiverId, given: false, e.WithdrawnAt, ct),
            CommentPosted e => await CommentAsync(s, e, ct),
            CommentHidden e => Send(s, Audience.Group(e.GroupId), new CommentHiddenMessage(s, e.GroupId, e.CommentId, e.Reason, e.HiddenBy, e.HiddenAt)),
            CommentRestored e => Send(s, Audience.Group(e.GroupId), new CommentRestoredMessage(s, e.GroupId, e.CommentId, e.RestoredBy, e.RestoredAt)),
            CommentDeleted e => Send(s, Audience.Group(e.GroupId), new CommentDeletedMessage(s, e.GroupId, e.CommentId, e.ItemId, e.DeletedAt)),
            NudgeSent e => await NudgeAsync(s, e, ct),
            PartnersPaired e => await PartnershipAsync(s, e.GroupId, e.PairId, e.FirstMemberId, e.SecondMemberId, paired: true, ct),
            PartnersUnpaired e => await PartnershipAsync(s, e.GroupId, e.PairId, e.FirstMemberId, e.SecondMemberId, paired: false, ct),
            GroupCreated e => await JoinedAsync(s, e.GroupId, e.CoachId, e.CreatedAt, ct),
            MemberJoined e => await JoinedAsync(s, e.GroupId, e.MemberId, e.JoinedAt, ct),
            MemberReinstated e => await JoinedAsync(s, e.GroupId, e.MemberId, e.ReinstatedAt, ct),
            MemberLeft e => await DepartedAsync(s, e.GroupId, e.MemberId, "left", e.LeftAt, ct),
            MemberRemoved e => await DepartedAsync(s, e.GroupId, e.MemberId, "removed", e.RemovedAt, ct),
            CoCoachAssigned e => await StaffAsync(s, e.GroupId, e.MemberId, ct),
            CoachHandedOver e => await StaffAsync(s, e.GroupId, e.NewCoachId, ct),
            CoCoachUnassigned e => new RoutedEvent(s, [new ChannelChange(e.MemberId, FeedChannels.Coach(e.GroupId), Add: false)], [], null),
            StreakCorrectionRequested e => await CoachQueueAsync(s, e.GroupId, "correctionRequested", e.MemberId, e.RequestedAt, ct, goalId: e.GoalId),
            StreakCorrectionApproved e => Board(await CoachQueueAsync(s, e.GroupId, "correctionDecided", e.MemberId, e.ApprovedAt, ct, goalId: e.GoalId), e.GroupId),
            StreakCorrectionRejected e => await CoachQueueAsync(s, e.GroupId, "correctionDecided", e.MemberId, e.RejectedAt, ct, goalId: e.GoalId),
            LeaderboardRuleChanged e => Board(RoutedEvent.Nothing(s), e.GroupId),
            LeaderboardOptedOut e => Board(RoutedEvent.Nothing(s), e.GroupId),
            LeaderboardOptedIn e => Board(RoutedEvent.Nothing(s), e.GroupId),
            _ => RoutedEvent.Nothing(s),
        };
    }

    private async Task<RoutedEvent> CheckInAsync(
        long s, Guid groupId, Guid authorId, Guid goalId, Guid checkInId, bool shared, bool amended, CheckInView full, CancellationToken ct)
    {
        // An unknown goal is treated as coach-only: fail closed.
        var goal = await cache.GoalAsync(goalId, () => membership.GoalAsync(goalId, ct));
        var visibility = goal?.Visibility ?? GoalVisibility.CoachOnly;
        var partners = visibility is GoalVisibility.Group or GoalVisibility.PartnersAndCoach
            ? await PartnersAsync(groupId, authorId, ct)
            : [];
        var name = await NameAsync(authorId, ct);
        var deliveries = new List<Delivery>(3);
        if (visibility == GoalVisibility.Group)
        {
            if (shared)
            {
                var detail = await NumbersVisibilityAsync(groupId, ct) == NumbersVisibility.Individual ? full : Summary(full);
                var item = new FeedItemView(checkInId, "checkIn", authorId, name, full.At, CheckIn: detail);
                deliveries.Add(new Delivery(Audience.Group(groupId), amended
                    ? new FeedItemAmendedMessage(s, groupId, item)
                    : new FeedItemAddedMessage(s, groupId, item)));
            }
            else if (amended)
            {
                deliveries.Add(new Delivery(Audience.Group(groupId), new FeedItemHiddenMessage(s, groupId, checkInId, "unshared", authorId, full.At)));
            }
        }

        if (partners.Count > 0)
        {
            deliveries.Add(new Delivery(Audience.Members(groupId, partners), new PartnerCheckInMessage(s, groupId, authorId, name, full, amended)));
        }

        deliveries.Add(new Delivery(Audience.Coach(groupId),
            new CoachQueueChangedMessage(s, groupId, amended ? "checkInAmended" : "checkIn", authorId, name, full.At, GoalId: goalId, CheckIn: full)));
        return new RoutedEvent(s, [], deliveries, groupId);
    }

    private async Task<RoutedEvent> WinAsync(long s, WinRecorded e, CancellationToken ct)
    {
        var goal = await cache.GoalAsync(e.GoalId, () => membership.GoalAsync(e.GoalId, ct));
        var visibility = goal?.Visibility ?? GoalVisibility.CoachOnly;
        var win = new WinView(e.WinId, Camel(e.Kind.ToString()), e.MemberId, await NameAsync(e.MemberId, ct), e.GoalId, e.Value, e.Date, e.CheckInId, e.Summary, e.RecordedAt);
        var message = new WinMessage(s, e.GroupId, win);
        if (visibility == GoalVisibility.Group)
        {
            return new RoutedEvent(s, [],
            [
                new Delivery(Audience.Group(e.GroupId), new FeedItemAddedMessage(s, e.GroupId, new FeedItemView(e.WinId, "win", e.MemberId, win.MemberName, e.RecordedAt, Win: win))),
                new Delivery(Audience.Group(e.GroupId), message),
            ], null);
        }

        // Not in the feed: the member, partners when the goal is shared with them, and staff (once each: staff
        // get it through the coach channel, so they are left out of the member list).
        var people = new List<Guid> { e.MemberId };
        if (visibility == GoalVisibility.PartnersAndCoach)
        {
            people.AddRange(await PartnersAsync(e.GroupId, e.MemberId, ct));
        }

        var notStaff = new List<Guid>();
        foreach (var id in people.Distinct())
        {
            if (await membership.RoleInAsync(e.GroupId, id, ct) is not (GroupRole.Coach or GroupRole.CoCoach))
            {
                notStaff.Add(id);
            }
        }

        return new RoutedEvent(s, [], [new Delivery(Audience.Members(e.GroupId, notStaff), message), new Delivery(Audience.Coach(e.GroupId), message)], null);
    }

    private async Task<RoutedEvent> GroupWinAsync(long s, GroupWinRecorded e, CancellationToken ct)
    {
        var win = new WinView(e.WinId, Camel(e.Kind.ToString()), null, null, null, e.Value, e.Date, null, e.Summary, e.RecordedAt);

        // A group win is an aggregate: members of a group that hides numbers do not see it (Visibility.CanSeeGroupAggregates).
        var audience = await NumbersVisibilityAsync(e.GroupId, ct) == NumbersVisibility.Hidden ? Audience.Coach(e.GroupId) : Audience.Group(e.GroupId);
        return new RoutedEvent(s, [],
        [
            new Delivery(audience, new FeedItemAddedMessage(s, e.GroupId, new FeedItemView(e.WinId, "groupWin", null, null, e.RecordedAt, Win: win))),
            new Delivery(audience, new WinMessage(s, e.GroupId, win)),
        ], null);
    }

    private async Task<RoutedEvent> AnnouncementAsync(long s, AnnouncementPosted e, CancellationToken ct)
    {
        var item = new FeedItemView(e.AnnouncementId, "announcement", e.PostedBy, await NameAsync(e.PostedBy, ct), e.PostedAt, Text: e.Text);
        return Send(s, Audience.Group(e.GroupId), new FeedItemAddedMessage(s, e.GroupId, item));
    }

    /// <summary>
    /// A report tells the coaches; the report that brings an item to <see cref="ModerationRules.HoldThreshold"/> distinct
    /// reporters since its last review holds it, which withdraws it from the group like a hide.
    /// </summary>
    private async Task<RoutedEvent> ReportedAsync(long s, FeedItemReported e, CancellationToken ct)
    {
        var queue = await CoachQueueAsync(s, e.GroupId, "itemReported", e.ItemAuthorId, e.ReportedAt, ct, itemId: e.ItemId);
        var reports = (await new GroupItems(dataSource, membership).ReportsAsync(e.GroupId, e.ItemId, ct)).Where(r => r.ReportedAt <= e.ReportedAt).ToList();
        if (reports.Select(r => r.ReporterId).Distinct().Count() < ModerationRules.HoldThreshold)
        {
            return queue;
        }

        // Rare: read the group's moderation state (reviews, staff hides) only when the count could have been reached.
        var group = await store.AggregateStreamAsync<Group>(StreamIds.Group(e.GroupId), Group.Evolve, ct: ct);
        if (group is null || group.HiddenItems.ContainsKey(e.ItemId)
            || ModerationRules.DistinctReportersSinceReview(group, e.ItemId, reports) != ModerationRules.HoldThreshold)
        {
            return queue;
        }

        return queue with
        {
            Deliveries = [.. queue.Deliveries, new Delivery(Audience.Group(e.GroupId), new FeedItemHiddenMessage(s, e.GroupId, e.ItemId, "held-for-review", Guid.Empty, e.ReportedAt))],
        };
    }

    private async Task<RoutedEvent> KudosAsync(long s, Guid groupId, Guid itemId, Guid itemAuthorId, Guid giverId, bool given, DateTimeOffset at, CancellationToken ct) =>
        Send(s, Audience.Group(groupId), new KudosMessage(s, groupId, itemId, itemAuthorId, giverId, await NameAsync(giverId, ct), given, at));

    private async Task<RoutedEvent> CommentAsync(long s, CommentPosted e, CancellationToken ct) =>
        Send(s, Audience.Group(e.GroupId),
            new CommentMessage(s, e.GroupId, e.CommentId, e.ItemId, e.ItemAuthorId, e.AuthorId, await NameAsync(e.AuthorId, ct), e.Text, e.PostedAt));

    private async Task<RoutedEvent> NudgeAsync(long s, NudgeSent e, CancellationToken ct) =>
        Send(s, Audience.Members(e.GroupId, [e.ReceiverId]),
            new NudgeReceivedMessage(s, e.GroupId, e.NudgeId, e.SenderId, await NameAsync(e.SenderId, ct), e.GoalId, e.Message, e.SentAt));

    private async Task<RoutedEvent> PartnershipAsync(long s, Guid groupId, Guid pairId, Guid first, Guid second, bool paired, CancellationToken ct)
    {
        var known = await names.DisplayNamesAsync([first, second], ct);
        return new RoutedEvent(s, [],
        [
            new Delivery(Audience.Members(groupId, [first]), new PartnershipChangedMessage(s, groupId, pairId, second, known.GetValueOrDefault(second), paired)),
            new Delivery(Audience.Members(groupId, [second]), new PartnershipChangedMessage(s, groupId, pairId, first, known.GetValueOrDefault(first), paired)),
        ], null);
    }

    /// <summary>A member (re)joined, or created the group: into its channels, if they are still in it now.</summary>
    private async Task<RoutedEvent> JoinedAsync(long s, Guid groupId, Guid memberId, DateTimeOffset at, CancellationToken ct)
    {
        var role = await membership.RoleInAsync(groupId, memberId, ct);
        if (role is not { } current)
        {
            // Already gone again: a later event says so, and nothing is added meanwhile.
            return RoutedEvent.Nothing(s);
        }

        var changes = new List<ChannelChange> { new(memberId, FeedChannels.Group(groupId), Add: true) };
        if (current is GroupRole.Coach or GroupRole.CoCoach)
        {
            changes.Add(new ChannelChange(memberId, FeedChannels.Coach(groupId), Add: true));
        }

        var deliveries = new List<Delivery> { new(Audience.Members(groupId, [memberId]), new GroupJoinedMessage(s, groupId, AccessNames.Role(current))) };
        if (current == GroupRole.Member)
        {
            deliveries.Add(new Delivery(Audience.Coach(groupId), new CoachQueueChangedMessage(s, groupId, "memberJoined", memberId, await NameAsync(memberId, ct), at)));
        }

        return new RoutedEvent(s, changes, deliveries, groupId);
    }

    /// <summary>A member left or was removed: out of the group's channels on every process, told through their own.</summary>
    private async Task<RoutedEvent> DepartedAsync(long s, Guid groupId, Guid memberId, string reason, DateTimeOffset at, CancellationToken ct) =>
        new(s,
            [new ChannelChange(memberId, FeedChannels.Group(groupId), Add: false), new ChannelChange(memberId, FeedChannels.Coach(groupId), Add: false)],
            [
                new Delivery(Audience.Members(groupId, [memberId]), new GroupLeftMessage(s, groupId, reason)),
                new Delivery(Audience.Coach(groupId), new CoachQueueChangedMessage(s, groupId, reason == "left" ? "memberLeft" : "memberRemoved", memberId, await NameAsync(memberId, ct), at)),
            ],
            groupId);

    private async Task<RoutedEvent> StaffAsync(long s, Guid groupId, Guid memberId, CancellationToken ct) =>
        await membership.RoleInAsync(groupId, memberId, ct) is GroupRole.Coach or GroupRole.CoCoach
            ? new RoutedEvent(s, [new ChannelChange(memberId, FeedChannels.Coach(groupId), Add: true)], [], null)
            : RoutedEvent.Nothing(s);

    private async Task<RoutedEvent> CoachQueueAsync(
        long s, Guid groupId, string reason, Guid memberId, DateTimeOffset at, CancellationToken ct, Guid? goalId = null, Guid? itemId = null) =>
        Send(s, Audience.Coach(groupId), new CoachQueueChangedMessage(s, groupId, reason, memberId, await NameAsync(memberId, ct), at, goalId, itemId));

    private static RoutedEvent Send(long s, Audience audience, FeedMessage message) => new(s, [], [new Delivery(audience, message)], null);

    private static RoutedEvent Board(RoutedEvent routed, Guid groupId) => routed with { LeaderboardGroup = groupId };

    private Task<string?> NameAsync(Guid memberId, CancellationToken ct) =>
        names.DisplayNameAsync(memberId, ct);

    private Task<IReadOnlyList<Guid>> PartnersAsync(Guid groupId, Guid memberId, CancellationToken ct) =>
        cache.PartnersAsync(groupId, memberId, () => membership.PartnersOfAsync(groupId, memberId, ct));

    /// <summary>The group's numbers setting, read from the inline <c>rm.groups</c> table (Access): how much of a check-in the whole group sees.</summary>
    private Task<NumbersVisibility> NumbersVisibilityAsync(Guid groupId, CancellationToken ct) =>
        cache.NumbersAsync(groupId, async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT numbers_visibility FROM rm.groups WHERE group_id = $1");
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = groupId, NpgsqlDbType = NpgsqlDbType.Uuid });
            return await command.ExecuteScalarAsync(ct) is string value ? AccessNames.ParseNumbersVisibility(value) : null;
        });

    private static CheckInView Full(
        Guid checkInId, Guid goalId, DateOnly date, bool done, decimal? value, string? note, IReadOnlyList<PromptAnswer> answers, int? mood, bool stuck, DateTimeOffset at) =>
        new(checkInId, goalId, date, done, "full", value, note, answers, mood, stuck, at);

    /// <summary>What the rest of the group sees when numbers are not shown individually: that it happened and whether it was done.</summary>
    private static CheckInView Summary(CheckInView full) =>
        full with { Detail = "summary", Value = null, Note = null, Answers = null, Mood = null, Stuck = null };

    private static string Camel(string name) =>
        name.Length == 0 ? name : char.ToLower(name[0], CultureInfo.InvariantCulture) + name[1..];
}
