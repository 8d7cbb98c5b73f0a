using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Members;

namespace Accountability.Api.Features.Access.Commands;

/// <summary>
/// How domain enums are spelled on the wire: lower-case kebab words (<c>"partners-and-coach"</c>), never numbers,
/// so a client reads what it sends and the enum order can never leak into the contract.
/// </summary>
public static class WireNames
{
    public static readonly WireEnum<GoalVisibility> GoalVisibility = new(
        ("group", Domain.Goals.GoalVisibility.Group),
        ("partners-and-coach", Domain.Goals.GoalVisibility.PartnersAndCoach),
        ("coach-only", Domain.Goals.GoalVisibility.CoachOnly));

    public static readonly WireEnum<NumbersVisibility> NumbersVisibility = new(
        ("hidden", Domain.Groups.NumbersVisibility.Hidden),
        ("aggregate-only", Domain.Groups.NumbersVisibility.AggregateOnly),
        ("individual", Domain.Groups.NumbersVisibility.Individual));

    public static readonly WireEnum<LeaderboardBasis> LeaderboardBasis = new(
        ("consistency", Domain.Leaderboards.LeaderboardBasis.Consistency),
        ("done-count", Domain.Leaderboards.LeaderboardBasis.DoneCount));

    public static readonly WireEnum<MeasureKind> MeasureKind = new(
        ("done", Domain.Goals.MeasureKind.Done),
        ("number", Domain.Goals.MeasureKind.Number));

    public static readonly WireEnum<TargetDirection> TargetDirection = new(
        ("at-least", Domain.Goals.TargetDirection.AtLeast),
        ("at-most", Domain.Goals.TargetDirection.AtMost));

    public static readonly WireEnum<CadenceKind> CadenceKind = new(
        ("daily", Domain.Goals.CadenceKind.Daily),
        ("weekdays", Domain.Goals.CadenceKind.Weekdays),
        ("times-per-week", Domain.Goals.CadenceKind.TimesPerWeek),
        ("weekly", Domain.Goals.CadenceKind.Weekly));

    public static readonly WireEnum<DayOfWeek> Weekday = new(
        ("monday", DayOfWeek.Monday),
        ("tuesday", DayOfWeek.Tuesday),
        ("wednesday", DayOfWeek.Wednesday),
        ("thursday", DayOfWeek.Thursday),
        ("friday", DayOfWeek.Friday),
        ("saturday", DayOfWeek.Saturday),
        ("sunday", DayOfWeek.Sunday));

    public static readonly WireEnum<PauseReason> PauseReason = new(
        ("vacation", Domain.Members.PauseReason.Vacation),
        ("illness", Domain.Members.PauseReason.Illness),
        ("injury", Domain.Members.PauseReason.Injury),
        ("travel", Domain.Members.PauseReason.Travel),
        ("family", Domain.Members.PauseReason.Family),
        ("work", Domain.Members.PauseReason.Work),
        ("other", Domain.Members.PauseReason.Other));

    public static readonly WireEnum<ReportReason> ReportReason = new(
        ("spam", Domain.Members.ReportReason.Spam),
        ("harassment", Domain.Members.ReportReason.Harassment),
        ("inappropriate", Domain.Members.ReportReason.Inappropriate),
        ("misinformation", Domain.Members.ReportReason.Misinformation),
        ("other", Domain.Members.ReportReason.Other));

    public static readonly WireEnum<GroupRole> Role = new(
        ("member", GroupRole.Member),
        ("co-coach", GroupRole.CoCoach),
        ("coach", GroupRole.Coach));

    public static readonly WireEnum<GoalStatus> GoalStatus = new(
        ("active", Domain.Goals.GoalStatus.Active),
        ("achieved", Domain.Goals.GoalStatus.Achieved),
        ("abandoned", Domain.Goals.GoalStatus.Abandoned));
}

/// <summary>One enum's wire names, both ways.</summary>
public sealed class WireEnum<T>
    where T : struct, Enum
{
    private readonly Dictionary<string, T> byName;
    private readonly Dictionary<T, string> byValue;

    public WireEnum(params (string Name, T Value)[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        byName = names.ToDictionary(n => n.Name, n => n.Value, StringComparer.Ordinal);
        byValue = names.ToDictionary(n => n.Value, n => n.Name);
        Names = names.Select(n => n.Name).ToArray();
    }

    public IReadOnlyList<string> Names { get; }

    /// <summary>"one of: a, b, c" for validation messages.</summary>
    public string Expected => "one of: " + string.Join(", ", Names);

    public bool IsName(string? name) => name is not null && byName.ContainsKey(name);

    public T Parse(string name) => byName[name];

    public T? ParseOrNull(string? name) => name is null ? null : byName[name];

    public string Name(T value) => byValue[value];
}
