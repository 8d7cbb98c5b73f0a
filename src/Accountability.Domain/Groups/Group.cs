using System.Collections.Immutable;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Time;

namespace Accountability.Domain.Groups;

/// <summary>One person's place in a group.</summary>
public sealed record Membership(
    Guid MemberId,
    GroupRole Role,
    MembershipStatus Status,
    DateTimeOffset JoinedAt,
    DateTimeOffset? MutedUntil = null,
    bool RankOptedOut = false)
{
    public bool IsActive => Status == MembershipStatus.Active;

    /// <summary>Coach or co-coach, and still active.</summary>
    public bool IsStaff => IsActive && Role is GroupRole.Coach or GroupRole.CoCoach;

    public bool IsMutedAt(DateTimeOffset at) => MutedUntil is { } until && until > at;
}

public sealed record PartnerPair(Guid PairId, Guid FirstMemberId, Guid SecondMemberId, DateTimeOffset PairedAt)
{
    public bool Includes(Guid memberId) => FirstMemberId == memberId || SecondMemberId == memberId;

    public Guid PartnerOf(Guid memberId) => FirstMemberId == memberId ? SecondMemberId : FirstMemberId;
}

public sealed record InviteCode(string Code, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt)
{
    public bool IsExpiredAt(DateTimeOffset at) => ExpiresAt is { } expires && expires <= at;
}

public sealed record HiddenContent(Guid Id, string Reason, Guid HiddenBy, DateTimeOffset HiddenAt);

/// <summary>The state of a cohort, folded from its group stream.</summary>
public sealed record Group(
    Guid Id,
    Guid CoachId,
    string Name,
    string Description,
    string TimeZoneId,
    IReadOnlyList<CheckInPrompt> Prompts,
    int GraceMinutes,
    NumbersVisibility NumbersVisibility,
    LeaderboardRule LeaderboardRule,
    DateTimeOffset CreatedAt)
{
    public InviteCode? Invite { get; init; }

    public ImmutableDictionary<Guid, Membership> Roster { get; init; } = ImmutableDictionary<Guid, Membership>.Empty;

    public ImmutableDictionary<Guid, PartnerPair> Pairs { get; init; } = ImmutableDictionary<Guid, PartnerPair>.Empty;

    /// <summary>Partner requests already accepted or declined, so an answer is given once.</summary>
    public ImmutableDictionary<Guid, bool> AnsweredPartnerRequests { get; init; } = ImmutableDictionary<Guid, bool>.Empty;

    public ImmutableDictionary<Guid, HiddenContent> HiddenItems { get; init; } = ImmutableDictionary<Guid, HiddenContent>.Empty;

    public ImmutableDictionary<Guid, HiddenContent> HiddenComments { get; init; } = ImmutableDictionary<Guid, HiddenContent>.Empty;

    /// <summary>When staff last reviewed an item's reports (restore or dismiss); only later reports count towards a hold.</summary>
    public ImmutableDictionary<Guid, DateTimeOffset> ItemReviews { get; init; } = ImmutableDictionary<Guid, DateTimeOffset>.Empty;

    public ImmutableHashSet<Guid> Announcements { get; init; } = [];

    public ImmutableHashSet<Guid> RecordedWins { get; init; } = [];

    /// <summary>The default zone over time (the first span applies from the beginning).</summary>
    public ImmutableList<ZoneSpan> ZoneHistory { get; init; } = [];

    /// <summary>The grace rule over time, by the instant each version took effect.</summary>
    public ImmutableList<GraceSpan> GraceHistory { get; init; } = [];

    public ImmutableList<LeaderboardRuleVersion> LeaderboardRuleHistory { get; init; } = [];

    public Membership? MembershipOf(Guid memberId) => Roster.GetValueOrDefault(memberId);

    public bool IsActiveMember(Guid memberId) => MembershipOf(memberId)?.IsActive == true;

    public bool IsStaff(Guid memberId) => MembershipOf(memberId)?.IsStaff == true;

    public IEnumerable<Membership> ActiveMembers => Roster.Values.Where(m => m.IsActive);

    public IEnumerable<PartnerPair> PairsOf(Guid memberId) => Pairs.Values.Where(p => p.Includes(memberId));

    public bool ArePartners(Guid a, Guid b) => a != b && Pairs.Values.Any(p => p.Includes(a) && p.Includes(b));

    /// <summary>The leaderboard rule that was in effect at an instant, for "as of" boards.</summary>
    public LeaderboardRule LeaderboardRuleAt(DateTimeOffset at) =>
        LeaderboardRuleHistory.LastOrDefault(v => v.EffectiveAt <= at)?.Rule ?? LeaderboardRuleHistory[0].Rule;

    public static Group? Evolve(Group? state, object @event) => @event switch
    {
        GroupCreated e => Create(e),
        _ when state is null => null,
        _ => state.Apply(@event),
    };

    private static Group Create(GroupCreated e) => new(
        e.GroupId,
        e.CoachId,
        e.Name,
        e.Description,
        e.TimeZoneId,
        e.Prompts,
        e.GraceMinutes,
        e.NumbersVisibility,
        e.LeaderboardRule,
        e.CreatedAt)
    {
        Roster = ImmutableDictionary<Guid, Membership>.Empty.Add(
            e.CoachId,
            new Membership(e.CoachId, GroupRole.Coach, MembershipStatus.Active, e.CreatedAt)),
        ZoneHistory = [new ZoneSpan(DateTimeOffset.MinValue, e.TimeZoneId)],
        GraceHistory = [new GraceSpan(DateTimeOffset.MinValue, e.GraceMinutes)],
        LeaderboardRuleHistory = [new LeaderboardRuleVersion(e.LeaderboardRule, DateTimeOffset.MinValue)],
    };

    private Group Apply(object @event) => @event switch
    {
        GroupDetailsChanged e => this with { Name = e.Name, Description = e.Description },
        GroupTimeZoneChanged e => this with { TimeZoneId = e.TimeZoneId, ZoneHistory = ZoneHistory.Add(new ZoneSpan(e.ChangedAt, e.TimeZoneId)) },
        CheckInPromptsChanged e => this with { Prompts = e.Prompts },
        GraceRuleChanged e => this with { GraceMinutes = e.GraceMinutes, GraceHistory = GraceHistory.Add(new GraceSpan(e.ChangedAt, e.GraceMinutes)) },
        NumbersVisibilityChanged e => this with { NumbersVisibility = e.NumbersVisibility },
        LeaderboardRuleChanged e => WithRule(new LeaderboardRule(e.Version, e.Basis, e.MinimumDue), e.ChangedAt),
        InviteCodeIssued e => this with { Invite = new InviteCode(e.Code, e.IssuedAt, e.ExpiresAt) },
        InviteCodeRevoked => this with { Invite = null },
        MemberJoined e => this with
        {
            Roster = Roster.SetItem(e.MemberId, new Membership(e.MemberId, GroupRole.Member, MembershipStatus.Active, e.JoinedAt,
                RankOptedOut: MembershipOf(e.MemberId)?.RankOptedOut ?? false)),
        },
        MemberLeft e => Update(e.MemberId, m => m with { Status = MembershipStatus.Left, Role = GroupRole.Member, MutedUntil = null }),
        MemberRemoved e => Update(e.MemberId, m => m with { Status = MembershipStatus.Removed, Role = GroupRole.Member, MutedUntil = null }),
        MemberReinstated e => Update(e.MemberId, m => m with { Status = MembershipStatus.Active, Role = GroupRole.Member }),
        CoCoachAssigned e => Update(e.MemberId, m => m with { Role = GroupRole.CoCoach }),
        CoCoachUnassigned e => Update(e.MemberId, m => m with { Role = GroupRole.Member }),
        CoachHandedOver e => (this with { CoachId = e.NewCoachId })
            .Update(e.PreviousCoachId, m => m with { Role = GroupRole.CoCoach })
            .Update(e.NewCoachId, m => m with { Role = GroupRole.Coach, MutedUntil = null }),
        PartnersPaired e => this with
        {
            Pairs = Pairs.SetItem(e.PairId, new PartnerPair(e.PairId, e.FirstMemberId, e.SecondMemberId, e.PairedAt)),
            AnsweredPartnerRequests = e.RequestId is { } requestId ? AnsweredPartnerRequests.SetItem(requestId, true) : AnsweredPartnerRequests,
        },
        PartnersUnpaired e => this with { Pairs = Pairs.Remove(e.PairId) },
        PartnerRequestDeclined e => this with { AnsweredPartnerRequests = AnsweredPartnerRequests.SetItem(e.RequestId, false) },
        AnnouncementPosted e => this with { Announcements = Announcements.Add(e.AnnouncementId) },
        FeedItemHidden e => this with { HiddenItems = HiddenItems.SetItem(e.ItemId, new HiddenContent(e.ItemId, e.Reason, e.HiddenBy, e.HiddenAt)) },
        FeedItemRestored e => this with { HiddenItems = HiddenItems.Remove(e.ItemId), ItemReviews = ItemReviews.SetItem(e.ItemId, e.RestoredAt) },
        FeedItemReportsDismissed e => this with { ItemReviews = ItemReviews.SetItem(e.ItemId, e.DismissedAt) },
        CommentHidden e => this with { HiddenComments = HiddenComments.SetItem(e.CommentId, new HiddenContent(e.CommentId, e.Reason, e.HiddenBy, e.HiddenAt)) },
        CommentRestored e => this with { HiddenComments = HiddenComments.Remove(e.CommentId) },
        MemberMuted e => Update(e.MemberId, m => m with { MutedUntil = e.MutedUntil }),
        MemberUnmuted e => Update(e.MemberId, m => m with { MutedUntil = null }),
        LeaderboardOptedOut e => Update(e.MemberId, m => m with { RankOptedOut = true }),
        LeaderboardOptedIn e => Update(e.MemberId, m => m with { RankOptedOut = false }),
        GroupWinRecorded e => this with { RecordedWins = RecordedWins.Add(e.WinId) },
        _ => this,
    };

    private Group WithRule(LeaderboardRule rule, DateTimeOffset at) =>
        this with { LeaderboardRule = rule, LeaderboardRuleHistory = LeaderboardRuleHistory.Add(new LeaderboardRuleVersion(rule, at)) };

    private Group Update(Guid memberId, Func<Membership, Membership> change) =>
        Roster.TryGetValue(memberId, out var membership)
            ? this with { Roster = Roster.SetItem(memberId, change(membership)) }
            : this;
}
