using Accountability.Api.Features.Progress;
using Accountability.Domain.CoachViews;

namespace Accountability.Api.Features.CoachViews;

/// <summary>The coach's view of a cohort at <c>asOf</c>: every member (staff aside) and every partner pair.</summary>
public sealed record CoachDashboardResponse(Guid GroupId, DateTimeOffset AsOf, IReadOnlyList<DashboardMemberResponse> Members, IReadOnlyList<PairHealthResponse> Pairs);

/// <summary>
/// One member: their last check-in, consistency over 7 and 28 days (all goals), each goal's current streak, an
/// open "I'm stuck" nobody has answered yet, nudges sent and received with how many were answered by a check-in
/// within 48 hours, and whether a declared pause covers today.
/// </summary>
public sealed record DashboardMemberResponse(
    Guid MemberId,
    string? DisplayName,
    DateTimeOffset JoinedAt,
    bool Paused,
    DateOnly Today,
    DateTimeOffset? LastCheckInAt,
    ConsistencyResponse Consistency7,
    ConsistencyResponse Consistency28,
    IReadOnlyList<DashboardGoalResponse> Goals,
    OpenStuckRequestResponse? OpenStuck,
    NudgeCountsResponse Nudges,
    IReadOnlyList<Guid> Partners);

public sealed record DashboardGoalResponse(
    Guid GoalId,
    string Title,
    string Status,
    string Visibility,
    string Unit,
    int CurrentStreak,
    int BestStreak,
    ConsistencyResponse Consistency7,
    ConsistencyResponse Consistency28,
    DateTimeOffset? LastCheckInAt);

public sealed record OpenStuckRequestResponse(Guid CheckInId, DateTimeOffset Since);

public sealed record NudgeCountsResponse(int Sent, int SentAnswered, int Received, int ReceivedAnswered);

/// <summary>
/// A pair's health (new, thriving, steady, fading, dormant, paused) with the reasons, its pair streak (days both
/// checked in) and the last nudge, kudos or comment between the two.
/// </summary>
public sealed record PairHealthResponse(
    Guid PairId,
    Guid FirstMemberId,
    Guid SecondMemberId,
    DateTimeOffset PairedAt,
    string Health,
    IReadOnlyList<string> Reasons,
    int PairStreak,
    int BestPairStreak,
    DateOnly? AtRiskDate,
    DateTimeOffset? SaveBy,
    DateTimeOffset? LastInteractionAt);

/// <summary>"Who needs me today", most pressing first: severity, then who has waited longest.</summary>
public sealed record CoachQueueResponse(Guid GroupId, DateTimeOffset AsOf, IReadOnlyList<QueueEntryResponse> Entries);

public sealed record QueueEntryResponse(Guid MemberId, string? DisplayName, int Severity, DateTimeOffset Since, IReadOnlyList<QueueReasonResponse> Reasons);

/// <summary>
/// <c>reason</c>: "unanswered-stuck" (4), "missed-check-ins" (3), "consistency-drop" (2, 20% or more below the
/// member's own baseline), "never-checked-in" (2), "silence" (1, longer than 1.5 times their usual gap).
/// </summary>
public sealed record QueueReasonResponse(string Reason, int Severity, DateTimeOffset Since, string Detail);

public static class CoachViewWire
{
    public static string Reason(NeedReason reason) => reason switch
    {
        NeedReason.UnansweredStuck => "unanswered-stuck",
        NeedReason.MissedCheckIns => "missed-check-ins",
        NeedReason.ConsistencyDrop => "consistency-drop",
        NeedReason.NeverCheckedIn => "never-checked-in",
        _ => "silence",
    };

    public static string Health(PairHealthStatus status) => status switch
    {
        PairHealthStatus.New => "new",
        PairHealthStatus.Thriving => "thriving",
        PairHealthStatus.Steady => "steady",
        PairHealthStatus.Fading => "fading",
        PairHealthStatus.Dormant => "dormant",
        _ => "paused",
    };
}
