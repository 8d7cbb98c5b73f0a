using Accountability.Api.Features.Access.Commands;
using Accountability.Domain.Goals;
using Accountability.Domain.Progress;
using Accountability.Domain.Time;

namespace Accountability.Api.Features.Progress;

/// <summary>A member's local day: its date and zone, when it began and the one instant it closes for check-ins.</summary>
public sealed record LocalDayResponse(DateOnly Date, string TimeZone, DateTimeOffset StartsAt, DateTimeOffset ClosesAt)
{
    internal static LocalDayResponse From(LocalDay day) => new(day.Date, day.TimeZoneId, day.StartsAt.ToUniversalTime(), day.ClosesAt.ToUniversalTime());
}

/// <summary>Done over due units; <c>percent</c> is null when nothing was due.</summary>
public sealed record ConsistencyResponse(int Done, int Due, decimal? Percent)
{
    internal static ConsistencyResponse From(Consistency consistency) => new(consistency.Done, consistency.Due, consistency.Percent);
}

/// <summary>A streak: its length in <c>unit</c>s ("day" or "week"), its first and last dates, when it was reached.</summary>
public sealed record StreakResponse(int Length, string Unit, DateOnly? FirstDate, DateOnly? LastDate, DateTimeOffset? ReachedAt)
{
    internal static StreakResponse From(StreakRun run, StreakUnit unit) =>
        new(run.Length, ProgressWire.Unit(unit), run.FirstDate, run.LastDate, run.ReachedAt?.ToUniversalTime());
}

/// <summary>The latest check-in says "I'm stuck": which one and since when.</summary>
public sealed record OpenStuckResponse(Guid CheckInId, DateOnly Date, DateTimeOffset? Since);

/// <summary>
/// A goal's progress at <c>asOf</c>. <c>access</c> is "full" or "summary": a summary viewer (another member of a
/// group that does not show individual numbers) sees the goal and its day, not its figures (they are null).
/// <c>asOfDate</c> is set for "as of" views: the figures as they stood when that local date closed.
/// </summary>
public sealed record GoalProgressResponse(
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    string Title,
    string Status,
    string Visibility,
    string Access,
    DateTimeOffset AsOf,
    DateOnly? AsOfDate,
    LocalDayResponse Today,
    StreakResponse? CurrentStreak,
    StreakResponse? BestStreak,
    int? TrailingMissed,
    ConsistencyResponse? Consistency7,
    ConsistencyResponse? Consistency28,
    ConsistencyResponse? ConsistencyAllTime,
    DateTimeOffset? LastCheckInAt,
    DateOnly? LastCheckInDate,
    OpenStuckResponse? OpenStuck);

/// <summary>The goals of a member in a group that the caller may see, with the member's day.</summary>
public sealed record MemberProgressResponse(Guid GroupId, Guid MemberId, DateTimeOffset AsOf, DateOnly? AsOfDate, LocalDayResponse? Today, IReadOnlyList<GoalProgressResponse> Goals);

/// <summary>A fact behind a figure: a check-in or a correction (goal stream) or a pause (member stream).</summary>
public sealed record EvidenceResponse(string Kind, Guid Id, DateOnly Date, string StreamId);

/// <summary>One due period and how it turned out (done, missed, excused, pending, paused, skipped).</summary>
public sealed record PeriodResponse(
    DateOnly FirstDate,
    DateOnly LastDate,
    string Unit,
    string Status,
    int Required,
    int DoneCount,
    DateOnly SettledOn,
    DateTimeOffset ClosesAt,
    DateTimeOffset? DoneAt,
    IReadOnlyList<EvidenceResponse> Evidence);

/// <summary>
/// One figure (current-streak, best-streak, streak-broken-by, consistency-7, consistency-28, baseline-28,
/// consistency-all-time), its value and the periods, so the events, behind it.
/// </summary>
public sealed record FigureExplanationResponse(string Figure, int Value, ConsistencyResponse? Consistency, IReadOnlyList<PeriodResponse> Periods);

public sealed record GoalExplanationResponse(Guid GoalId, DateTimeOffset AsOf, DateOnly? AsOfDate, DateOnly Today, IReadOnlyList<FigureExplanationResponse> Figures);

/// <summary>Wire names of the progress vocabulary (kebab-case words, as elsewhere in the API).</summary>
public static class ProgressWire
{
    public static string Unit(StreakUnit unit) => unit == StreakUnit.Week ? "week" : "day";

    public static string Status(PeriodStatus status) => status switch
    {
        PeriodStatus.Done => "done",
        PeriodStatus.Missed => "missed",
        PeriodStatus.Excused => "excused",
        PeriodStatus.Pending => "pending",
        PeriodStatus.Paused => "paused",
        _ => "skipped",
    };

    public static string Evidence(EvidenceKind kind) => kind switch
    {
        EvidenceKind.CheckIn => "check-in",
        EvidenceKind.Pause => "pause",
        _ => "streak-correction",
    };

    internal static GoalProgressResponse Response(Goal goal, GoalProgress progress, LocalDay today, Domain.Feed.Access access, DateOnly? asOfDate)
    {
        var full = access == Domain.Feed.Access.Full;
        return new GoalProgressResponse(
            goal.Id,
            goal.GroupId,
            goal.MemberId,
            goal.Title,
            WireNames.GoalStatus.Name(goal.Status),
            WireNames.GoalVisibility.Name(goal.Visibility),
            full ? "full" : "summary",
            progress.AsOf.ToUniversalTime(),
            asOfDate,
            LocalDayResponse.From(today),
            full ? StreakResponse.From(progress.Current, progress.Unit) : null,
            full ? StreakResponse.From(progress.Best, progress.Unit) : null,
            full ? progress.TrailingMissed : null,
            full ? ConsistencyResponse.From(progress.Last7) : null,
            full ? ConsistencyResponse.From(progress.Last28) : null,
            full ? ConsistencyResponse.From(progress.AllTime) : null,
            progress.LastCheckInAt?.ToUniversalTime(),
            progress.LastCheckInDate,
            full && progress.OpenStuck is { } stuck ? new OpenStuckResponse(stuck.Id, stuck.Date, progress.OpenStuckSince?.ToUniversalTime()) : null);
    }

    internal static PeriodResponse Period(PeriodOutcome period) => new(
        period.FirstDate,
        period.LastDate,
        Unit(period.Unit),
        Status(period.Status),
        period.Required,
        period.DoneCount,
        period.SettledOn,
        period.ClosesAt.ToUniversalTime(),
        period.DoneAt?.ToUniversalTime(),
        period.Evidence.Select(e => new EvidenceResponse(Evidence(e.Kind), e.Id, e.Date, e.StreamId)).ToList());
}
