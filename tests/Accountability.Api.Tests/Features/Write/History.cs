using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Features.Goals;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Domain.Goals;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>
/// Arranges a past through the real decisions, decided as of earlier instants (the way the demo cohort is built):
/// a goal set days ago, check-ins on past days. Only the HTTP call under test runs at the real "now".
/// </summary>
public static class History
{
    public static EventWriter Writer(this ApiHost host) => host.Services.GetRequiredService<EventWriter>();

    /// <summary>A daily done/not-done goal set <paramref name="daysAgo"/> days ago (starting that day).</summary>
    public static async Task<Guid> SetGoalInThePastAsync(this ApiHost host, TestMember member, Guid groupId, int daysAgo, Cadence? cadence = null, GoalMeasure? measure = null)
    {
        var goalId = Guid.NewGuid();
        var actor = new Actor(member.Id, "Europe/Paris");
        var at = DateTimeOffset.UtcNow.AddDays(-daysAgo);
        await host.Writer().WriteGoalAsync(goalId, actor, new WriteOptions("SetGoal", ClientId: goalId, At: at),
            async (goal, now) =>
            {
                var context = await GoalContext.LoadAsync(host.Writer(), groupId, member.Id, default);
                return GoalDecisions.Decide(new SetGoal(goalId, "Walk 10,000 steps", null, measure ?? GoalMeasure.DoneOrNot, cadence ?? Cadence.Daily), goal, context.RequireGroup(), context.Owner, member.Id, now);
            },
            default);
        return goalId;
    }

    /// <summary>A done check-in for the day <paramref name="daysAgo"/> days ago, posted on that day.</summary>
    public static async Task CheckInInThePastAsync(this ApiHost host, TestMember member, Guid goalId, Guid groupId, int daysAgo, bool done = true, bool stuck = false)
    {
        var actor = new Actor(member.Id, "Europe/Paris");
        var checkInId = Guid.NewGuid();
        await host.Writer().WriteGoalAsync(goalId, actor, new WriteOptions("PostCheckIn", ClientId: checkInId, At: DateTimeOffset.UtcNow.AddDays(-daysAgo)),
            async (goal, now) =>
            {
                var context = await GoalContext.LoadAsync(host.Writer(), groupId, member.Id, default);
                var decided = GoalDecisions.Decide(new PostCheckIn(checkInId, Done: done, Stuck: stuck), goal, context.RequireGroup(), context.Owner, member.Id, now);
                return GoalWins.WithWins(goal, decided, context.RequireGroup(), context.Owner, now);
            },
            default);
    }
}
