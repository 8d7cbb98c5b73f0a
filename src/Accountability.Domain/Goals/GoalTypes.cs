namespace Accountability.Domain.Goals;

// Enum values are stored in events: never renumber.

public enum MeasureKind
{
    /// <summary>Done or not done.</summary>
    Done = 0,

    /// <summary>A number with a unit, compared with a target.</summary>
    Number = 1,
}

public enum TargetDirection
{
    /// <summary>Done when the value is at least the target (e.g. 8 glasses of water).</summary>
    AtLeast = 0,

    /// <summary>Done when the value is at most the target (e.g. at most 2 coffees).</summary>
    AtMost = 1,
}

public enum CadenceKind
{
    Daily = 0,

    /// <summary>On chosen weekdays only; other days are neither due nor missed.</summary>
    Weekdays = 1,

    /// <summary>N done days in each Monday-to-Sunday week; the streak counts weeks.</summary>
    TimesPerWeek = 2,

    /// <summary>Once in each Monday-to-Sunday week; the streak counts weeks.</summary>
    Weekly = 3,
}

/// <summary>Who besides the member sees the goal and its check-ins.</summary>
public enum GoalVisibility
{
    Group = 0,
    PartnersAndCoach = 1,
    CoachOnly = 2,
}

public enum GoalStatus
{
    Active = 0,
    Achieved = 1,
    Abandoned = 2,
}

public enum CorrectionStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
}

public sealed record GoalMeasure(MeasureKind Kind, string? Unit = null, decimal? Target = null, TargetDirection Direction = TargetDirection.AtLeast)
{
    public static GoalMeasure DoneOrNot { get; } = new(MeasureKind.Done);

    public static GoalMeasure Number(string unit, decimal target, TargetDirection direction = TargetDirection.AtLeast) =>
        new(MeasureKind.Number, unit, target, direction);

    /// <summary>Whether a reported value meets the target.</summary>
    public bool IsMet(decimal value) => Target is { } target && (Direction == TargetDirection.AtLeast ? value >= target : value <= target);
}

/// <summary>How often the goal is due. Weeks run Monday to Sunday (ISO) in the member's local dates.</summary>
public sealed record Cadence(CadenceKind Kind, IReadOnlyList<DayOfWeek>? Days = null, int? TimesPerWeek = null)
{
    public static Cadence Daily { get; } = new(CadenceKind.Daily);

    public static Cadence Weekly { get; } = new(CadenceKind.Weekly);

    // Methods rather than properties: a cadence is stored inside events, and only its data belongs there.

    /// <summary>Whether the streak counts weeks (N times a week, weekly) rather than days.</summary>
    public bool CountsWeeks() => Kind is CadenceKind.TimesPerWeek or CadenceKind.Weekly;

    /// <summary>Done days needed in a full week, for week-counting cadences.</summary>
    public int DaysPerWeek() => Kind == CadenceKind.TimesPerWeek ? TimesPerWeek ?? 1 : 1;

    public static Cadence On(params DayOfWeek[] days) => new(CadenceKind.Weekdays, days);

    public static Cadence TimesAWeek(int times) => new(CadenceKind.TimesPerWeek, TimesPerWeek: times);

    /// <summary>For day-counting cadences: whether this weekday is due.</summary>
    public bool IsDueOn(DayOfWeek day) => Kind switch
    {
        CadenceKind.Daily => true,
        CadenceKind.Weekdays => Days?.Contains(day) == true,
        _ => false,
    };

    public bool Equals(Cadence? other) =>
        other is not null
        && Kind == other.Kind
        && TimesPerWeek == other.TimesPerWeek
        && (Days ?? []).Order().SequenceEqual((other.Days ?? []).Order());

    public override int GetHashCode() => HashCode.Combine(Kind, TimesPerWeek, (Days ?? []).Aggregate(0, (h, d) => h | (1 << (int)d)));
}

/// <summary>An answer to one of the group's check-in prompts.</summary>
public sealed record PromptAnswer(Guid PromptId, string Text);
