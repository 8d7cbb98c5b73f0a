using Accountability.Api.Infrastructure.EventStore;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Members;
using Accountability.EventStore;
using Accountability.EventStore.Projections;

namespace Accountability.Api.Features.Progress.ReadModel;

/// <summary>
/// The cohort read model behind member progress, leaderboards, coach views and the partner view. It keeps each
/// group's, person's and goal's domain state, and for every active member of a group the figures the domain computes
/// (streaks, consistency, board entries, the coach queue's input) for each step of the next two days; partner pairs
/// likewise. Queries then read one step per member instead of recomputing streaks from a goal's whole history.
/// </summary>
/// <remarks>
/// A page is applied set-based: the rows it touches are loaded in two round trips, events are folded in memory with
/// the domain's own <c>Evolve</c> functions, figures are recomputed once per touched member, and every write is
/// queued to travel with the checkpoint move. A member's steps start at the instant of the last event that changed
/// their figures, so a rebuild, whatever its page boundaries, writes the same rows as the live projection.
/// </remarks>
[Projection(ProjectionLifecycle.Async)]
internal sealed class CohortProgressProjection : IProjection
{
    public const string ProjectionName = "cohort-progress";

    private readonly CohortMemory memory = new();

    public string Name => ProjectionName;

    public IReadOnlyCollection<Type> EventTypes { get; } =
    [
        typeof(GroupCreated), typeof(GroupTimeZoneChanged), typeof(GraceRuleChanged), typeof(NumbersVisibilityChanged),
        typeof(LeaderboardRuleChanged), typeof(MemberJoined), typeof(MemberLeft), typeof(MemberRemoved), typeof(MemberReinstated),
        typeof(CoCoachAssigned), typeof(CoCoachUnassigned), typeof(CoachHandedOver), typeof(PartnersPaired), typeof(PartnersUnpaired),
        typeof(LeaderboardOptedOut), typeof(LeaderboardOptedIn),
        typeof(GoalSet), typeof(GoalRevised), typeof(GoalVisibilityChanged), typeof(GoalAchieved), typeof(GoalAbandoned),
        typeof(CheckInPosted), typeof(CheckInAmended), typeof(StreakCorrectionRequested), typeof(StreakCorrectionApproved),
        typeof(StreakCorrectionRejected),
        typeof(TimeZoneChanged), typeof(PauseDeclared), typeof(PauseEnded), typeof(NudgeSent), typeof(CommentPosted), typeof(KudosGiven),
    ];

    public IReadOnlyList<string> Schema => CohortTables.Schema;

    public IReadOnlyList<string> Tables => CohortTables.All;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var page = new CohortPage(context, memory);
        await page.ApplyAsync(events, ct);
    }
}
