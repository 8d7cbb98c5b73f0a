using Accountability.Api.Features.Access.Commands;
using Accountability.Domain.Goals;

namespace Accountability.Api.Features.Goals;

/// <summary>
/// A goal's current definition. <c>why</c>, <c>reward</c>, <c>consequence</c> and the measure's target are
/// personal: members who see only a summary of the goal (the group hides individual numbers) get them as null.
/// <c>version</c> is the goal's ETag for If-Match.
/// </summary>
public sealed record GoalResponse(
    Guid GoalId,
    Guid GroupId,
    Guid MemberId,
    string Title,
    string? Why,
    MeasureShape Measure,
    CadenceShape Cadence,
    DateOnly StartDate,
    DateOnly? EndDate,
    string? Reward,
    string? Consequence,
    string Visibility,
    string Status,
    DateOnly? ClosedOn,
    int Revision,
    DateTimeOffset SetAt,
    long Version)
{
    public static GoalResponse From(Goal goal, long version)
    {
        ArgumentNullException.ThrowIfNull(goal);
        return new GoalResponse(
            goal.Id,
            goal.GroupId,
            goal.MemberId,
            goal.Title,
            goal.Why,
            MeasureShape.From(goal.Measure),
            CadenceShape.From(goal.Cadence),
            goal.StartDate,
            goal.EndDate,
            goal.Reward,
            goal.Consequence,
            WireNames.GoalVisibility.Name(goal.Visibility),
            WireNames.GoalStatus.Name(goal.Status),
            goal.ClosedOn,
            goal.Revision,
            goal.SetAt,
            version);
    }

    /// <summary>The goal without its personal parts, for a viewer with summary access.</summary>
    public GoalResponse Summary() => this with
    {
        Why = null,
        Reward = null,
        Consequence = null,
        Measure = Measure with { Target = null },
    };
}

/// <summary>A goal's measure and cadence as sent by clients; checked against the wire names before the domain sees them.</summary>
internal static class GoalShapeRules
{
    public static bool IsKnown(MeasureShape? measure) =>
        measure is null
        || (WireNames.MeasureKind.IsName(measure.Kind)
            && (measure.Direction is null || WireNames.TargetDirection.IsName(measure.Direction))
            && (measure.Unit is null || TextRules.IsClean(measure.Unit, multiLine: false)));

    public static bool IsKnown(CadenceShape? cadence) =>
        cadence is null
        || (WireNames.CadenceKind.IsName(cadence.Kind) && (cadence.Days is null || cadence.Days.All(WireNames.Weekday.IsName)));

    public const string MeasureMessage = "A measure is {\"kind\":\"done\"} or {\"kind\":\"number\",\"unit\":\"km\",\"target\":5,\"direction\":\"at-least\"|\"at-most\"}.";

    public const string CadenceMessage = "A cadence is {\"kind\":\"daily\"|\"weekly\"}, {\"kind\":\"weekdays\",\"days\":[\"monday\",...]} or {\"kind\":\"times-per-week\",\"timesPerWeek\":3}.";
}
