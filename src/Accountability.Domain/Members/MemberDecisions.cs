using Accountability.Domain.Common;
using Accountability.Domain.Groups;
using Accountability.Domain.Partners;
using Accountability.Domain.Time;
using static Accountability.Domain.Common.DomainErrorCodes;

namespace Accountability.Domain.Members;

/// <summary>
/// Pure decisions on the acting member's own stream. Social acts take the group's state too, because
/// the group decides who may act (active, not muted) and what is hidden.
/// </summary>
public static class MemberDecisions
{
    public const int MaxPauseDays = 90;
    public const int PauseNoteMaxLength = 500;
    public const int CommentMaxLength = 1000;
    public const int ReportNoteMaxLength = 1000;

    public static IReadOnlyList<object> Decide(ChangeTimeZone command, Member? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireSelf(state, actor);
        if (!TimeZones.IsKnown(command.TimeZoneId))
        {
            throw Refuse.Validation(MemberTimeZoneUnknown, "Unknown time zone", $"'{command.TimeZoneId}' is not an IANA time zone id such as 'America/New_York'.", "timeZoneId");
        }

        return state?.TimeZoneId == command.TimeZoneId
            ? []
            : [new TimeZoneChanged(actor, command.TimeZoneId, state?.TimeZoneId, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(DeclarePause command, Member? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireSelf(state, actor);
        now = now.Utc();
        if (state?.Pauses.TryGetValue(command.PauseId, out var existing) == true)
        {
            return existing.FirstDate == command.FirstDate && existing.LastDate == command.LastDate && existing.Reason == command.Reason
                ? []
                : throw Refuse.Conflict(PauseIdReused, "Pause id in use", "This pause id already names a different pause.");
        }

        var today = OwnToday(state, now);
        var errors = new FieldErrors();
        if (command.FirstDate < today)
        {
            errors.Add(PauseStartsInPast, "Pause starts in the past", $"A pause starts today ({today:yyyy-MM-dd}) or later, so closed days are never rewritten; for a day already missed, ask your coach for a streak correction.", "firstDate");
        }
        else if (command.FirstDate > today.AddDays(365))
        {
            errors.Add(PauseStartsTooFar, "Pause too far ahead", "A pause can be declared at most a year ahead.", "firstDate");
        }

        if (command.LastDate is { } last)
        {
            if (last < command.FirstDate)
            {
                errors.Add(PauseLastBeforeFirst, "Last day before first", "The last paused day cannot come before the first.", "lastDate");
            }
            else if (last.DayNumber - command.FirstDate.DayNumber + 1 > MaxPauseDays)
            {
                errors.Add(PauseTooLong, "Pause too long", $"A pause lasts at most {MaxPauseDays} days; declare another one after it if needed.", "lastDate");
            }
        }

        if (!Enum.IsDefined(command.Reason))
        {
            errors.Add(PauseReasonUnknown, "Unknown reason", $"'{command.Reason}' is not a pause reason.", "reason");
        }

        var note = errors.Optional(command.Note, "note", PauseNoteMaxLength, PauseNoteTooLong, "Note");
        errors.ThrowIfAny();

        if (state is not null && state.Pauses.Values.Any(p => p.Overlaps(command.FirstDate, command.LastDate)))
        {
            throw Refuse.Conflict(PauseOverlaps, "Pauses overlap", "This pause overlaps one you already declared; end or shorten that one first.");
        }

        return [new PauseDeclared(command.PauseId, actor, command.FirstDate, command.LastDate, command.Reason, note, now)];
    }

    public static IReadOnlyList<object> Decide(EndPause command, Member? state, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireSelf(state, actor);
        now = now.Utc();
        if (state is null || !state.Pauses.TryGetValue(command.PauseId, out var pause))
        {
            throw Refuse.NotFound(PauseNotFound, "Pause not found", "You have no such pause.");
        }

        var today = OwnToday(state, now);
        var earliest = pause.FirstDate > today ? pause.FirstDate.AddDays(-1) : today;
        var lastPaused = command.LastPausedDate ?? earliest;
        if (pause.IsEnded)
        {
            return pause.EndedLastDate == lastPaused || command.LastPausedDate is null
                ? []
                : throw Refuse.Conflict(PauseAlreadyEnded, "Pause already ended", $"This pause already ended after {pause.EndedLastDate:yyyy-MM-dd}.");
        }

        if (lastPaused < earliest || (pause.LastDate is { } declaredLast && lastPaused > declaredLast))
        {
            throw Refuse.Validation(PauseEndOutOfRange, "End out of range", $"A pause can end no earlier than {earliest:yyyy-MM-dd} (days already begun stay paused) and no later than its declared last day; declare a new pause to extend it.", "lastPausedDate");
        }

        if (pause.LastDate == lastPaused)
        {
            return [];
        }

        return [new PauseEnded(pause.PauseId, actor, lastPaused, now)];
    }

    public static IReadOnlyList<object> Decide(GiveKudos command, Member? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var membership = RequireActingInGroup(state, group, command.GroupId, actor);
        if (state?.KudosGiven.Contains(new ItemKey(command.GroupId, command.ItemId)) == true)
        {
            return [];
        }

        now = now.Utc();
        GroupDecisions.RequireNotMuted(membership, now);
        RequireVisibleItem(group, command.ItemId);
        if (command.ItemAuthorId == actor)
        {
            throw Refuse.Validation(KudosOwnItem, "Not on your own post", "Kudos are for others; you cannot give them to your own item.", "itemId");
        }

        return [new KudosGiven(group.Id, command.ItemId, command.ItemAuthorId, actor, now)];
    }

    public static IReadOnlyList<object> Decide(WithdrawKudos command, Member? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireActingInGroup(state, group, command.GroupId, actor);
        return state?.KudosGiven.Contains(new ItemKey(command.GroupId, command.ItemId)) == true
            ? [new KudosWithdrawn(group.Id, command.ItemId, command.ItemAuthorId, actor, now.Utc())]
            : [];
    }

    public static IReadOnlyList<object> Decide(PostComment command, Member? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        var membership = RequireActingInGroup(state, group, command.GroupId, actor);
        var errors = new FieldErrors();
        var text = errors.Required(command.Text, "text", CommentMaxLength, CommentTextRequired, CommentTextTooLong, "Comment");
        if (state?.Comments.TryGetValue(command.CommentId, out var existing) == true)
        {
            return existing.ItemId == command.ItemId && existing.Text == text
                ? []
                : throw Refuse.Conflict(CommentIdReused, "Comment id in use", "This comment id already names a different comment.");
        }

        now = now.Utc();
        GroupDecisions.RequireNotMuted(membership, now);
        RequireVisibleItem(group, command.ItemId);
        errors.ThrowIfAny();
        return [new CommentPosted(command.CommentId, group.Id, command.ItemId, command.ItemAuthorId, actor, text, now)];
    }

    public static IReadOnlyList<object> Decide(DeleteComment command, Member? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireSelf(state, actor);
        if (state is null || !state.Comments.TryGetValue(command.CommentId, out var comment) || comment.GroupId != group?.Id)
        {
            throw Refuse.NotFound(CommentNotFound, "Comment not found", "You have no such comment in this group.");
        }

        RequireActingInGroup(state, group, comment.GroupId, actor);
        return comment.Deleted ? [] : [new CommentDeleted(comment.CommentId, comment.GroupId, comment.ItemId, actor, now.Utc())];
    }

    /// <param name="receiver">The receiver's nudges today, from the notification-budget read model.</param>
    public static IReadOnlyList<object> Decide(SendNudge command, Member? state, Group group, ReceiverNudgeLoad receiver, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(receiver);
        var membership = RequireActingInGroup(state, group, command.GroupId, actor);
        var errors = new FieldErrors();
        var message = errors.Optional(command.Message, "message", PartnerRules.MessageMaxLength, NudgeMessageTooLong, "Message");
        errors.ThrowIfAny();
        if (state?.RecentNudges.FirstOrDefault(n => n.NudgeId == command.NudgeId) is { } sent)
        {
            return sent.ReceiverId == command.ReceiverId
                ? []
                : throw Refuse.Conflict(NudgeIdReused, "Nudge id in use", "This nudge id already names a nudge to someone else.");
        }

        if (command.ReceiverId == actor)
        {
            throw Refuse.Validation(NudgeSelf, "Not yourself", "You cannot nudge yourself.", "receiverId");
        }

        if (!group.IsActiveMember(command.ReceiverId))
        {
            throw Refuse.Conflict(NudgeReceiverNotActive, "Not an active member", "Only active members of the group can be nudged.");
        }

        if (!membership.IsStaff && !group.ArePartners(actor, command.ReceiverId))
        {
            throw Refuse.Forbidden(NudgeNotPartner, "Partners only", "You can nudge your accountability partners; coaches can nudge anyone in their group.");
        }

        now = now.Utc();
        var clock = DayClock.For(group, state);
        var today = clock.Today(now);
        var sentToReceiver = state?.RecentNudges.Count(n => n.ReceiverId == command.ReceiverId && n.SenderLocalDate == today) ?? 0;
        var senderDayEnds = clock.StartsAt(today.AddDays(1));
        if (NudgeBudget.Check(sentToReceiver, receiver.ReceivedToday, senderDayEnds, receiver.ReceiverDayEndsAt) is { } spent)
        {
            throw new DomainException(spent);
        }

        return [new NudgeSent(command.NudgeId, group.Id, actor, command.ReceiverId, command.GoalId, message, today, now)];
    }

    public static IReadOnlyList<object> Decide(ReportFeedItem command, Member? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireActingInGroup(state, group, command.GroupId, actor);
        if (state?.Reports.TryGetValue(new ItemKey(command.GroupId, command.ItemId), out var filed) == true)
        {
            return filed.ReportId == command.ReportId
                ? []
                : throw Refuse.Conflict(ReportAlreadyFiled, "Already reported", "You already reported this item; the coach has your report.");
        }

        if (command.ItemAuthorId == actor)
        {
            throw Refuse.Validation(ReportOwnItem, "Not your own item", "You cannot report your own item; delete or amend it instead.", "itemId");
        }

        var errors = new FieldErrors();
        if (!Enum.IsDefined(command.Reason))
        {
            errors.Add(ReportReasonUnknown, "Unknown reason", $"'{command.Reason}' is not a report reason.", "reason");
        }

        var note = errors.Optional(command.Note, "note", ReportNoteMaxLength, ReportNoteTooLong, "Note");
        errors.ThrowIfAny();
        return [new FeedItemReported(command.ReportId, group.Id, command.ItemId, command.ItemAuthorId, actor, command.Reason, note, now.Utc())];
    }

    public static IReadOnlyList<object> Decide(RequestPartner command, Member? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireActingInGroup(state, group, command.GroupId, actor);
        now = now.Utc();
        var errors = new FieldErrors();
        var message = errors.Optional(command.Message, "message", PartnerRules.MessageMaxLength, PartnersMessageTooLong, "Message");
        errors.ThrowIfAny();
        if (state?.PartnerRequests.TryGetValue(command.RequestId, out var existing) == true)
        {
            return existing.TargetId == command.TargetId && existing.GroupId == command.GroupId
                ? []
                : throw Refuse.Conflict(PartnersRequestIdReused, "Request id in use", "This request id already names another request.");
        }

        PartnerRules.RequirePairable(group, actor, command.TargetId);
        if (state is not null && state.PartnerRequests.Values.Any(r => r.GroupId == group.Id && r.TargetId == command.TargetId && IsOpen(r, group, now)))
        {
            throw Refuse.Conflict(PartnersRequestPending, "Request already pending", "You already asked this member; wait for their answer.");
        }

        return [new PartnerRequested(command.RequestId, group.Id, actor, command.TargetId, message, now)];
    }

    public static IReadOnlyList<object> Decide(WithdrawPartnerRequest command, Member? state, Group group, Guid actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        RequireSelf(state, actor);
        if (state is null || !state.PartnerRequests.TryGetValue(command.RequestId, out var request) || request.GroupId != group?.Id)
        {
            throw Refuse.NotFound(PartnersRequestNotFound, "Request not found", "You have no such partner request in this group.");
        }

        RequireActingInGroup(state, group, request.GroupId, actor);
        if (request.Status == PartnerRequestStatus.Withdrawn)
        {
            return [];
        }

        if (group.AnsweredPartnerRequests.ContainsKey(request.RequestId))
        {
            throw Refuse.Conflict(PartnersRequestAlreadyAnswered, "Already answered", "This request was already answered.");
        }

        return [new PartnerRequestWithdrawn(request.RequestId, request.GroupId, actor, request.TargetId, now.Utc())];
    }

    /// <summary>A request is open while pending, unanswered and not lapsed.</summary>
    public static bool IsOpen(PartnerRequest request, Group group, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(group);
        return request.Status == PartnerRequestStatus.Pending
            && !group.AnsweredPartnerRequests.ContainsKey(request.RequestId)
            && now < request.RequestedAt + PartnerRules.RequestLifetime;
    }

    private static void RequireSelf(Member? state, Guid actor)
    {
        if (state is not null && state.Id != actor)
        {
            throw Refuse.Forbidden(MemberNotSelf, "Not your stream", "Members act only on their own behalf.");
        }
    }

    private static Membership RequireActingInGroup(Member? state, Group? group, Guid groupId, Guid actor)
    {
        RequireSelf(state, actor);
        if (group is null || group.Id != groupId)
        {
            throw Refuse.NotFound(GroupNotFound, "Group not found", "There is no such group, or you are not in it.");
        }

        return GroupRules.RequireActiveMember(group, actor);
    }

    private static void RequireVisibleItem(Group group, Guid itemId)
    {
        if (group.HiddenItems.ContainsKey(itemId))
        {
            throw Refuse.NotFound(FeedItemWasHidden, "Item not found", "This item was hidden by a coach.");
        }
    }

    private static DateOnly OwnToday(Member? state, DateTimeOffset now) =>
        state is { ZoneHistory.IsEmpty: false }
            ? DayClock.Create(state.ZoneHistory, []).Today(now)
            : throw Refuse.Conflict(MemberTimeZoneRequired, "Time zone needed", "Set your time zone first, so your days are counted in your local dates.");
}
