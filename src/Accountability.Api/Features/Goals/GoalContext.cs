using Accountability.Api.Features.Access;
using Accountability.Api.Features.Access.Commands;
using Accountability.Domain.Common;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.Domain.Progress;
using Accountability.Domain.Wins;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Features.Goals;

/// <summary>
/// What every goal decision needs besides the goal: its group (roles, prompts, grace, default zone) and its
/// owner's member stream (own zone, pauses), which together make the owner's calendar. Read afresh on every
/// attempt of a write, so a retry decides on what is current.
/// </summary>
public sealed record GoalContext(Group? Group, Member? Owner)
{
    /// <summary>The goal's group id from the access table; a goal nobody knows is "not found".</summary>
    public static async Task<GoalAccess> FindAsync(Membership membership, Guid goalId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return await membership.GoalAsync(goalId, ct) ?? throw GoalNotFound();
    }

    /// <summary>"Not found" for a goal, as the domain words it.</summary>
    public static DomainException GoalNotFound() =>
        new(new DomainError(DomainErrorCodes.GoalNotFound, "Goal not found", "There is no such goal.", ErrorKind.NotFound));

    public static async Task<GoalContext> LoadAsync(EventWriter writer, Guid groupId, Guid ownerId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return new GoalContext(await writer.LoadGroupAsync(groupId, ct), await writer.LoadMemberAsync(ownerId, ct));
    }

    /// <summary>The group, or "not found" as the domain words it.</summary>
    public Group RequireGroup() =>
        Group ?? throw new DomainException(new DomainError(DomainErrorCodes.GroupNotFound, "Group not found", "There is no such group, or you are not in it.", ErrorKind.NotFound));
}

/// <summary>
/// Wins a goal fact produced, recorded in the same append as the fact (the domain's <see cref="WinDetector"/> on the
/// goal's progress just before and just after; <see cref="GoalDecisions"/> records each once, by its name-based id).
/// </summary>
public static class GoalWins
{
    /// <returns>The decided events followed by one <see cref="WinRecorded"/> per new win.</returns>
    public static IReadOnlyList<object> WithWins(Goal? before, IReadOnlyList<object> decided, Group group, Member? owner, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(decided);
        if (decided.Count == 0 || before is null)
        {
            return decided;
        }

        var after = decided.Aggregate(before, (state, e) => Goal.Evolve(state, e)!);
        var progressBefore = ProgressCalculator.Compute(before, group, owner, now);
        var progressAfter = ProgressCalculator.Compute(after, group, owner, now);
        var events = decided.ToList();
        foreach (var trigger in decided)
        {
            foreach (var win in WinDetector.Detect(progressBefore, progressAfter, trigger))
            {
                var recorded = GoalDecisions.Decide(new RecordWin(win), after, now);
                after = recorded.Aggregate(after, (state, e) => Goal.Evolve(state, e)!);
                events.AddRange(recorded);
            }
        }

        return events;
    }

    public static IReadOnlyList<WinResponse> Of(IReadOnlyList<object> events) =>
        events.OfType<WinRecorded>()
            .Select(w => new WinResponse(w.WinId, WinKindName(w.Kind), w.Value, w.Date, w.Summary))
            .ToList();

    public static string WinKindName(WinKind kind) => kind switch
    {
        WinKind.GoalAchieved => "goal-achieved",
        WinKind.StreakMilestone => "streak-milestone",
        WinKind.PersonalBest => "personal-best",
        WinKind.Comeback => "comeback",
        WinKind.Unstuck => "unstuck",
        _ => "group-milestone",
    };
}

/// <summary>A win the request produced; it is in the group's feed as well.</summary>
public sealed record WinResponse(Guid WinId, string Kind, int? Value, DateOnly Date, string Summary);
