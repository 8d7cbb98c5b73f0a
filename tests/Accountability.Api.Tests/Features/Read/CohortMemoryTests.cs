using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>
/// The states the cohort projection keeps between pages are trusted only by the page that starts where the last
/// committed one ended. (That the live projection, which uses them, writes the rows a rebuild writes without them is
/// <see cref="ReadModelTests.A_rebuilt_projection_equals_the_live_one_row_for_row"/>.)
/// </summary>
[Trait("Category", "Read")]
public sealed class CohortMemoryTests
{
    private static readonly Guid GroupId = Guid.NewGuid();
    private static readonly Guid MemberId = Guid.NewGuid();

    [Fact]
    public void Kept_states_serve_only_the_page_that_continues_the_last_committed_one()
    {
        var memory = new CohortMemory();
        Assert.Null(memory.For(0));
        var first = Goal(Guid.NewGuid());
        var second = Goal(Guid.NewGuid());
        memory.Keep(
            120,
            new Dictionary<Guid, Group>(),
            new Dictionary<Guid, Member>(),
            new Dictionary<Guid, Goal> { [first.Id] = first, [second.Id] = second },
            [(GroupId, MemberId)]);

        // The next page starts at 120: the member's goals are all there, by id and as a set.
        var kept = memory.For(120);
        Assert.NotNull(kept);
        Assert.True(kept.TryGoal(first.Id, out var found) && ReferenceEquals(first, found));
        Assert.Equal(new[] { first.Id, second.Id }.Order(), kept.GoalsOf((GroupId, MemberId))!.Select(g => g.Id).Order());
        Assert.Null(kept.GoalsOf((GroupId, Guid.NewGuid())));

        // A page that starts elsewhere (another process ran pages, a rebuild reset the checkpoint) gets nothing, and
        // nothing is trusted afterwards either, until a page commits again.
        Assert.Null(memory.For(150));
        Assert.Null(memory.For(120));
        Assert.Null(memory.For(null));
    }

    [Fact]
    public void Memory_starts_empty_rather_than_grow_past_its_bound()
    {
        var memory = new CohortMemory();
        var goals = Enumerable.Range(0, CohortMemory.MaxGoals).Select(_ => Goal(Guid.NewGuid())).ToDictionary(g => g.Id);
        memory.Keep(1, new Dictionary<Guid, Group>(), new Dictionary<Guid, Member>(), goals, []);
        var extra = Goal(Guid.NewGuid());
        memory.Keep(2, new Dictionary<Guid, Group>(), new Dictionary<Guid, Member>(), new Dictionary<Guid, Goal> { [extra.Id] = extra }, []);
        var kept = memory.For(2)!;
        Assert.True(kept.TryGoal(extra.Id, out _));
        Assert.False(kept.TryGoal(goals.Keys.First(), out _));
    }

    private static Goal Goal(Guid goalId) =>
        Domain.Goals.Goal.Evolve(null, new GoalSet(goalId, GroupId, MemberId, "Walk", null, GoalMeasure.DoneOrNot, Cadence.Daily,
            new DateOnly(2026, 1, 1), null, null, null, GoalVisibility.Group, DateTimeOffset.UnixEpoch))!;
}
