using Accountability.Domain.Goals;

namespace Accountability.Api.Features.Access.Commands;

/// <summary>How a goal is measured, on the wire: <c>{"kind":"number","unit":"km","target":5,"direction":"at-least"}</c> or <c>{"kind":"done"}</c>.</summary>
public sealed record MeasureShape(string? Kind, string? Unit = null, decimal? Target = null, string? Direction = null)
{
    public static MeasureShape From(GoalMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(measure);
        return measure.Kind == MeasureKind.Done
            ? new MeasureShape("done")
            : new MeasureShape(WireNames.MeasureKind.Name(measure.Kind), measure.Unit, measure.Target, WireNames.TargetDirection.Name(measure.Direction));
    }

    /// <summary>The domain measure; the shape must have passed its validator (known names).</summary>
    public GoalMeasure ToDomain() => new(
        WireNames.MeasureKind.Parse(Kind!),
        Unit,
        Target,
        Direction is null ? Domain.Goals.TargetDirection.AtLeast : WireNames.TargetDirection.Parse(Direction));
}

/// <summary>How often a goal is due, on the wire: <c>{"kind":"weekdays","days":["monday","thursday"]}</c>, <c>{"kind":"times-per-week","timesPerWeek":3}</c>.</summary>
public sealed record CadenceShape(string? Kind, IReadOnlyList<string>? Days = null, int? TimesPerWeek = null)
{
    public static CadenceShape From(Cadence cadence)
    {
        ArgumentNullException.ThrowIfNull(cadence);
        return new CadenceShape(
            WireNames.CadenceKind.Name(cadence.Kind),
            cadence.Days is { Count: > 0 } days ? days.Select(WireNames.Weekday.Name).ToArray() : null,
            cadence.TimesPerWeek);
    }

    public Cadence ToDomain() => new(
        WireNames.CadenceKind.Parse(Kind!),
        Days?.Select(WireNames.Weekday.Parse).ToArray(),
        TimesPerWeek);
}
