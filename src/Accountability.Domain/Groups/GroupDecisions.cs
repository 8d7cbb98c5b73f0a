using Accountability.Domain.Common;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Members;
using Accountability.Domain.Partners;
using Accountability.Domain.Time;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Groups;

/// <summary>
/// Pure decisions on a group stream: (command, state, actor, now) -> new events, or a <see cref="DomainException"/>.
/// Retried commands that would change nothing return no events.
/// </summary>
public static class GroupDecisions
{
    public const int MaxActiveMembers = 500;
    public const int MaxCoCoaches = 10;
    public const int AnnouncementMaxLength = 2000;
    public static readonly TimeSpan MinInviteLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxInviteLifetime = TimeSpan.FromDays(90);
    public static readonly TimeSpan MinMute = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxMute = TimeSpan.FromDays(30);

    public static IReadOnlyList<object> Decide(CreateGroup command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        now = now.Utc();
        if (state is not null)
        {
            return state.CoachId == actor && state.Name == command.Name?.Trim()
                ? []
                : throw Refuse.Conflict(GroupAlreadyExists, "Group already exists", "A group with this id already exists.");
        }

        var errors = new FieldErrors();
        var name = GroupRules.ValidateName(errors, command.Name);
        var description = GroupRules.ValidateDescription(errors, command.Description);
        GroupRules.ValidateTimeZone(errors, command.TimeZoneId);
        var prompts = GroupRules.ValidatePrompts(errors, command.Prompts);
        var grace = command.GraceMinutes ?? GraceRules.DefaultMinutes;
        GroupRules.ValidateGrace(errors, grace);
        var visibility = command.NumbersVisibility ?? NumbersVisibility.AggregateOnly;
        GroupRules.ValidateNumbersVisibility(errors, visibility);
        var basis = command.LeaderboardBasis ?? LeaderboardRule.Default.Basis;
        var minimum = command.LeaderboardMinimumDue ?? LeaderboardRule.Default.MinimumDue;
        ValidateLeaderboardRule(errors, basis, minimum);
        errors.ThrowIfAny();

        return
        [
            new GroupCreated(command.GroupId, actor, name, description, command.TimeZoneId, prompts, grace, visibility,
                new LeaderboardRule(1, basis, minimum), now),
        ];
    }

    public static IReadOnlyList<object> Decide(ChangeGroupSettings command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireCoach(group, actor);
        now = now.Utc();

        var errors = new FieldErrors();
        var name = command.Name is null ? group.Name : GroupRules.ValidateName(errors, command.Name);
        var description = command.Description is null ? group.Description : GroupRules.ValidateDescription(errors, command.Description);
        if (command.TimeZoneId is not null)
        {
            GroupRules.ValidateTimeZone(errors, command.TimeZoneId);
        }

        var prompts = command.Prompts is null ? null : GroupRules.ValidatePrompts(errors, command.Prompts);
        if (command.GraceMinutes is { } grace)
        {
            GroupRules.ValidateGrace(errors, grace);
        }

        if (command.NumbersVisibility is { } level)
        {
            GroupRules.ValidateNumbersVisibility(errors, level);
        }

        errors.ThrowIfAny();

        var events = new List<object>();
        if (name != group.Name || description != group.Description)
        {
            events.Add(new GroupDetailsChanged(group.Id, name, description, actor, now));
        }

        if (command.TimeZoneId is { } zone && zone != group.TimeZoneId)
        {
            events.Add(new GroupTimeZoneChanged(group.Id, zone, group.TimeZoneId, actor, now));
        }

        if (prompts is not null && !prompts.SequenceEqual(group.Prompts))
        {
            events.Add(new CheckInPromptsChanged(group.Id, prompts, actor, now));
        }

        if (command.GraceMinutes is { } newGrace && newGrace != group.GraceMinutes)
        {
            events.Add(new GraceRuleChanged(group.Id, newGrace, actor, now));
        }

        if (command.NumbersVisibility is { } newLevel && newLevel != group.NumbersVisibility)
        {
            events.Add(new NumbersVisibilityChanged(group.Id, newLevel, actor, now));
        }

        return events;
    }

    public static IReadOnlyList<object> Decide(ChangeLeaderboardRule command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireCoach(group, actor);
        var errors = new FieldErrors();
        ValidateLeaderboardRule(errors, command.Basis, command.MinimumDue);
        errors.ThrowIfAny();

        var current = group.LeaderboardRule;
        if (current.Basis == command.Basis && current.MinimumDue == command.MinimumDue)
        {
            return [];
        }

        return [new LeaderboardRuleChanged(group.Id, current.Version + 1, command.Basis, command.MinimumDue, actor, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(IssueInviteCode command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireStaff(group, actor);
        now = now.Utc();
        if (!InviteCodes.IsWellFormed(command.Code))
        {
            throw Refuse.Validation(InviteCodeMalformed, "Invite code malformed", $"An invite code has {InviteCodes.Length} characters from '{InviteCodes.Alphabet}'.", "code");
        }

        if (command.ExpiresAt is { } expires && (expires < now + MinInviteLifetime || expires > now + MaxInviteLifetime))
        {
            throw Refuse.Validation(InviteExpiryOutOfRange, "Expiry out of range", $"An invite code must stay valid for between {MinInviteLifetime.TotalHours:0} hour and {MaxInviteLifetime.TotalDays:0} days.", "expiresAt");
        }

        var code = InviteCodes.Normalize(command.Code);
        if (group.Invite is { } current && current.Code == code && current.ExpiresAt == command.ExpiresAt?.Utc())
        {
            return [];
        }

        return [new InviteCodeIssued(group.Id, code, command.ExpiresAt?.Utc(), actor, now)];
    }

    public static IReadOnlyList<object> Decide(RevokeInviteCode command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireStaff(group, actor);
        return group.Invite is null ? [] : [new InviteCodeRevoked(group.Id, actor, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(JoinGroup command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        now = now.Utc();
        var membership = group.MembershipOf(actor);
        if (membership is { Status: MembershipStatus.Active })
        {
            return [];
        }

        if (membership is { Status: MembershipStatus.Removed })
        {
            throw Refuse.Forbidden(GroupMemberRemoved, "Removed from the group", "You were removed from this group; only the coach can let you back in.");
        }

        if (group.Invite is not { } invite || invite.Code != InviteCodes.Normalize(command.InviteCode))
        {
            throw Refuse.NotFound(InviteCodeInvalid, "Invite code not valid", "This invite code does not open any group. Ask your coach for the current one.");
        }

        if (invite.IsExpiredAt(now))
        {
            throw Refuse.Validation(InviteCodeExpired, "Invite code expired", $"This invite code expired at {invite.ExpiresAt:u}. Ask your coach for a new one.", "inviteCode");
        }

        if (group.ActiveMembers.Count() >= MaxActiveMembers)
        {
            throw Refuse.Conflict(GroupFull, "Group is full", $"A group holds at most {MaxActiveMembers} active members.");
        }

        return [new MemberJoined(group.Id, actor, now)];
    }

    public static IReadOnlyList<object> Decide(LeaveGroup command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        if (group.MembershipOf(actor) is { Status: MembershipStatus.Left })
        {
            return [];
        }

        var membership = GroupRules.RequireActiveMember(group, actor);
        if (membership.Role == GroupRole.Coach)
        {
            throw Refuse.Conflict(GroupCoachCannotLeave, "Hand the group over first", "The coach cannot leave a group without handing it over to another member, so no cohort is left unmoderated.");
        }

        now = now.Utc();
        return [new MemberLeft(group.Id, actor, now), .. Unpair(group, actor, PartnershipEndReason.MemberLeft, actor, now)];
    }

    public static IReadOnlyList<object> Decide(RemoveMember command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        var staff = GroupRules.RequireStaff(group, actor);
        var target = GroupRules.RequireTarget(group, command.MemberId);
        GroupRules.RequireCanModerate(staff, target);
        if (target.Status == MembershipStatus.Removed)
        {
            return [];
        }

        var reason = GroupRules.RequireReason(command.Reason);
        now = now.Utc();
        return
        [
            new MemberRemoved(group.Id, target.MemberId, reason, actor, now),
            .. Unpair(group, target.MemberId, PartnershipEndReason.MemberRemoved, actor, now),
        ];
    }

    public static IReadOnlyList<object> Decide(ReinstateMember command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireCoach(group, actor);
        var target = GroupRules.RequireTarget(group, command.MemberId);
        return target.Status switch
        {
            MembershipStatus.Removed => [new MemberReinstated(group.Id, target.MemberId, actor, now.Utc())],
            _ => throw Refuse.Conflict(GroupMemberNotRemoved, "Not removed", "Only a removed member can be reinstated."),
        };
    }

    public static IReadOnlyList<object> Decide(AssignCoCoach command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        var coach = GroupRules.RequireCoach(group, actor);
        var target = GroupRules.RequireTarget(group, command.MemberId);
        if (target.MemberId == coach.MemberId)
        {
            throw Refuse.Validation(GroupCannotTargetSelf, "Not on yourself", "The coach is already the coach.", "memberId");
        }

        if (!target.IsActive)
        {
            throw Refuse.Conflict(GroupMemberNotActive, "Member not active", "Only an active member can become a co-coach.");
        }

        if (target.Role == GroupRole.CoCoach)
        {
            return [];
        }

        if (group.ActiveMembers.Count(m => m.Role == GroupRole.CoCoach) >= MaxCoCoaches)
        {
            throw Refuse.Conflict(GroupTooManyCoCoaches, "Too many co-coaches", $"A group can have at most {MaxCoCoaches} co-coaches.");
        }

        return [new CoCoachAssigned(group.Id, target.MemberId, actor, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(UnassignCoCoach command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireCoach(group, actor);
        var target = GroupRules.RequireTarget(group, command.MemberId);
        return target.Role == GroupRole.CoCoach ? [new CoCoachUnassigned(group.Id, target.MemberId, actor, now.Utc())] : [];
    }

    public static IReadOnlyList<object> Decide(HandOverCoaching command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireCoach(group, actor);
        var target = GroupRules.RequireTarget(group, command.NewCoachId);
        if (target.MemberId == actor)
        {
            return [];
        }

        if (!target.IsActive)
        {
            throw Refuse.Conflict(GroupMemberNotActive, "Member not active", "The group can only be handed to an active member.");
        }

        return [new CoachHandedOver(group.Id, actor, target.MemberId, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(AssignPartners command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireStaff(group, actor);
        if (group.Pairs.TryGetValue(command.PairId, out var existing))
        {
            return existing.Includes(command.FirstMemberId) && existing.Includes(command.SecondMemberId)
                ? []
                : throw Refuse.Conflict(PartnersAlreadyPaired, "Pair id in use", "This pair id already belongs to another pair.");
        }

        PartnerRules.RequirePairable(group, command.FirstMemberId, command.SecondMemberId);
        return [new PartnersPaired(group.Id, command.PairId, command.FirstMemberId, command.SecondMemberId, null, actor, now.Utc())];
    }

    /// <param name="request">The request as folded on the requester's member stream (null when not found there).</param>
    public static IReadOnlyList<object> Decide(AcceptPartnerRequest command, Group? state, PartnerRequest? request, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        now = now.Utc();
        var answerable = RequireAnswerable(group, request, command.RequestId, actor, now);
        if (group.AnsweredPartnerRequests.TryGetValue(answerable.RequestId, out var accepted))
        {
            return accepted
                ? []
                : throw Refuse.Conflict(PartnersRequestAlreadyAnswered, "Already declined", "You already declined this request.");
        }

        RequireNotExpired(answerable, now);
        PartnerRules.RequirePairable(group, answerable.RequesterId, answerable.TargetId);
        return [new PartnersPaired(group.Id, command.PairId, answerable.RequesterId, answerable.TargetId, answerable.RequestId, actor, now)];
    }

    public static IReadOnlyList<object> Decide(DeclinePartnerRequest command, Group? state, PartnerRequest? request, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        now = now.Utc();
        var answerable = RequireAnswerable(group, request, command.RequestId, actor, now);
        if (group.AnsweredPartnerRequests.TryGetValue(answerable.RequestId, out var accepted))
        {
            return accepted
                ? throw Refuse.Conflict(PartnersRequestAlreadyAnswered, "Already accepted", "You already accepted this request; end the partnership instead.")
                : [];
        }

        return [new PartnerRequestDeclined(group.Id, answerable.RequestId, answerable.RequesterId, answerable.TargetId, now)];
    }

    public static IReadOnlyList<object> Decide(EndPartnership command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        var membership = GroupRules.RequireActiveMember(group, actor);
        if (!group.Pairs.TryGetValue(command.PairId, out var pair))
        {
            throw Refuse.NotFound(PartnersPairNotFound, "Partnership not found", "There is no such partnership in this group.");
        }

        PartnershipEndReason reason;
        if (pair.Includes(actor))
        {
            reason = PartnershipEndReason.EndedByMember;
        }
        else if (membership.IsStaff)
        {
            reason = PartnershipEndReason.EndedByCoach;
        }
        else
        {
            throw Refuse.Forbidden(PartnersNotInPair, "Not your partnership", "Only the two partners or the group's coaches can end a partnership.");
        }

        return [new PartnersUnpaired(group.Id, pair.PairId, pair.FirstMemberId, pair.SecondMemberId, reason, actor, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(PostAnnouncement command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        var staff = GroupRules.RequireStaff(group, actor);
        now = now.Utc();
        if (group.Announcements.Contains(command.AnnouncementId))
        {
            return [];
        }

        RequireNotMuted(staff, now);
        var errors = new FieldErrors();
        var text = errors.Required(command.Text, "text", AnnouncementMaxLength, FeedAnnouncementTextRequired, FeedAnnouncementTooLong, "Announcement");
        errors.ThrowIfAny();
        return [new AnnouncementPosted(group.Id, command.AnnouncementId, text, actor, now)];
    }

    public static IReadOnlyList<object> Decide(HideFeedItem command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireStaff(group, actor);
        if (group.HiddenItems.ContainsKey(command.ItemId))
        {
            return [];
        }

        var reason = GroupRules.RequireReason(command.Reason);
        return [new FeedItemHidden(group.Id, command.ItemId, reason, actor, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(RestoreFeedItem command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireStaff(group, actor);
        return group.HiddenItems.ContainsKey(command.ItemId)
            ? [new FeedItemRestored(group.Id, command.ItemId, actor, now.Utc())]
            : throw Refuse.Conflict(FeedItemNotHidden, "Not hidden", "This item is not hidden; to keep a reported item, dismiss its reports.");
    }

    public static IReadOnlyList<object> Decide(DismissReports command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireStaff(group, actor);
        return group.HiddenItems.ContainsKey(command.ItemId)
            ? throw Refuse.Conflict(FeedItemWasHidden, "Item is hidden", "This item is hidden; restore it to show it again.")
            : [new FeedItemReportsDismissed(group.Id, command.ItemId, actor, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(HideComment command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireStaff(group, actor);
        if (group.HiddenComments.ContainsKey(command.CommentId))
        {
            return [];
        }

        var reason = GroupRules.RequireReason(command.Reason);
        return [new CommentHidden(group.Id, command.CommentId, reason, actor, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(RestoreComment command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        GroupRules.RequireStaff(group, actor);
        return group.HiddenComments.ContainsKey(command.CommentId)
            ? [new CommentRestored(group.Id, command.CommentId, actor, now.Utc())]
            : throw Refuse.Conflict(FeedCommentNotHidden, "Not hidden", "This comment is not hidden.");
    }

    public static IReadOnlyList<object> Decide(MuteMember command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        var staff = GroupRules.RequireStaff(group, actor);
        var target = GroupRules.RequireTarget(group, command.MemberId);
        GroupRules.RequireCanModerate(staff, target);
        if (!target.IsActive)
        {
            throw Refuse.Conflict(GroupMemberNotActive, "Member not active", "Only an active member can be muted.");
        }

        now = now.Utc();
        var until = command.Until.Utc();
        if (until < now + MinMute || until > now + MaxMute)
        {
            throw Refuse.Validation(ModerationMuteOutOfRange, "Mute length out of range", $"A mute lasts between {MinMute.TotalMinutes:0} minutes and {MaxMute.TotalDays:0} days; remove the member for longer.", "until");
        }

        var reason = GroupRules.RequireReason(command.Reason);
        return [new MemberMuted(group.Id, target.MemberId, until, reason, actor, now)];
    }

    public static IReadOnlyList<object> Decide(UnmuteMember command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        var staff = GroupRules.RequireStaff(group, actor);
        var target = GroupRules.RequireTarget(group, command.MemberId);
        GroupRules.RequireCanModerate(staff, target);
        now = now.Utc();
        return target.IsMutedAt(now) ? [new MemberUnmuted(group.Id, target.MemberId, actor, now)] : [];
    }

    public static IReadOnlyList<object> Decide(OptOutOfLeaderboard command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        var membership = GroupRules.RequireActiveMember(group, actor);
        return membership.RankOptedOut ? [] : [new LeaderboardOptedOut(group.Id, actor, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(OptIntoLeaderboard command, Group? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        var membership = GroupRules.RequireActiveMember(group, actor);
        return membership.RankOptedOut ? [new LeaderboardOptedIn(group.Id, actor, now.Utc())] : [];
    }

    /// <summary>Recorded by the system (no acting member); idempotent by win id.</summary>
    public static IReadOnlyList<object> Decide(RecordGroupWin command, Group? state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var group = GroupRules.Require(state);
        var win = command.Win;
        if (win.GroupId != group.Id)
        {
            throw new ArgumentException("The win belongs to another group.", nameof(command));
        }

        return group.RecordedWins.Contains(win.WinId)
            ? []
            : [new GroupWinRecorded(group.Id, win.WinId, win.Kind, win.Value, win.Date, win.Summary, now.Utc())];
    }

    internal static void RequireNotMuted(Membership membership, DateTimeOffset now)
    {
        if (membership.IsMutedAt(now))
        {
            throw Refuse.Forbidden(ModerationMemberMuted, "You are muted", $"A coach muted you in this group until {membership.MutedUntil:u}; you cannot post comments, announcements or kudos until then.");
        }
    }

    private static void ValidateLeaderboardRule(FieldErrors errors, LeaderboardBasis basis, int minimumDue)
    {
        if (!Enum.IsDefined(basis))
        {
            errors.Add(LeaderboardBasisUnknown, "Unknown basis", $"'{basis}' is not a leaderboard basis.", "leaderboardBasis");
        }

        if (minimumDue is < 0 or > LeaderboardRule.MaxMinimumDue)
        {
            errors.Add(LeaderboardMinimumOutOfRange, "Minimum out of range", $"The minimum due count to be ranked must be between 0 and {LeaderboardRule.MaxMinimumDue}.", "leaderboardMinimumDue");
        }
    }

    private static PartnerRequest RequireAnswerable(Group group, PartnerRequest? request, Guid requestId, Guid actor, DateTimeOffset now)
    {
        if (request is null || request.RequestId != requestId || request.GroupId != group.Id)
        {
            throw Refuse.NotFound(PartnersRequestNotFound, "Request not found", "There is no such partner request in this group.");
        }

        if (request.TargetId != actor)
        {
            throw Refuse.Forbidden(PartnersNotRequestTarget, "Not your request", "Only the member who was asked can answer a partner request.");
        }

        GroupRules.RequireActiveMember(group, actor);
        if (request.Status == PartnerRequestStatus.Withdrawn && !group.AnsweredPartnerRequests.ContainsKey(request.RequestId))
        {
            throw Refuse.Conflict(PartnersRequestWithdrawn, "Request withdrawn", "The member withdrew this request.");
        }

        return request;
    }

    private static void RequireNotExpired(PartnerRequest request, DateTimeOffset now)
    {
        if (now >= request.RequestedAt + PartnerRules.RequestLifetime)
        {
            throw Refuse.Conflict(PartnersRequestExpired, "Request expired", $"Partner requests lapse after {PartnerRules.RequestLifetime.TotalDays:0} days; this one lapsed at {request.RequestedAt + PartnerRules.RequestLifetime:u}.");
        }
    }

    private static IEnumerable<object> Unpair(Group group, Guid memberId, PartnershipEndReason reason, Guid actor, DateTimeOffset now) =>
        group.PairsOf(memberId)
            .OrderBy(p => p.PairedAt)
            .Select(p => new PartnersUnpaired(group.Id, p.PairId, p.FirstMemberId, p.SecondMemberId, reason, actor, now));
}
