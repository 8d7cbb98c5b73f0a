using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>A nudge received and not yet answered by a check-in.</summary>
internal sealed record OpenNudge(Guid NudgeId, Guid SenderId, DateTimeOffset SentAt);

/// <summary>One row of <c>rm.progress_members</c> while a page is applied.</summary>
internal sealed class RosterRow(Guid groupId, Guid memberId)
{
    public Guid GroupId { get; } = groupId;

    public Guid MemberId { get; } = memberId;

    public GroupRole Role { get; set; }

    public MembershipStatus Status { get; set; }

    public DateTimeOffset JoinedAt { get; set; }

    public bool OptedOut { get; set; }

    public int NudgesSent { get; set; }

    public int NudgesSentAnswered { get; set; }

    public int NudgesReceived { get; set; }

    public int NudgesReceivedAnswered { get; set; }

    public List<OpenNudge> OpenNudges { get; set; } = [];

    public HashSet<Guid> AnsweredStuck { get; set; } = [];

    public DateTimeOffset? ComputedAt { get; set; }

    public DateTimeOffset? ValidTo { get; set; }

    public bool Dirty { get; set; }
}

/// <summary>The latest content of one check-in, for <c>rm.progress_checkins</c>.</summary>
internal sealed record CheckInRow(
    Guid GoalId,
    DateOnly Date,
    Guid CheckInId,
    Guid GroupId,
    Guid MemberId,
    bool Done,
    decimal? Value,
    string? Note,
    int? Mood,
    bool Stuck,
    IReadOnlyList<PromptAnswer> Answers,
    DateTimeOffset PostedAt,
    DateTimeOffset? AmendedAt);

/// <summary>
/// One page of <see cref="CohortProgressProjection"/>: load what the events touch, fold them with the domain's
/// <c>Evolve</c> functions, recompute the touched members' and pairs' steps, queue the writes.
/// </summary>
internal sealed class CohortPage(ProjectionContext context, CohortMemory memory)
{
    /// <summary>A nudge counts as answered when its receiver checks in within this long.</summary>
    public static readonly TimeSpan NudgeAnswerWindow = TimeSpan.FromHours(48);

    private readonly Dictionary<Guid, Group> groups = [];
    private readonly HashSet<Guid> changedGroups = [];
    private readonly HashSet<Guid> triedGroups = [];
    private readonly Dictionary<Guid, Member> people = [];
    private readonly HashSet<Guid> changedPeople = [];
    private readonly HashSet<Guid> triedPeople = [];
    private readonly Dictionary<Guid, Goal> goals = [];
    private readonly HashSet<Guid> changedGoals = [];
    private readonly Dictionary<Guid, GoalSnapshot> storedGoals = [];
    private readonly HashSet<(Guid Group, Guid Member)> goalsLoadedFor = [];
    private readonly Dictionary<(Guid Goal, DateOnly Date), CheckInRow> checkIns = [];
    private readonly Dictionary<(Guid Group, Guid Member), RosterRow> roster = [];
    private readonly HashSet<(Guid Group, Guid Member)> triedRows = [];
    private readonly HashSet<Guid> rowsLoadedForMember = [];
    private readonly Dictionary<(Guid Group, Guid Member), DateTimeOffset> memberTriggers = [];
    private readonly Dictionary<Guid, DateTimeOffset> pairTriggers = [];
    private readonly Dictionary<Guid, DateTimeOffset> interactions = [];
    private readonly HashSet<Guid> endedPairs = [];
    private readonly List<(Guid Group, Guid Author, Guid ItemId)> answerCandidates = [];
    private readonly Dictionary<(Guid Group, Guid Member), int> sentAnswered = [];
    private readonly HashSet<(Guid Group, Guid Member)> touchedMembers = [];
    private ILookup<(Guid Group, Guid Member), Goal> goalsByMember = Array.Empty<Goal>().ToLookup(g => (g.GroupId, g.MemberId));

    // What the previous page left in memory, when this page starts where it ended (never during a rebuild).
    private readonly CohortMemory.Kept? kept = memory.For(context.IsRebuild ? null : context.After);

    public async Task ApplyAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        await LoadForEventsAsync(events, ct);
        foreach (var e in events)
        {
            Fold(e);
        }

        StoreChangedGoals();

        // Who is recomputed: members whose figures an event changed and who are still active in the group.
        await EnsureLoadedAsync(memberTriggers.Keys.ToList(), ct);
        var recompute = memberTriggers.Keys
            .Where(k => groups.TryGetValue(k.Group, out var g) && g.IsActiveMember(k.Member))
            .OrderBy(k => k.Group).ThenBy(k => k.Member)
            .ToHashSet();
        ResolveAnswers();

        var pairs = PairsToRecompute(recompute);
        await EnsureLoadedAsync(pairs.SelectMany(p => new[] { (p.Group, p.Pair.FirstMemberId), (p.Group, p.Pair.SecondMemberId) }).Distinct().ToList(), ct);

        goalsByMember = goals.Values.ToLookup(g => (g.GroupId, g.MemberId));
        var memberSteps = recompute.Select(ComputeMember).ToList();
        var pairSteps = pairs.Select(p => ComputePair(p.Group, p.Pair, p.From)).ToList();
        Write(memberSteps, pairSteps);
        if (!context.IsRebuild && context.Through is { } through)
        {
            context.OnCommitted(() => memory.Keep(through, groups, people, goals, goalsLoadedFor));
        }
    }

    // ---- folding -------------------------------------------------------------------------------------------

    private void Fold(StoredEvent e)
    {
        var at = e.Timestamp.ToUniversalTime();
        switch (e.Data)
        {
            case GroupCreated x:
                if (Evolve(x.GroupId, x))
                {
                    SyncRoster(x.GroupId, x.CoachId);
                    Trigger(x.GroupId, x.CoachId, at);
                }

                break;
            case GroupTimeZoneChanged or GraceRuleChanged:
                var clockGroup = GroupIdOf(e.Data);
                if (Evolve(clockGroup, e.Data))
                {
                    foreach (var member in groups[clockGroup].ActiveMembers)
                    {
                        Trigger(clockGroup, member.MemberId, at);
                    }
                }

                break;
            case NumbersVisibilityChanged or LeaderboardRuleChanged:
                Evolve(GroupIdOf(e.Data), e.Data);
                break;
            case MemberJoined x:
                MembershipChanged(x.GroupId, x.MemberId, e.Data, at, trigger: true);
                break;
            case MemberReinstated x:
                MembershipChanged(x.GroupId, x.MemberId, e.Data, at, trigger: true);
                break;
            case MemberLeft x:
                MembershipChanged(x.GroupId, x.MemberId, e.Data, at, trigger: false);
                break;
            case MemberRemoved x:
                MembershipChanged(x.GroupId, x.MemberId, e.Data, at, trigger: false);
                break;
            case CoCoachAssigned x:
                MembershipChanged(x.GroupId, x.MemberId, e.Data, at, trigger: false);
                break;
            case CoCoachUnassigned x:
                MembershipChanged(x.GroupId, x.MemberId, e.Data, at, trigger: false);
                break;
            case LeaderboardOptedOut x:
                MembershipChanged(x.GroupId, x.MemberId, e.Data, at, trigger: false);
                break;
            case LeaderboardOptedIn x:
                MembershipChanged(x.GroupId, x.MemberId, e.Data, at, trigger: false);
                break;
            case CoachHandedOver x:
                if (Evolve(x.GroupId, x))
                {
                    SyncRoster(x.GroupId, x.PreviousCoachId);
                    SyncRoster(x.GroupId, x.NewCoachId);
                }

                break;
            case PartnersPaired x:
                if (Evolve(x.GroupId, x))
                {
                    pairTriggers[x.PairId] = Max(pairTriggers.GetValueOrDefault(x.PairId), at);
                    endedPairs.Remove(x.PairId);
                }

                break;
            case PartnersUnpaired x:
                if (Evolve(x.GroupId, x))
                {
                    endedPairs.Add(x.PairId);
                    pairTriggers.Remove(x.PairId);
                }

                break;
            case GoalSet or GoalRevised or GoalVisibilityChanged or GoalAchieved or GoalAbandoned
                or StreakCorrectionRequested or StreakCorrectionApproved or StreakCorrectionRejected:
                FoldGoal(e.Data, at);
                break;
            case CheckInPosted x:
                if (FoldGoal(x, at))
                {
                    var existing = checkIns.GetValueOrDefault((x.GoalId, x.Date));
                    checkIns[(x.GoalId, x.Date)] = new CheckInRow(
                        x.GoalId, x.Date, x.CheckInId, x.GroupId, x.MemberId, x.Done, x.Value, x.Note, x.Mood, x.Stuck, x.Answers,
                        existing?.PostedAt ?? x.PostedAt.ToUniversalTime(), existing?.AmendedAt);
                    AnswerNudges(x.GroupId, x.MemberId, x.PostedAt);
                }

                break;
            case CheckInAmended x:
                if (KeepsFigures(x) || FoldGoal(x, at))
                {
                    var existing = checkIns.GetValueOrDefault((x.GoalId, x.Date));
                    checkIns[(x.GoalId, x.Date)] = new CheckInRow(
                        x.GoalId, x.Date, x.CheckInId, x.GroupId, x.MemberId, x.Done, x.Value, x.Note, x.Mood, x.Stuck, x.Answers,
                        existing?.PostedAt ?? x.AmendedAt.ToUniversalTime(), x.AmendedAt.ToUniversalTime());
                    AnswerNudges(x.GroupId, x.MemberId, x.AmendedAt);
                }

                break;
            case TimeZoneChanged or PauseDeclared or PauseEnded:
                FoldPerson(e.Data, at);
                break;
            case NudgeSent x:
                FoldNudge(x);
                break;
            case CommentPosted x:
                if (groups.TryGetValue(x.GroupId, out var commentGroup))
                {
                    if (x.AuthorId != x.ItemAuthorId && (commentGroup.IsStaff(x.AuthorId) || commentGroup.ArePartners(x.AuthorId, x.ItemAuthorId)))
                    {
                        answerCandidates.Add((x.GroupId, x.ItemAuthorId, x.ItemId));
                        Trigger(x.GroupId, x.ItemAuthorId, at);
                    }

                    Interaction(x.GroupId, x.AuthorId, x.ItemAuthorId, x.PostedAt);
                }

                break;
            case KudosGiven x:
                Interaction(x.GroupId, x.GiverId, x.ItemAuthorId, x.GivenAt);
                break;
        }
    }

    /// <summary>
    /// Turns each goal this page folded into its stored form and back, once: every goal computed from then on is the
    /// one a row holds (ticks, no notes), whether it was folded here, loaded or kept from the previous page, so live
    /// pages and a rebuild compute the same figures.
    /// </summary>
    private void StoreChangedGoals()
    {
        foreach (var id in changedGoals)
        {
            var stored = GoalSnapshot.From(goals[id]);
            storedGoals[id] = stored;
            goals[id] = stored.ToGoal();
        }
    }

    private bool Evolve(Guid groupId, object @event)
    {
        var next = Group.Evolve(groups.GetValueOrDefault(groupId), @event);
        if (next is null)
        {
            return false;
        }

        groups[groupId] = next;
        changedGroups.Add(groupId);
        return true;
    }

    private void MembershipChanged(Guid groupId, Guid memberId, object @event, DateTimeOffset at, bool trigger)
    {
        if (!Evolve(groupId, @event))
        {
            return;
        }

        SyncRoster(groupId, memberId);
        touchedMembers.Add((groupId, memberId));
        if (trigger)
        {
            Trigger(groupId, memberId, at);
        }
    }

    private bool FoldGoal(object @event, DateTimeOffset at)
    {
        var goalId = @event switch
        {
            GoalSet x => x.GoalId,
            GoalRevised x => x.GoalId,
            GoalVisibilityChanged x => x.GoalId,
            GoalAchieved x => x.GoalId,
            GoalAbandoned x => x.GoalId,
            CheckInPosted x => x.GoalId,
            CheckInAmended x => x.GoalId,
            StreakCorrectionRequested x => x.GoalId,
            StreakCorrectionApproved x => x.GoalId,
            StreakCorrectionRejected x => x.GoalId,
            _ => Guid.Empty,
        };
        var next = Goal.Evolve(goals.GetValueOrDefault(goalId), @event);
        if (next is null)
        {
            return false;
        }

        goals[goalId] = next;
        changedGoals.Add(goalId);
        Trigger(next.GroupId, next.MemberId, at);
        return true;
    }

    /// <summary>
    /// Whether an amendment leaves every figure as it was: it keeps what the calculations read of the check-in in force
    /// (done, value, mood, shared; and neither version is stuck, since a stuck request counts from its version's
    /// instant), so only its note or answers differ. Such an amendment changes only the check-in's row: the goal, its
    /// stored form and its member's steps stay as they are. Decided per event from the goal's state, so live pages and
    /// a rebuild agree whatever their boundaries.
    /// </summary>
    private bool KeepsFigures(CheckInAmended x) =>
        !x.Stuck
        && goals.TryGetValue(x.GoalId, out var goal)
        && goal.CheckIns.TryGetValue(x.Date, out var checkIn)
        && checkIn.Current.Content is { Stuck: false } current
        && current.Done == x.Done && current.Value == x.Value && current.Mood == x.Mood && current.ShareToFeed == x.ShareToFeed;

    private void FoldPerson(object @event, DateTimeOffset at)
    {
        var memberId = @event switch
        {
            TimeZoneChanged x => x.MemberId,
            PauseDeclared x => x.MemberId,
            PauseEnded x => x.MemberId,
            _ => Guid.Empty,
        };
        var next = Member.Evolve(people.GetValueOrDefault(memberId), @event);
        if (next is null)
        {
            return;
        }

        people[memberId] = next;
        changedPeople.Add(memberId);

        // The person's calendar changed in every group they are in now.
        foreach (var row in roster.Values.Where(r => r.MemberId == memberId && r.Status == MembershipStatus.Active).ToList())
        {
            Trigger(row.GroupId, memberId, at);
        }
    }

    private void FoldNudge(NudgeSent nudge)
    {
        if (!groups.ContainsKey(nudge.GroupId))
        {
            return;
        }

        var sender = Row(nudge.GroupId, nudge.SenderId);
        sender.NudgesSent++;
        sender.Dirty = true;

        var receiver = Row(nudge.GroupId, nudge.ReceiverId);
        receiver.NudgesReceived++;
        var sentAt = nudge.SentAt.ToUniversalTime();
        receiver.OpenNudges.RemoveAll(n => n.SentAt < sentAt - NudgeAnswerWindow);
        receiver.OpenNudges.Add(new OpenNudge(nudge.NudgeId, nudge.SenderId, sentAt));
        receiver.Dirty = true;
        Interaction(nudge.GroupId, nudge.SenderId, nudge.ReceiverId, sentAt);
    }

    /// <summary>A check-in answers every nudge its member received in the window before it.</summary>
    private void AnswerNudges(Guid groupId, Guid memberId, DateTimeOffset checkedInAt)
    {
        if (!roster.TryGetValue((groupId, memberId), out var row) || row.OpenNudges.Count == 0)
        {
            return;
        }

        var at = checkedInAt.ToUniversalTime();
        var answered = row.OpenNudges.Where(n => n.SentAt <= at && n.SentAt >= at - NudgeAnswerWindow).ToList();
        row.OpenNudges.RemoveAll(n => n.SentAt < at - NudgeAnswerWindow || answered.Contains(n));
        row.NudgesReceivedAnswered += answered.Count;
        foreach (var nudge in answered)
        {
            sentAnswered[(groupId, nudge.SenderId)] = sentAnswered.GetValueOrDefault((groupId, nudge.SenderId)) + 1;
        }

        row.Dirty = true;
    }

    private void Interaction(Guid groupId, Guid a, Guid b, DateTimeOffset at)
    {
        if (a == b || !groups.TryGetValue(groupId, out var group))
        {
            return;
        }

        foreach (var pair in group.Pairs.Values.Where(p => p.Includes(a) && p.Includes(b)))
        {
            interactions[pair.PairId] = Max(interactions.GetValueOrDefault(pair.PairId), at.ToUniversalTime());
        }
    }

    private void Trigger(Guid groupId, Guid memberId, DateTimeOffset at) =>
        memberTriggers[(groupId, memberId)] = Max(memberTriggers.GetValueOrDefault((groupId, memberId)), at);

    private void SyncRoster(Guid groupId, Guid memberId)
    {
        if (groups[groupId].MembershipOf(memberId) is not { } membership)
        {
            return;
        }

        var row = Row(groupId, memberId);
        row.Role = membership.Role;
        row.Status = membership.Status;
        row.JoinedAt = membership.JoinedAt.ToUniversalTime();
        row.OptedOut = membership.RankOptedOut;
        row.Dirty = true;
    }

    /// <summary>The row, as loaded, or a new one that takes its roster fields from the group.</summary>
    private RosterRow Row(Guid groupId, Guid memberId)
    {
        if (roster.TryGetValue((groupId, memberId), out var row))
        {
            return row;
        }

        row = new RosterRow(groupId, memberId) { Dirty = true };
        if (groups.TryGetValue(groupId, out var group) && group.MembershipOf(memberId) is { } membership)
        {
            row.Role = membership.Role;
            row.Status = membership.Status;
            row.JoinedAt = membership.JoinedAt.ToUniversalTime();
            row.OptedOut = membership.RankOptedOut;
        }

        roster[(groupId, memberId)] = row;
        return row;
    }

    /// <summary>A comment by staff or a partner answers the stuck check-in it is on.</summary>
    private void ResolveAnswers()
    {
        foreach (var (groupId, authorId, itemId) in answerCandidates)
        {
            var isCheckIn = goals.Values.Any(g => g.GroupId == groupId && g.MemberId == authorId && g.CheckInDates.ContainsKey(itemId));
            if (isCheckIn && Row(groupId, authorId).AnsweredStuck.Add(itemId))
            {
                roster[(groupId, authorId)].Dirty = true;
            }
        }
    }

    private List<(Guid Group, PartnerPair Pair, DateTimeOffset From)> PairsToRecompute(HashSet<(Guid Group, Guid Member)> recompute)
    {
        var result = new Dictionary<Guid, (Guid Group, PartnerPair Pair, DateTimeOffset From)>();
        void Add(Guid groupId, PartnerPair pair, DateTimeOffset at)
        {
            var from = result.TryGetValue(pair.PairId, out var existing) ? Max(existing.From, at) : at;
            result[pair.PairId] = (groupId, pair, from);
        }

        foreach (var groupId in recompute.Select(k => k.Group).Distinct())
        {
            foreach (var pair in groups[groupId].Pairs.Values)
            {
                foreach (var member in new[] { pair.FirstMemberId, pair.SecondMemberId })
                {
                    if (memberTriggers.TryGetValue((groupId, member), out var at) && recompute.Contains((groupId, member)))
                    {
                        Add(groupId, pair, at);
                    }
                }
            }
        }

        foreach (var (pairId, at) in pairTriggers)
        {
            var owner = groups.Values.FirstOrDefault(g => g.Pairs.ContainsKey(pairId));
            if (owner is not null)
            {
                Add(owner.Id, owner.Pairs[pairId], at);
            }
        }

        return result.Values
            .Where(p => groups[p.Group].IsActiveMember(p.Pair.FirstMemberId) && groups[p.Group].IsActiveMember(p.Pair.SecondMemberId))
            .OrderBy(p => p.Pair.PairId)
            .ToList();
    }

    // ---- computing -----------------------------------------------------------------------------------------

    private MemberInputs Inputs(Guid groupId, Guid memberId)
    {
        var group = groups[groupId];
        var row = Row(groupId, memberId);
        var memberGoals = goalsByMember[(groupId, memberId)].ToList();
        return new MemberInputs(group, group.MembershipOf(memberId)!, people.GetValueOrDefault(memberId), memberGoals, row.AnsweredStuck);
    }

    private (RosterRow Row, List<Step<MemberFigures>> Steps) ComputeMember((Guid Group, Guid Member) key)
    {
        var from = memberTriggers[key];
        var inputs = Inputs(key.Group, key.Member);
        var steps = CohortCalculator.Steps([inputs.Clock], from)
            .Select(s => new Step<MemberFigures>(s.From, s.To, CohortCalculator.FiguresAt(inputs, s.From)))
            .ToList();
        var row = Row(key.Group, key.Member);
        row.ComputedAt = from;
        row.ValidTo = steps[^1].To;
        row.Dirty = true;
        return (row, steps);
    }

    private (Guid Group, PartnerPair Pair, DateTimeOffset From, List<Step<PairFigures>> Steps) ComputePair(Guid groupId, PartnerPair pair, DateTimeOffset from)
    {
        var first = Inputs(groupId, pair.FirstMemberId);
        var second = Inputs(groupId, pair.SecondMemberId);
        var steps = CohortCalculator.Steps([first.Clock, second.Clock], from)
            .Select(s => new Step<PairFigures>(s.From, s.To, CohortCalculator.PairAt(pair, first, second, s.From)))
            .ToList();
        return (groupId, pair, from, steps);
    }

    // ---- loading -------------------------------------------------------------------------------------------

    private async Task LoadForEventsAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var groupIds = new HashSet<Guid>();
        var goalIds = new HashSet<Guid>();
        var personIds = new HashSet<Guid>();
        var rowKeys = new HashSet<(Guid Group, Guid Member)>();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case GroupCreated x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.CoachId)); break;
                case MemberJoined x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case MemberLeft x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case MemberRemoved x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case MemberReinstated x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case CoCoachAssigned x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case CoCoachUnassigned x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case LeaderboardOptedOut x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case LeaderboardOptedIn x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case CoachHandedOver x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.PreviousCoachId)); rowKeys.Add((x.GroupId, x.NewCoachId)); break;
                case GroupTimeZoneChanged x: groupIds.Add(x.GroupId); break;
                case GraceRuleChanged x: groupIds.Add(x.GroupId); break;
                case NumbersVisibilityChanged x: groupIds.Add(x.GroupId); break;
                case LeaderboardRuleChanged x: groupIds.Add(x.GroupId); break;
                case PartnersPaired x: groupIds.Add(x.GroupId); break;
                case PartnersUnpaired x: groupIds.Add(x.GroupId); break;
                case GoalSet x: goalIds.Add(x.GoalId); groupIds.Add(x.GroupId); break;
                case GoalRevised x: goalIds.Add(x.GoalId); break;
                case GoalVisibilityChanged x: goalIds.Add(x.GoalId); break;
                case GoalAchieved x: goalIds.Add(x.GoalId); break;
                case GoalAbandoned x: goalIds.Add(x.GoalId); break;
                case CheckInPosted x: goalIds.Add(x.GoalId); groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case CheckInAmended x: goalIds.Add(x.GoalId); groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.MemberId)); break;
                case StreakCorrectionRequested x: goalIds.Add(x.GoalId); break;
                case StreakCorrectionApproved x: goalIds.Add(x.GoalId); break;
                case StreakCorrectionRejected x: goalIds.Add(x.GoalId); break;
                case TimeZoneChanged x: personIds.Add(x.MemberId); break;
                case PauseDeclared x: personIds.Add(x.MemberId); break;
                case PauseEnded x: personIds.Add(x.MemberId); break;
                case NudgeSent x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.SenderId)); rowKeys.Add((x.GroupId, x.ReceiverId)); break;
                case CommentPosted x: groupIds.Add(x.GroupId); rowKeys.Add((x.GroupId, x.ItemAuthorId)); break;
                case KudosGiven x: groupIds.Add(x.GroupId); break;
            }
        }

        // Whose figures these events change, known from the events alone: load their goals and calendars now, so that
        // pages of check-ins (most pages) need no second round trip before recomputing.
        var recomputed = new HashSet<(Guid Group, Guid Member)>();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case GoalSet x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case GoalRevised x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case GoalVisibilityChanged x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case GoalAchieved x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case GoalAbandoned x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case CheckInPosted x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case CheckInAmended x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case StreakCorrectionRequested x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case StreakCorrectionApproved x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case StreakCorrectionRejected x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case MemberJoined x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case MemberReinstated x: recomputed.Add((x.GroupId, x.MemberId)); break;
                case CommentPosted x: recomputed.Add((x.GroupId, x.ItemAuthorId)); break;
            }
        }

        // People whose own facts changed: every group they are in is recomputed, so all their rows are loaded.
        var rowsOfPeople = personIds.ToHashSet();
        rowKeys.UnionWith(recomputed);
        personIds.UnionWith(recomputed.Select(k => k.Member));
        await LoadAsync(groupIds, personIds, goalIds, recomputed, rowKeys, rowsOfPeople, ct);
    }

    /// <summary>Loads whatever the given members' computation still lacks: groups, people, all their goals in the group, roster rows.</summary>
    private async Task EnsureLoadedAsync(IReadOnlyCollection<(Guid Group, Guid Member)> members, CancellationToken ct)
    {
        var groupIds = members.Select(k => k.Group).Where(g => !triedGroups.Contains(g)).ToHashSet();
        var personIds = members.Select(k => k.Member).Where(m => !triedPeople.Contains(m)).ToHashSet();
        var goalsOf = members.Where(k => !goalsLoadedFor.Contains(k)).ToHashSet();
        var rowKeys = members.Where(k => !triedRows.Contains(k) && !rowsLoadedForMember.Contains(k.Member)).ToHashSet();
        if (groupIds.Count + personIds.Count + goalsOf.Count + rowKeys.Count > 0)
        {
            await LoadAsync(groupIds, personIds, [], goalsOf, rowKeys, [], ct);
        }
    }

    /// <summary>Takes the states the previous page left in memory and removes them from what is still to be read.</summary>
    private void TakeFromMemory(HashSet<Guid> groupIds, HashSet<Guid> personIds, HashSet<Guid> goalIds, HashSet<(Guid Group, Guid Member)> goalsOf)
    {
        if (kept is null)
        {
            return;
        }

        foreach (var id in groupIds.ToList())
        {
            if (kept.TryGroup(id, out var group))
            {
                groups.TryAdd(id, group);
                triedGroups.Add(id);
                groupIds.Remove(id);
            }
        }

        foreach (var id in personIds.ToList())
        {
            if (kept.TryPerson(id, out var person))
            {
                people.TryAdd(id, person);
                triedPeople.Add(id);
                personIds.Remove(id);
            }
        }

        // A goal folded in this page is newer than the one in memory, as it is newer than its row.
        foreach (var id in goalIds.ToList())
        {
            if (kept.TryGoal(id, out var goal))
            {
                goals.TryAdd(id, goal);
                goalIds.Remove(id);
            }
        }

        foreach (var key in goalsOf.ToList())
        {
            if (kept.GoalsOf(key) is { } all)
            {
                foreach (var goal in all)
                {
                    goals.TryAdd(goal.Id, goal);
                }

                goalsLoadedFor.Add(key);
                goalsOf.Remove(key);
            }
        }
    }

    private async Task LoadAsync(
        HashSet<Guid> groupIds,
        HashSet<Guid> personIds,
        HashSet<Guid> goalIds,
        HashSet<(Guid Group, Guid Member)> goalsOf,
        HashSet<(Guid Group, Guid Member)> rowKeys,
        HashSet<Guid> rowsOfMembers,
        CancellationToken ct)
    {
        groupIds.ExceptWith(triedGroups);
        personIds.ExceptWith(triedPeople);
        TakeFromMemory(groupIds, personIds, goalIds, goalsOf);
        await using var batch = new NpgsqlBatch(context.Connection, context.Transaction);

        var groupQuery = new NpgsqlBatchCommand($"SELECT group_id, state::text FROM {CohortTables.Groups} WHERE group_id = ANY($1)");
        groupQuery.Add(groupIds.ToArray());
        batch.BatchCommands.Add(groupQuery);

        var personQuery = new NpgsqlBatchCommand($"SELECT member_id, state::text FROM {CohortTables.People} WHERE member_id = ANY($1)");
        personQuery.Add(personIds.ToArray());
        batch.BatchCommands.Add(personQuery);

        var goalQuery = new NpgsqlBatchCommand(
            $"""
            SELECT g.goal_id, g.state::text FROM {CohortTables.Goals} g WHERE g.goal_id = ANY($1)
            UNION ALL
            SELECT g.goal_id, g.state::text FROM {CohortTables.Goals} g
              JOIN unnest($2::uuid[], $3::uuid[]) AS k(group_id, member_id) ON k.group_id = g.group_id AND k.member_id = g.member_id
            """);
        goalQuery.Add(goalIds.ToArray());
        goalQuery.Add(goalsOf.Select(k => k.Group).ToArray());
        goalQuery.Add(goalsOf.Select(k => k.Member).ToArray());
        batch.BatchCommands.Add(goalQuery);

        var rowQuery = new NpgsqlBatchCommand(
            $"""
            SELECT m.group_id, m.member_id, m.role, m.status, m.joined_at, m.opted_out, m.nudges_sent, m.nudges_sent_answered,
                   m.nudges_received, m.nudges_received_answered, m.open_nudges::text, m.answered_stuck::text, m.computed_at, m.valid_to
              FROM {CohortTables.Members} m
              JOIN unnest($1::uuid[], $2::uuid[]) AS k(group_id, member_id) ON k.group_id = m.group_id AND k.member_id = m.member_id
            UNION
            SELECT m.group_id, m.member_id, m.role, m.status, m.joined_at, m.opted_out, m.nudges_sent, m.nudges_sent_answered,
                   m.nudges_received, m.nudges_received_answered, m.open_nudges::text, m.answered_stuck::text, m.computed_at, m.valid_to
              FROM {CohortTables.Members} m WHERE m.member_id = ANY($3)
            """);
        rowQuery.Add(rowKeys.Select(k => k.Group).ToArray());
        rowQuery.Add(rowKeys.Select(k => k.Member).ToArray());
        rowQuery.Add(rowsOfMembers.ToArray());
        batch.BatchCommands.Add(rowQuery);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            groups.TryAdd(reader.GetGuid(0), ReadModelJson.Deserialize<Group>(reader.GetString(1)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            people.TryAdd(reader.GetGuid(0), ReadModelJson.Deserialize<Member>(reader.GetString(1)));
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            // A goal folded in this page is newer than its row.
            var goalId = reader.GetGuid(0);
            if (!goals.ContainsKey(goalId))
            {
                goals[goalId] = GoalSnapshot.FromJson(reader.GetString(1)).ToGoal();
            }
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = (reader.GetGuid(0), reader.GetGuid(1));
            if (roster.ContainsKey(key))
            {
                continue;
            }

            roster[key] = new RosterRow(key.Item1, key.Item2)
            {
                Role = (GroupRole)reader.GetInt16(2),
                Status = (MembershipStatus)reader.GetInt16(3),
                JoinedAt = reader.GetInstant(4),
                OptedOut = reader.GetBoolean(5),
                NudgesSent = reader.GetInt32(6),
                NudgesSentAnswered = reader.GetInt32(7),
                NudgesReceived = reader.GetInt32(8),
                NudgesReceivedAnswered = reader.GetInt32(9),
                OpenNudges = ReadModelJson.Deserialize<List<OpenNudge>>(reader.GetString(10)),
                AnsweredStuck = ReadModelJson.Deserialize<HashSet<Guid>>(reader.GetString(11)),
                ComputedAt = reader.GetNullableInstant(12),
                ValidTo = reader.GetNullableInstant(13),
            };
        }

        triedGroups.UnionWith(groupIds);
        triedPeople.UnionWith(personIds);
        goalsLoadedFor.UnionWith(goalsOf);
        triedRows.UnionWith(rowKeys);
        rowsLoadedForMember.UnionWith(rowsOfMembers);
    }

    // ---- writing -------------------------------------------------------------------------------------------

    private void Write(
        List<(RosterRow Row, List<Step<MemberFigures>> Steps)> memberSteps,
        List<(Guid Group, PartnerPair Pair, DateTimeOffset From, List<Step<PairFigures>> Steps)> pairSteps)
    {
        WriteGroups();
        WritePeople();
        WriteGoals();
        WriteCheckIns();

        // Members no longer active keep their row (exports, history) but lose their steps.
        foreach (var key in touchedMembers.Concat(memberTriggers.Keys).Distinct())
        {
            if (groups.TryGetValue(key.Group, out var group) && !group.IsActiveMember(key.Member) && roster.TryGetValue(key, out var row))
            {
                row.ComputedAt = null;
                row.ValidTo = null;
                row.Dirty = true;
                memberSteps.Add((row, []));
            }
        }

        WriteRoster();
        WriteSentAnswered();
        WriteMemberSteps(memberSteps);
        WritePairs(pairSteps);
    }

    private void WriteGroups()
    {
        if (changedGroups.Count == 0)
        {
            return;
        }

        var list = changedGroups.Select(id => groups[id]).ToList();
        var command = context.Enqueue(
            $"""
            INSERT INTO {CohortTables.Groups} (group_id, coach_id, numbers_visibility, rule_version, rule_basis, rule_minimum_due, state)
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::smallint[], $4::int[], $5::smallint[], $6::int[], $7::jsonb[])
            ON CONFLICT (group_id) DO UPDATE SET coach_id = excluded.coach_id, numbers_visibility = excluded.numbers_visibility,
                rule_version = excluded.rule_version, rule_basis = excluded.rule_basis, rule_minimum_due = excluded.rule_minimum_due, state = excluded.state
            """);
        command.Add(list.Select(g => g.Id).ToArray());
        command.Add(list.Select(g => g.CoachId).ToArray());
        command.Add(list.Select(g => (short)g.NumbersVisibility).ToArray());
        command.Add(list.Select(g => g.LeaderboardRule.Version).ToArray());
        command.Add(list.Select(g => (short)g.LeaderboardRule.Basis).ToArray());
        command.Add(list.Select(g => g.LeaderboardRule.MinimumDue).ToArray());
        command.AddJsonArray(list.Select(ReadModelJson.Serialize).ToArray());
    }

    private void WritePeople()
    {
        if (changedPeople.Count == 0)
        {
            return;
        }

        var list = changedPeople.Select(id => people[id]).ToList();
        var command = context.Enqueue(
            $"""
            INSERT INTO {CohortTables.People} (member_id, state) SELECT * FROM unnest($1::uuid[], $2::jsonb[])
            ON CONFLICT (member_id) DO UPDATE SET state = excluded.state
            """);
        command.Add(list.Select(p => p.Id).ToArray());
        command.AddJsonArray(list.Select(ReadModelJson.Serialize).ToArray());
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
            INSERT INTO {CohortTables.Goals} (goal_id, group_id, member_id, title, status, visibility, state)
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::smallint[], $6::smallint[], $7::json[])
            ON CONFLICT (goal_id) DO UPDATE SET title = excluded.title, status = excluded.status, visibility = excluded.visibility, state = excluded.state
            """);
        command.Add(list.Select(g => g.Id).ToArray());
        command.Add(list.Select(g => g.GroupId).ToArray());
        command.Add(list.Select(g => g.MemberId).ToArray());
        command.Add(list.Select(g => g.Title).ToArray());
        command.Add(list.Select(g => (short)g.Status).ToArray());
        command.Add(list.Select(g => (short)g.Visibility).ToArray());
        command.AddJsonArray(list.Select(g => storedGoals[g.Id].ToJson()).ToArray(), NpgsqlDbType.Json);
    }

    private void WriteCheckIns()
    {
        if (checkIns.Count == 0)
        {
            return;
        }

        var list = checkIns.Values.ToList();
        var command = context.Enqueue(
            $"""
            INSERT INTO {CohortTables.CheckIns} (goal_id, date, check_in_id, group_id, member_id, done, value, note, mood, stuck, answers, posted_at, amended_at)
            SELECT * FROM unnest($1::uuid[], $2::date[], $3::uuid[], $4::uuid[], $5::uuid[], $6::boolean[], $7::numeric[], $8::text[],
                                 $9::smallint[], $10::boolean[], $11::jsonb[], $12::timestamptz[], $13::timestamptz[])
            ON CONFLICT (goal_id, date) DO UPDATE SET check_in_id = excluded.check_in_id, done = excluded.done, value = excluded.value,
                note = excluded.note, mood = excluded.mood, stuck = excluded.stuck, answers = excluded.answers,
                posted_at = LEAST({CohortTables.CheckIns}.posted_at, excluded.posted_at), amended_at = excluded.amended_at
            """);
        command.Add(list.Select(c => c.GoalId).ToArray());
        command.Add(list.Select(c => c.Date).ToArray());
        command.Add(list.Select(c => c.CheckInId).ToArray());
        command.Add(list.Select(c => c.GroupId).ToArray());
        command.Add(list.Select(c => c.MemberId).ToArray());
        command.Add(list.Select(c => c.Done).ToArray());
        command.Add(list.Select(c => c.Value).ToArray());
        command.Add(list.Select(c => c.Note).ToArray());
        command.Add(list.Select(c => (short?)c.Mood).ToArray());
        command.Add(list.Select(c => c.Stuck).ToArray());
        command.AddJsonArray(list.Select(c => ReadModelJson.Serialize(c.Answers)).ToArray());
        command.AddInstants(list.Select(c => c.PostedAt));
        command.AddInstants(list.Select(c => c.AmendedAt));
    }

    private void WriteRoster()
    {
        var list = roster.Values.Where(r => r.Dirty && groups.TryGetValue(r.GroupId, out var g) && g.MembershipOf(r.MemberId) is not null).ToList();
        if (list.Count == 0)
        {
            return;
        }

        var command = context.Enqueue(
            $"""
            INSERT INTO {CohortTables.Members} (group_id, member_id, role, status, joined_at, opted_out, nudges_sent, nudges_sent_answered,
                nudges_received, nudges_received_answered, open_nudges, answered_stuck, computed_at, valid_to)
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::smallint[], $4::smallint[], $5::timestamptz[], $6::boolean[], $7::int[], $8::int[],
                                 $9::int[], $10::int[], $11::jsonb[], $12::jsonb[], $13::timestamptz[], $14::timestamptz[])
            ON CONFLICT (group_id, member_id) DO UPDATE SET role = excluded.role, status = excluded.status, joined_at = excluded.joined_at,
                opted_out = excluded.opted_out, nudges_sent = excluded.nudges_sent, nudges_sent_answered = excluded.nudges_sent_answered,
                nudges_received = excluded.nudges_received, nudges_received_answered = excluded.nudges_received_answered,
                open_nudges = excluded.open_nudges, answered_stuck = excluded.answered_stuck,
                computed_at = excluded.computed_at, valid_to = excluded.valid_to
            """);
        command.Add(list.Select(r => r.GroupId).ToArray());
        command.Add(list.Select(r => r.MemberId).ToArray());
        command.Add(list.Select(r => (short)r.Role).ToArray());
        command.Add(list.Select(r => (short)r.Status).ToArray());
        command.AddInstants(list.Select(r => r.JoinedAt));
        command.Add(list.Select(r => r.OptedOut).ToArray());
        command.Add(list.Select(r => r.NudgesSent).ToArray());
        command.Add(list.Select(r => r.NudgesSentAnswered).ToArray());
        command.Add(list.Select(r => r.NudgesReceived).ToArray());
        command.Add(list.Select(r => r.NudgesReceivedAnswered).ToArray());
        command.AddJsonArray(list.Select(r => ReadModelJson.Serialize(r.OpenNudges.OrderBy(n => n.SentAt).ThenBy(n => n.NudgeId))).ToArray());
        command.AddJsonArray(list.Select(r => ReadModelJson.Serialize(r.AnsweredStuck.Order())).ToArray());
        command.AddInstants(list.Select(r => r.ComputedAt));
        command.AddInstants(list.Select(r => r.ValidTo));
    }

    /// <summary>Answers to nudges sent by people whose rows this page did not load: counted in place.</summary>
    private void WriteSentAnswered()
    {
        if (sentAnswered.Count == 0)
        {
            return;
        }

        var list = sentAnswered.ToList();
        var command = context.Enqueue(
            $"""
            UPDATE {CohortTables.Members} m SET nudges_sent_answered = m.nudges_sent_answered + u.n
              FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS u(group_id, member_id, n)
             WHERE m.group_id = u.group_id AND m.member_id = u.member_id
            """);
        command.Add(list.Select(x => x.Key.Group).ToArray());
        command.Add(list.Select(x => x.Key.Member).ToArray());
        command.Add(list.Select(x => x.Value).ToArray());
    }

    private void WriteMemberSteps(List<(RosterRow Row, List<Step<MemberFigures>> Steps)> memberSteps)
    {
        if (memberSteps.Count == 0)
        {
            return;
        }

        var delete = context.Enqueue(
            $"""
            DELETE FROM {CohortTables.MemberSteps} s USING unnest($1::uuid[], $2::uuid[]) AS k(group_id, member_id)
             WHERE s.group_id = k.group_id AND s.member_id = k.member_id
            """);
        delete.Add(memberSteps.Select(m => m.Row.GroupId).ToArray());
        delete.Add(memberSteps.Select(m => m.Row.MemberId).ToArray());

        var rows = memberSteps.SelectMany(m => m.Steps.Select(s => (m.Row.GroupId, m.Row.MemberId, Step: s))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        StepRows.InsertMemberSteps(context.Enqueue(StepRows.InsertMemberStepsSql), rows);
    }

    private void WritePairs(List<(Guid Group, PartnerPair Pair, DateTimeOffset From, List<Step<PairFigures>> Steps)> pairSteps)
    {
        var ended = endedPairs.Where(id => !groups.Values.Any(g => g.Pairs.ContainsKey(id))).ToArray();
        if (ended.Length > 0)
        {
            var command = context.Enqueue($"DELETE FROM {CohortTables.PairSteps} WHERE pair_id = ANY($1); DELETE FROM {CohortTables.Pairs} WHERE pair_id = ANY($1)");
            command.Add(ended);
        }

        if (pairSteps.Count > 0)
        {
            var upsert = context.Enqueue(
                $"""
                INSERT INTO {CohortTables.Pairs} (pair_id, group_id, first_member_id, second_member_id, paired_at, computed_at, valid_to)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
                ON CONFLICT (pair_id) DO UPDATE SET computed_at = excluded.computed_at, valid_to = excluded.valid_to
                """);
            upsert.Add(pairSteps.Select(p => p.Pair.PairId).ToArray());
            upsert.Add(pairSteps.Select(p => p.Group).ToArray());
            upsert.Add(pairSteps.Select(p => p.Pair.FirstMemberId).ToArray());
            upsert.Add(pairSteps.Select(p => p.Pair.SecondMemberId).ToArray());
            upsert.AddInstants(pairSteps.Select(p => p.Pair.PairedAt.ToUniversalTime()));
            upsert.AddInstants(pairSteps.Select(p => p.From));
            upsert.AddInstants(pairSteps.Select(p => p.Steps[^1].To));

            var delete = context.Enqueue($"DELETE FROM {CohortTables.PairSteps} WHERE pair_id = ANY($1)");
            delete.Add(pairSteps.Select(p => p.Pair.PairId).ToArray());

            var rows = pairSteps.SelectMany(p => p.Steps.Select(s => (p.Pair.PairId, Step: s))).ToList();
            StepRows.InsertPairSteps(context.Enqueue(StepRows.InsertPairStepsSql), rows);
        }

        var touched = interactions.Where(i => !ended.Contains(i.Key)).ToList();
        if (touched.Count > 0)
        {
            var command = context.Enqueue(
                $"""
                UPDATE {CohortTables.Pairs} p SET last_interaction_at = GREATEST(p.last_interaction_at, u.at)
                  FROM unnest($1::uuid[], $2::timestamptz[]) AS u(pair_id, at) WHERE p.pair_id = u.pair_id
                """);
            command.Add(touched.Select(i => i.Key).ToArray());
            command.AddInstants(touched.Select(i => i.Value));
        }
    }

    private static Guid GroupIdOf(object @event) => @event switch
    {
        GroupTimeZoneChanged x => x.GroupId,
        GraceRuleChanged x => x.GroupId,
        NumbersVisibilityChanged x => x.GroupId,
        LeaderboardRuleChanged x => x.GroupId,
        _ => Guid.Empty,
    };

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
