using Accountability.Domain.Feed;
using Accountability.Domain.Wins;

namespace Accountability.Api.Features.Feed;

/// <summary>
/// A page of a group's feed, newest first. <c>nextBefore</c>: pass as <c>before</c> for older items (null at the
/// start of the feed). <c>nextAfter</c>: set when <c>after</c> was given and more newer items wait; pass it as
/// <c>after</c> to continue catching up without gaps.
/// </summary>
public sealed record FeedPageResponse(IReadOnlyList<FeedItemResponse> Items, long? NextBefore, long? NextAfter);

/// <summary>
/// One item. <c>sequence</c> is its place in the event log: the cursor. <c>access</c>: "full", or "summary" (a group
/// that hides individual numbers: a check-in shows its date and whether it was done, nothing more).
/// <c>moderation</c> is shown to staff and to the item's author; members never see hidden or held items of others.
/// </summary>
public sealed record FeedItemResponse(
    long Sequence,
    Guid ItemId,
    string Kind,
    Guid? AuthorId,
    Guid? GoalId,
    string? GoalTitle,
    DateTimeOffset CreatedAt,
    DateTimeOffset? AmendedAt,
    FeedCheckInResponse? CheckIn,
    FeedWinResponse? Win,
    string? Text,
    int Kudos,
    bool KudosGiven,
    IReadOnlyList<FeedCommentResponse> Comments,
    FeedModerationResponse? Moderation,
    string Access);

public sealed record FeedCheckInResponse(DateOnly Date, bool Done, decimal? Value, string? Unit, string? Note, int? Mood, bool? Stuck, IReadOnlyList<FeedAnswerResponse>? Answers);

public sealed record FeedAnswerResponse(Guid PromptId, string Text);

public sealed record FeedWinResponse(string Kind, int? Value, DateOnly Date, string Summary);

public sealed record FeedCommentResponse(Guid CommentId, Guid AuthorId, string Text, DateTimeOffset PostedAt, FeedModerationResponse? Moderation);

/// <summary>"visible", "held" (reported by several members, waiting for staff) or "hidden" (by staff, with the reason).</summary>
public sealed record FeedModerationResponse(string Status, string? Reason, Guid? By, DateTimeOffset? At, int Reports);

public static class FeedWire
{
    public static string Kind(FeedItemKind kind) => kind switch
    {
        FeedItemKind.SharedCheckIn => "check-in",
        FeedItemKind.Win => "win",
        _ => "announcement",
    };

    public static string Win(WinKind kind) => kind switch
    {
        WinKind.GoalAchieved => "goal-achieved",
        WinKind.StreakMilestone => "streak-milestone",
        WinKind.PersonalBest => "personal-best",
        WinKind.Comeback => "comeback",
        WinKind.Unstuck => "unstuck",
        _ => "group-milestone",
    };

    public static string Moderation(ModerationStatus status) => status switch
    {
        ModerationStatus.HeldForReview => "held",
        ModerationStatus.Hidden => "hidden",
        _ => "visible",
    };
}
