using System.Text.Json;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Domain.Goals;
using Accountability.Domain.Progress;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>The compact form of a goal's figures in a step row gives back exactly what was written, and older rows still read.</summary>
[Trait("Category", "Read")]
public sealed class GoalFiguresJsonTests
{
    private static readonly GoalFigures Full = new(
        Guid.Parse("6f1b1c9e-6a39-4d2b-9a53-0f3c8f2d4e11"), "Run 5 km \"before\" work", GoalStatus.Achieved, GoalVisibility.PartnersAndCoach, StreakUnit.Week,
        12, new DateOnly(2026, 9, 14), 30, new Consistency(5, 7), new Consistency(20, 28), 2,
        new DateTimeOffset(2026, 12, 6, 16, 41, 0, TimeSpan.Zero).AddTicks(8_949_670), Guid.Parse("0b6f8f57-2f0e-4c59-8d0b-9f7c1d6e2a33"));

    private static readonly GoalFigures Empty = new(
        Guid.Parse("a1e8e0d4-3c1f-4f0e-b7a2-5d9c6b4f8e21"), string.Empty, GoalStatus.Active, GoalVisibility.Group, StreakUnit.Day,
        0, null, 0, Consistency.None, Consistency.None, 0, null, null);

    [Fact]
    public void Figures_written_compactly_read_back_equal_and_much_smaller_than_with_names()
    {
        List<GoalFigures> goals = [Full, Empty];

        var compact = JsonSerializer.Serialize(goals, GoalFiguresJson.Options);
        var back = JsonSerializer.Deserialize<List<GoalFigures>>(compact, GoalFiguresJson.Options)!;

        Assert.Equal(goals, back);
        Assert.Equal(Full.LastCheckInAt!.Value.UtcTicks, back[0].LastCheckInAt!.Value.UtcTicks);
        Assert.StartsWith("[[\"6f1b1c9e-", compact, StringComparison.Ordinal);
        Assert.True(compact.Length * 2 < ReadModelJson.Serialize(goals).Length, $"compact {compact.Length} chars, named {ReadModelJson.Serialize(goals).Length}");
    }

    [Fact]
    public void Figures_stored_with_names_by_an_earlier_version_still_read()
    {
        List<GoalFigures> goals = [Full, Empty];

        var back = JsonSerializer.Deserialize<List<GoalFigures>>(ReadModelJson.Serialize(goals), GoalFiguresJson.Options)!;

        Assert.Equal(goals, back);
    }

    [Theory]
    [InlineData("[[\"6f1b1c9e-6a39-4d2b-9a53-0f3c8f2d4e11\",\"t\",0,0,0,1,null,1,0,0,0,0,0,null]]")]
    [InlineData("[[\"6f1b1c9e-6a39-4d2b-9a53-0f3c8f2d4e11\",\"t\",0,0,0,1,null,1,0,0,0,0,0,null,null,7]]")]
    [InlineData("[\"not figures\"]")]
    public void Figures_of_another_shape_are_refused(string json) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<List<GoalFigures>>(json, GoalFiguresJson.Options));
}
