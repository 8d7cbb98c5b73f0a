using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;

namespace Accountability.Domain;

/// <summary>
/// Every event with the stable name it is stored under. Names are written here by hand and never
/// derived from CLR names, so renaming or moving a type never breaks stored events. Never rename or
/// reuse a name; add new ones at the end of their stream's block.
/// </summary>
public static class DomainEvents
{
    public static IReadOnlyList<(string Name, Type Type)> All { get; } =
    [
        // group-{id}
        ("group-created", typeof(GroupCreated)),
        ("group-details-changed", typeof(GroupDetailsChanged)),
        ("group-time-zone-changed", typeof(GroupTimeZoneChanged)),
        ("check-in-prompts-changed", typeof(CheckInPromptsChanged)),
        ("grace-rule-changed", typeof(GraceRuleChanged)),
        ("numbers-visibility-changed", typeof(NumbersVisibilityChanged)),
        ("leaderboard-rule-changed", typeof(LeaderboardRuleChanged)),
        ("invite-code-issued", typeof(InviteCodeIssued)),
        ("invite-code-revoked", typeof(InviteCodeRevoked)),
        ("member-joined", typeof(MemberJoined)),
        ("member-left", typeof(MemberLeft)),
        ("member-removed", typeof(MemberRemoved)),
        ("member-reinstated", typeof(MemberReinstated)),
        ("co-coach-assigned", typeof(CoCoachAssigned)),
        ("co-coach-unassigned", typeof(CoCoachUnassigned)),
        ("coach-handed-over", typeof(CoachHandedOver)),
        ("partners-paired", typeof(PartnersPaired)),
        ("partners-unpaired", typeof(PartnersUnpaired)),
        ("partner-request-declined", typeof(PartnerRequestDeclined)),
        ("announcement-posted", typeof(AnnouncementPosted)),
        ("feed-item-hidden", typeof(FeedItemHidden)),
        ("feed-item-restored", typeof(FeedItemRestored)),
        ("feed-item-reports-dismissed", typeof(FeedItemReportsDismissed)),
        ("comment-hidden", typeof(CommentHidden)),
        ("comment-restored", typeof(CommentRestored)),
        ("member-muted", typeof(MemberMuted)),
        ("member-unmuted", typeof(MemberUnmuted)),
        ("leaderboard-opted-out", typeof(LeaderboardOptedOut)),
        ("leaderboard-opted-in", typeof(LeaderboardOptedIn)),
        ("group-win-recorded", typeof(GroupWinRecorded)),

        // goal-{id}
        ("goal-set", typeof(GoalSet)),
        ("goal-revised", typeof(GoalRevised)),
        ("goal-visibility-changed", typeof(GoalVisibilityChanged)),
        ("goal-achieved", typeof(GoalAchieved)),
        ("goal-abandoned", typeof(GoalAbandoned)),
        ("check-in-posted", typeof(CheckInPosted)),
        ("check-in-amended", typeof(CheckInAmended)),
        ("streak-correction-requested", typeof(StreakCorrectionRequested)),
        ("streak-correction-approved", typeof(StreakCorrectionApproved)),
        ("streak-correction-rejected", typeof(StreakCorrectionRejected)),
        ("win-recorded", typeof(WinRecorded)),

        // member-{id}
        ("time-zone-changed", typeof(TimeZoneChanged)),
        ("pause-declared", typeof(PauseDeclared)),
        ("pause-ended", typeof(PauseEnded)),
        ("kudos-given", typeof(KudosGiven)),
        ("kudos-withdrawn", typeof(KudosWithdrawn)),
        ("comment-posted", typeof(CommentPosted)),
        ("comment-deleted", typeof(CommentDeleted)),
        ("nudge-sent", typeof(NudgeSent)),
        ("feed-item-reported", typeof(FeedItemReported)),
        ("partner-requested", typeof(PartnerRequested)),
        ("partner-request-withdrawn", typeof(PartnerRequestWithdrawn)),
    ];

    /// <summary>The stable name of an event instance (for appending); throws for a type not in the catalogue.</summary>
    public static string NameOf(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return ByType.TryGetValue(@event.GetType(), out var name)
            ? name
            : throw new ArgumentException($"{@event.GetType().Name} is not a registered domain event.", nameof(@event));
    }

    private static readonly Dictionary<Type, string> ByType = All.ToDictionary(e => e.Type, e => e.Name);
}
