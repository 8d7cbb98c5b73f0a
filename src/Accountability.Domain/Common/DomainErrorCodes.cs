namespace Accountability.Domain.Common;

/// <summary>
/// Every stable error code the domain can return. Codes never change once published: clients,
/// translations and problem-details "type" URIs are keyed by them.
/// </summary>
public static class DomainErrorCodes
{
    // Groups, roster and roles.
    public const string GroupNotFound = "group.not-found";
    public const string GroupAlreadyExists = "group.already-exists";
    public const string GroupNameRequired = "group.name-required";
    public const string GroupNameTooLong = "group.name-too-long";
    public const string GroupDescriptionTooLong = "group.description-too-long";
    public const string GroupTimeZoneUnknown = "group.time-zone-unknown";
    public const string GroupTooManyPrompts = "group.too-many-prompts";
    public const string GroupPromptTextRequired = "group.prompt-text-required";
    public const string GroupPromptTooLong = "group.prompt-too-long";
    public const string GroupPromptIdInvalid = "group.prompt-id-invalid";
    public const string GroupGraceOutOfRange = "group.grace-out-of-range";
    public const string GroupNumbersVisibilityUnknown = "group.numbers-visibility-unknown";
    public const string GroupNotAMember = "group.not-a-member";
    public const string GroupMemberRemoved = "group.member-removed";
    public const string GroupRequiresCoach = "group.requires-coach";
    public const string GroupRequiresStaff = "group.requires-staff";
    public const string GroupMemberNotFound = "group.member-not-found";
    public const string GroupCoachCannotLeave = "group.coach-cannot-leave";
    public const string GroupCannotTargetSelf = "group.cannot-target-self";
    public const string GroupCannotModerateCoach = "group.cannot-moderate-coach";
    public const string GroupOnlyCoachModeratesCoCoach = "group.only-coach-moderates-co-coach";
    public const string GroupMemberNotRemoved = "group.member-not-removed";
    public const string GroupMemberNotActive = "group.member-not-active";
    public const string GroupTooManyCoCoaches = "group.too-many-co-coaches";
    public const string GroupFull = "group.full";

    // Invite codes.
    public const string InviteCodeMalformed = "invite.code-malformed";
    public const string InviteCodeInvalid = "invite.code-invalid";
    public const string InviteCodeExpired = "invite.code-expired";
    public const string InviteExpiryOutOfRange = "invite.expiry-out-of-range";

    // Leaderboard rule.
    public const string LeaderboardBasisUnknown = "leaderboard.basis-unknown";
    public const string LeaderboardMinimumOutOfRange = "leaderboard.minimum-out-of-range";

    // Partners.
    public const string PartnersSelfPairing = "partners.self-pairing";
    public const string PartnersMemberNotActive = "partners.member-not-active";
    public const string PartnersAlreadyPaired = "partners.already-paired";
    public const string PartnersLimitReached = "partners.limit-reached";
    public const string PartnersRequestNotFound = "partners.request-not-found";
    public const string PartnersNotRequestTarget = "partners.not-request-target";
    public const string PartnersRequestWithdrawn = "partners.request-withdrawn";
    public const string PartnersRequestAlreadyAnswered = "partners.request-already-answered";
    public const string PartnersRequestExpired = "partners.request-expired";
    public const string PartnersRequestPending = "partners.request-pending";
    public const string PartnersRequestIdReused = "partners.request-id-reused";
    public const string PartnersPairNotFound = "partners.pair-not-found";
    public const string PartnersNotInPair = "partners.not-in-pair";
    public const string PartnersMessageTooLong = "partners.message-too-long";

    // Feed and moderation.
    public const string FeedAnnouncementTextRequired = "feed.announcement-text-required";
    public const string FeedAnnouncementTooLong = "feed.announcement-too-long";
    public const string FeedItemWasHidden = "feed.item-hidden";
    public const string FeedItemNotHidden = "feed.item-not-hidden";
    public const string FeedCommentNotHidden = "feed.comment-not-hidden";
    public const string ModerationMemberMuted = "moderation.member-muted";
    public const string ModerationMuteOutOfRange = "moderation.mute-duration-out-of-range";
    public const string ModerationReasonRequired = "moderation.reason-required";
    public const string ModerationReasonTooLong = "moderation.reason-too-long";

    // Goals.
    public const string GoalNotFound = "goal.not-found";
    public const string GoalAlreadyExists = "goal.already-exists";
    public const string GoalNotOwner = "goal.not-owner";
    public const string GoalClosed = "goal.closed";
    public const string GoalTitleRequired = "goal.title-required";
    public const string GoalTitleTooLong = "goal.title-too-long";
    public const string GoalWhyTooLong = "goal.why-too-long";
    public const string GoalRewardTooLong = "goal.reward-too-long";
    public const string GoalConsequenceTooLong = "goal.consequence-too-long";
    public const string GoalMeasureUnknown = "goal.measure-unknown";
    public const string GoalUnitRequired = "goal.unit-required";
    public const string GoalUnitTooLong = "goal.unit-too-long";
    public const string GoalTargetRequired = "goal.target-required";
    public const string GoalTargetOutOfRange = "goal.target-out-of-range";
    public const string GoalTargetNotExpected = "goal.target-not-expected";
    public const string GoalCadenceUnknown = "goal.cadence-unknown";
    public const string GoalCadenceDaysRequired = "goal.cadence-days-required";
    public const string GoalCadenceDaysInvalid = "goal.cadence-days-invalid";
    public const string GoalCadenceTimesOutOfRange = "goal.cadence-times-out-of-range";
    public const string GoalCadenceOptionsNotExpected = "goal.cadence-options-not-expected";
    public const string GoalStartInClosedDay = "goal.start-in-closed-day";
    public const string GoalStartTooFar = "goal.start-too-far";
    public const string GoalEndBeforeStart = "goal.end-before-start";
    public const string GoalEndTooFar = "goal.end-too-far";
    public const string GoalEndInPast = "goal.end-in-past";
    public const string GoalVisibilityUnknown = "goal.visibility-unknown";
    public const string GoalRevisionInPast = "goal.revision-in-past";
    public const string GoalRevisionTooFar = "goal.revision-too-far";

    // Check-ins.
    public const string CheckInFutureDate = "check-in.future-date";
    public const string CheckInOutsideGraceWindow = "check-in.outside-grace-window";
    public const string CheckInBeforeGoalStart = "check-in.before-goal-start";
    public const string CheckInAfterGoalEnd = "check-in.after-goal-end";
    public const string CheckInIdReused = "check-in.id-reused";
    public const string CheckInDoneRequired = "check-in.done-required";
    public const string CheckInValueRequired = "check-in.value-required";
    public const string CheckInValueNotExpected = "check-in.value-not-expected";
    public const string CheckInDoneConflictsWithValue = "check-in.done-conflicts-with-value";
    public const string CheckInValueOutOfRange = "check-in.value-out-of-range";
    public const string CheckInNoteTooLong = "check-in.note-too-long";
    public const string CheckInMoodOutOfRange = "check-in.mood-out-of-range";
    public const string CheckInUnknownPrompt = "check-in.unknown-prompt";
    public const string CheckInDuplicateAnswer = "check-in.duplicate-answer";
    public const string CheckInAnswerRequired = "check-in.answer-required";
    public const string CheckInAnswerTooLong = "check-in.answer-too-long";

    // Streak corrections.
    public const string StreakCorrectionNotFound = "streak-correction.not-found";
    public const string StreakCorrectionIdReused = "streak-correction.id-reused";
    public const string StreakCorrectionDayStillOpen = "streak-correction.day-still-open";
    public const string StreakCorrectionDayWasDone = "streak-correction.day-was-done";
    public const string StreakCorrectionNotDue = "streak-correction.not-due";
    public const string StreakCorrectionOutsideGoal = "streak-correction.outside-goal";
    public const string StreakCorrectionAlreadyRequested = "streak-correction.already-requested";
    public const string StreakCorrectionTooOld = "streak-correction.too-old";
    public const string StreakCorrectionReasonRequired = "streak-correction.reason-required";
    public const string StreakCorrectionReasonTooLong = "streak-correction.reason-too-long";
    public const string StreakCorrectionNotPending = "streak-correction.not-pending";
    public const string StreakCorrectionSelfApproval = "streak-correction.self-approval";

    // A member's own stream.
    public const string MemberNotSelf = "member.not-self";
    public const string MemberTimeZoneUnknown = "member.time-zone-unknown";
    public const string MemberTimeZoneRequired = "member.time-zone-required";

    // Pauses.
    public const string PauseIdReused = "pause.id-reused";
    public const string PauseStartsInPast = "pause.starts-in-past";
    public const string PauseStartsTooFar = "pause.starts-too-far";
    public const string PauseLastBeforeFirst = "pause.last-before-first";
    public const string PauseTooLong = "pause.too-long";
    public const string PauseOverlaps = "pause.overlaps";
    public const string PauseReasonUnknown = "pause.reason-unknown";
    public const string PauseNoteTooLong = "pause.note-too-long";
    public const string PauseNotFound = "pause.not-found";
    public const string PauseAlreadyEnded = "pause.already-ended";
    public const string PauseEndOutOfRange = "pause.end-out-of-range";

    // Kudos, comments, reports, nudges.
    public const string KudosOwnItem = "kudos.own-item";
    public const string CommentTextRequired = "comment.text-required";
    public const string CommentTextTooLong = "comment.text-too-long";
    public const string CommentIdReused = "comment.id-reused";
    public const string CommentNotFound = "comment.not-found";
    public const string ReportOwnItem = "report.own-item";
    public const string ReportAlreadyFiled = "report.already-filed";
    public const string ReportReasonUnknown = "report.reason-unknown";
    public const string ReportNoteTooLong = "report.note-too-long";
    public const string NudgeSelf = "nudge.self";
    public const string NudgeNotPartner = "nudge.not-partner";
    public const string NudgeReceiverNotActive = "nudge.receiver-not-active";
    public const string NudgePairBudgetSpent = "nudge.pair-budget-spent";
    public const string NudgeReceiverBudgetSpent = "nudge.receiver-budget-spent";
    public const string NudgeMessageTooLong = "nudge.message-too-long";
    public const string NudgeIdReused = "nudge.id-reused";
}
