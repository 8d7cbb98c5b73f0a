namespace Accountability.Domain.Progress;

public enum StreakUnit
{
    Day = 0,
    Week = 1,
}

/// <summary>How one due period turned out.</summary>
public enum PeriodStatus
{
    /// <summary>Done as planned: extends the streak.</summary>
    Done = 0,

    /// <summary>Closed without being done: breaks the streak.</summary>
    Missed = 1,

    /// <summary>Missed, then excused by a coach-approved correction: neutral.</summary>
    Excused = 2,

    /// <summary>Still open (within the day's grace or the week): neither extends nor breaks yet.</summary>
    Pending = 3,

    /// <summary>Covered by a declared pause: neutral.</summary>
    Paused = 4,

    /// <summary>A local date the member never lived (a zone change jumped over it): neutral.</summary>
    Skipped = 5,
}

public enum EvidenceKind
{
    CheckIn = 0,
    Pause = 1,
    StreakCorrection = 2,
}

/// <summary>A fact behind a figure: the stream it is in, what it is, its id and the local date it concerns.</summary>
public sealed record Evidence(string StreamId, EvidenceKind Kind, Guid Id, DateOnly Date);

/// <summary>
/// One due period (a day, or a Monday-to-Sunday week or part of one for weekly cadences) and how it turned out.
/// </summary>
/// <param name="Required">Done days needed (1 for a day; prorated for a partial or partly paused week).</param>
/// <param name="SettledOn">The local date the period counts for in windows (the day; for a week, its last done date or last date).</param>
/// <param name="ClosesAt">When the period closes (its last date's close).</param>
/// <param name="DoneAt">When it became done (the check-in instant), for "who reached it first" tie-breaks.</param>
public sealed record PeriodOutcome(
    DateOnly FirstDate,
    DateOnly LastDate,
    StreakUnit Unit,
    PeriodStatus Status,
    int Required,
    int DoneCount,
    DateOnly SettledOn,
    DateTimeOffset ClosesAt,
    DateTimeOffset? DoneAt,
    IReadOnlyList<Evidence> Evidence)
{
    /// <summary>Done and missed periods count towards consistency; the rest are neutral or not settled.</summary>
    public bool CountsForConsistency => Status is PeriodStatus.Done or PeriodStatus.Missed;
}

/// <summary>Done / due units (days, or required days of weekly cadences).</summary>
public sealed record Consistency(int Done, int Due)
{
    public static Consistency None { get; } = new(0, 0);

    /// <summary>Percent rounded to one decimal; null when nothing was due.</summary>
    public decimal? Percent => Due == 0 ? null : Math.Round(100m * Done / Due, 1, MidpointRounding.AwayFromZero);

    public Consistency Add(Consistency other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new Consistency(Done + other.Done, Due + other.Due);
    }

    /// <summary>Exact comparison of the two ratios (no rounding); an empty ratio sorts lowest.</summary>
    public int CompareRatio(Consistency other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Due == 0 || other.Due == 0)
        {
            return (Due == 0 ? 0 : 1).CompareTo(other.Due == 0 ? 0 : 1);
        }

        return ((long)Done * other.Due).CompareTo((long)other.Done * Due);
    }
}

/// <summary>One figure of a goal's progress and what made it.</summary>
/// <param name="Figure">A stable key: current-streak, best-streak, streak-broken-by, consistency-7, consistency-28, baseline-28, consistency-all-time.</param>
/// <param name="Value">The streak length, or the done count of a consistency figure.</param>
/// <param name="Consistency">For consistency figures: done over due.</param>
public sealed record FigureExplanation(string Figure, int Value, Consistency? Consistency, IReadOnlyList<PeriodOutcome> Periods)
{
    public IReadOnlyList<Evidence> Evidence => Periods.SelectMany(p => p.Evidence).ToList();
}

/// <summary>A streak and the periods that make it (neutral periods inside it included, so it can be explained).</summary>
public sealed record StreakRun(int Length, DateOnly? FirstDate, DateOnly? LastDate, DateTimeOffset? ReachedAt, IReadOnlyList<PeriodOutcome> Periods)
{
    public static StreakRun Empty { get; } = new(0, null, null, null, []);

    /// <summary>The check-ins, pauses and corrections behind this streak.</summary>
    public IReadOnlyList<Evidence> Evidence => Periods.SelectMany(p => p.Evidence).ToList();
}

/// <summary>
/// A goal's progress at an instant: streaks, consistency windows and every period, each with its evidence.
/// </summary>
/// <param name="Today">The member's local date at <paramref name="AsOf"/> (or the "as of" date).</param>
/// <param name="BrokenBy">The missed period that ended the previous streak, if any.</param>
/// <param name="TrailingMissed">Missed periods since the last done one (a lapse, for comeback wins and coach views).</param>
/// <param name="Baseline28">The 28 days before the last 7: the member's own baseline for "consistency dropped".</param>
/// <param name="OpenStuck">The latest check-in, if it says "I'm stuck".</param>
public sealed record GoalProgress(
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    DateTimeOffset AsOf,
    DateOnly Today,
    StreakUnit Unit,
    StreakRun Current,
    StreakRun Best,
    PeriodOutcome? BrokenBy,
    int TrailingMissed,
    Consistency Last7,
    Consistency Last28,
    Consistency Baseline28,
    Consistency AllTime,
    DateTimeOffset? LastCheckInAt,
    DateOnly? LastCheckInDate,
    Evidence? OpenStuck,
    IReadOnlyList<PeriodOutcome> Periods)
{
    /// <summary>When the open "I'm stuck" was said (the instant of that check-in version).</summary>
    public DateTimeOffset? OpenStuckSince { get; init; }

    public int CurrentStreak => Current.Length;

    public int BestStreak => Best.Length;

    /// <summary>Whether the best streak is the current one (for personal-best wins).</summary>
    public bool IsOnBestRun => Current.Length > 0 && Best.FirstDate == Current.FirstDate;

    /// <summary>Consistency over settled periods that count for dates in [from, to].</summary>
    public Consistency ConsistencyBetween(DateOnly from, DateOnly to) =>
        PeriodsSettledBetween(from, to).Aggregate(Consistency.None, (sum, p) => sum.Add(new Consistency(Math.Min(p.DoneCount, p.Required), p.Required)));

    /// <summary>
    /// Every figure with the periods, and so the check-ins, pauses and corrections (by stream, id and date), behind it:
    /// current-streak, best-streak, streak-broken-by (when a miss ended an earlier streak), consistency-7,
    /// consistency-28, baseline-28 and consistency-all-time.
    /// </summary>
    public IReadOnlyList<FigureExplanation> Explain()
    {
        var figures = new List<FigureExplanation>
        {
            new("current-streak", CurrentStreak, null, Current.Periods),
            new("best-streak", BestStreak, null, Best.Periods),
        };
        if (BrokenBy is { } broken)
        {
            figures.Add(new FigureExplanation("streak-broken-by", 0, null, [broken]));
        }

        figures.Add(ConsistencyFigure("consistency-7", Last7, Today.AddDays(-6), Today));
        figures.Add(ConsistencyFigure("consistency-28", Last28, Today.AddDays(-27), Today));
        figures.Add(ConsistencyFigure("baseline-28", Baseline28, Today.AddDays(-34), Today.AddDays(-7)));
        figures.Add(ConsistencyFigure("consistency-all-time", AllTime, DateOnly.MinValue, Today));
        return figures;
    }

    /// <summary>The periods behind <see cref="ConsistencyBetween"/>: the explanation of a consistency figure.</summary>
    public IReadOnlyList<PeriodOutcome> PeriodsSettledBetween(DateOnly from, DateOnly to) =>
        Periods.Where(p => p.CountsForConsistency && p.SettledOn >= from && p.SettledOn <= to).ToList();

    private FigureExplanation ConsistencyFigure(string figure, Consistency value, DateOnly from, DateOnly to) =>
        new(figure, value.Done, value, PeriodsSettledBetween(from, to));
}
