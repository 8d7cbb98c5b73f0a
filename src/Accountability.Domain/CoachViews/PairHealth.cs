using Accountability.Domain.Partners;
using Accountability.Domain.Progress;

namespace Accountability.Domain.CoachViews;

/// <summary>Values are used by read models: never renumber.</summary>
public enum PairHealthStatus
{
    /// <summary>Paired less than a week ago: too early to judge.</summary>
    New = 0,

    Thriving = 1,
    Steady = 2,

    /// <summary>Decaying: one partner is slipping or they stopped interacting.</summary>
    Fading = 3,

    /// <summary>Neither partner is doing much and they do not talk: the coach should re-pair or step in.</summary>
    Dormant = 4,

    /// <summary>A partner is on a declared pause: not judged.</summary>
    Paused = 5,
}

/// <param name="FirstLast14">First partner's consistency over the last 14 days (all goals in the group).</param>
/// <param name="LastInteractionAt">Last nudge, kudos or comment between the two, either way.</param>
public sealed record PairHealthInput(
    Guid PairId,
    DateTimeOffset PairedAt,
    PairStreak Streak,
    Consistency FirstLast14,
    Consistency SecondLast14,
    DateTimeOffset? LastInteractionAt,
    bool FirstPaused,
    bool SecondPaused);

public sealed record PairHealthResult(Guid PairId, PairHealthStatus Status, IReadOnlyList<string> Reasons);

/// <summary>Classifies partner pairs for the coach's "which pairs are decaying" view.</summary>
public static class PairHealth
{
    public static readonly TimeSpan NewPairPeriod = TimeSpan.FromDays(7);
    public static readonly TimeSpan RecentInteraction = TimeSpan.FromDays(7);
    public static readonly TimeSpan LostTouch = TimeSpan.FromDays(14);
    public const int ThrivingStreak = 7;
    public const decimal ThrivingPercent = 80m;
    public const decimal FadingPercent = 50m;
    public const decimal DormantPercent = 30m;

    public static PairHealthResult Classify(PairHealthInput input, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.FirstPaused || input.SecondPaused)
        {
            return Result(input, PairHealthStatus.Paused, "A partner is on a declared pause.");
        }

        if (now - input.PairedAt < NewPairPeriod)
        {
            return Result(input, PairHealthStatus.New, "Paired less than a week ago.");
        }

        var first = input.FirstLast14.Percent ?? 0m;
        var second = input.SecondLast14.Percent ?? 0m;
        var sinceContact = input.LastInteractionAt is { } last ? now - last : TimeSpan.MaxValue;
        var lostTouch = sinceContact > LostTouch;
        var contactText = input.LastInteractionAt is null ? "They have never nudged, cheered or commented on each other." : $"No nudge, kudos or comment between them for {(int)sinceContact.TotalDays} days.";

        if (first < DormantPercent && second < DormantPercent && lostTouch)
        {
            return Result(input, PairHealthStatus.Dormant, $"Both partners under {DormantPercent}% consistency over 14 days.", contactText);
        }

        if (input.Streak.Current >= ThrivingStreak)
        {
            return Result(input, PairHealthStatus.Thriving, $"Pair streak of {input.Streak.Current} days.");
        }

        if (first >= ThrivingPercent && second >= ThrivingPercent && sinceContact <= RecentInteraction)
        {
            return Result(input, PairHealthStatus.Thriving, $"Both partners at {ThrivingPercent}% or more and in touch this week.");
        }

        var reasons = new List<string>();
        if (first < FadingPercent || second < FadingPercent)
        {
            reasons.Add($"A partner is under {FadingPercent}% consistency over 14 days.");
        }

        if (lostTouch)
        {
            reasons.Add(contactText);
        }

        return reasons.Count > 0
            ? new PairHealthResult(input.PairId, PairHealthStatus.Fading, reasons)
            : Result(input, PairHealthStatus.Steady, "Both partners on track.");
    }

    private static PairHealthResult Result(PairHealthInput input, PairHealthStatus status, params string[] reasons) =>
        new(input.PairId, status, reasons);
}
