using Accountability.Api.Identity.Access;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.EventStore;

namespace Accountability.Api.Features.Access;

/// <summary>
/// The product's access rules. Each reads route values and asks <see cref="Membership"/>; existence stays private
/// to outsiders (404), while people who may know a thing exists but may not do this get 403.
/// Declare them with <c>.RequireAccess(AccessRules.GroupMember)</c>.
/// </summary>
public static class AccessRules
{
    /// <summary>Route <c>groupId</c>: an active member of the group (any role). Others: 404.</summary>
    public static readonly AccessRule GroupMember = new("group-member", "an active member of the group in the route");

    /// <summary>Route <c>groupId</c>: the coach or a co-coach. Other members: 403; outsiders: 404.</summary>
    public static readonly AccessRule GroupStaff = new("group-staff", "the coach or a co-coach of the group in the route");

    /// <summary>Route <c>groupId</c>: the coach. Co-coaches and members: 403; outsiders: 404.</summary>
    public static readonly AccessRule GroupCoach = new("group-coach", "the coach of the group in the route");

    /// <summary>Route <c>goalId</c>: someone who may see the goal (owner, staff, partner, member as visibility allows). Others: 404.</summary>
    public static readonly AccessRule GoalViewer = new("goal-viewer", "someone who may see the goal in the route");

    /// <summary>Route <c>goalId</c>: the goal's owner, still active in its group. Others who may see it: 403; the rest: 404.</summary>
    public static readonly AccessRule GoalOwner = new("goal-owner", "the owner of the goal in the route");

    /// <summary>
    /// Routes <c>memberId</c> and <c>groupId</c>: the member themself or the group's staff. Other members: 403;
    /// outsiders, or a member id not in the group: 404. Without <c>groupId</c>: the member, or staff of any group the
    /// member is active in; people who share a group with them: 403; others: 404.
    /// </summary>
    public static readonly AccessRule MemberSelfOrStaff = new("member-self-or-staff", "the member in the route, or staff of their group");

    /// <summary>
    /// Routes <c>memberId</c> and <c>groupId</c>: the member, a partner of the member in the group, or the group's
    /// staff. Other members: 403; outsiders, or a member id not in the group: 404.
    /// </summary>
    public static readonly AccessRule PartnerOrSelf = new("partner-or-self", "the member in the route, their partner in the group, or the group's staff");

    internal static Guid? RouteGuid(AccessContext context, string name) =>
        context.RouteValues.TryGetValue(name, out var value) && Guid.TryParse(value?.ToString(), out var id) ? id : null;
}

internal sealed class GroupMemberEvaluator(Membership membership) : IAccessRuleEvaluator
{
    public AccessRule Rule => AccessRules.GroupMember;

    public async ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken) =>
        AccessRules.RouteGuid(context, "groupId") is { } groupId && await membership.RoleInAsync(groupId, context.MemberId, cancellationToken) is not null
            ? AccessDecision.Allow
            : AccessDecision.Hide;
}

internal sealed class GroupStaffEvaluator(Membership membership) : IAccessRuleEvaluator
{
    public AccessRule Rule => AccessRules.GroupStaff;

    public async ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken)
    {
        if (AccessRules.RouteGuid(context, "groupId") is not { } groupId)
        {
            return AccessDecision.Hide;
        }

        return await membership.RoleInAsync(groupId, context.MemberId, cancellationToken) switch
        {
            GroupRole.Coach or GroupRole.CoCoach => AccessDecision.Allow,
            GroupRole.Member => AccessDecision.Forbid,
            _ => AccessDecision.Hide,
        };
    }
}

internal sealed class GroupCoachEvaluator(Membership membership) : IAccessRuleEvaluator
{
    public AccessRule Rule => AccessRules.GroupCoach;

    public async ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken)
    {
        if (AccessRules.RouteGuid(context, "groupId") is not { } groupId)
        {
            return AccessDecision.Hide;
        }

        return await membership.RoleInAsync(groupId, context.MemberId, cancellationToken) switch
        {
            GroupRole.Coach => AccessDecision.Allow,
            null => AccessDecision.Hide,
            _ => AccessDecision.Forbid,
        };
    }
}

internal sealed class GoalViewerEvaluator(Membership membership) : IAccessRuleEvaluator
{
    public AccessRule Rule => AccessRules.GoalViewer;

    public async ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken) =>
        AccessRules.RouteGuid(context, "goalId") is { } goalId && await membership.CanSeeGoalAsync(context.MemberId, goalId, cancellationToken)
            ? AccessDecision.Allow
            : AccessDecision.Hide;
}

/// <remarks>
/// The owner is recognised on the goal's and the group's streams as this process keeps them (usually without a
/// database read): every goal-owner endpoint decides through the <see cref="Commands.EventWriter"/> on those same
/// streams with the same rule (the goal is the caller's, the caller active in its group), and its append checks
/// that they have not moved, so a state kept from before a removal is caught there. Anything else is answered
/// from the access tables.
/// </remarks>
internal sealed class GoalOwnerEvaluator(Membership membership, IEventStore store) : IAccessRuleEvaluator
{
    public AccessRule Rule => AccessRules.GoalOwner;

    public async ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken)
    {
        if (AccessRules.RouteGuid(context, "goalId") is not { } goalId)
        {
            return AccessDecision.Hide;
        }

        var goal = (await store.FetchForWritingAsync<Goal>(Domain.Common.StreamIds.Goal(goalId), Goal.Evolve, FetchMode.Optimistic, cancellationToken)).State;
        if (goal is not null && goal.MemberId == context.MemberId)
        {
            var group = (await store.FetchForWritingAsync<Group>(Domain.Common.StreamIds.Group(goal.GroupId), Group.Evolve, FetchMode.Optimistic, cancellationToken)).State;
            if (group?.MembershipOf(context.MemberId) is { Status: MembershipStatus.Active })
            {
                return AccessDecision.Allow;
            }
        }

        // Seeing it means the caller is an active member of the goal's group; the owner also sees it.
        var (access, ownerId) = await membership.GoalAccessAndOwnerAsync(context.MemberId, goalId, cancellationToken);
        return access == Domain.Feed.Access.None ? AccessDecision.Hide
            : ownerId == context.MemberId ? AccessDecision.Allow
            : AccessDecision.Forbid;
    }
}

internal sealed class MemberSelfOrStaffEvaluator(Membership membership) : IAccessRuleEvaluator
{
    public AccessRule Rule => AccessRules.MemberSelfOrStaff;

    public async ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken)
    {
        if (AccessRules.RouteGuid(context, "memberId") is not { } memberId)
        {
            return AccessDecision.Hide;
        }

        if (AccessRules.RouteGuid(context, "groupId") is not { } groupId)
        {
            if (memberId == context.MemberId)
            {
                return AccessDecision.Allow;
            }

            var theirs = (await membership.GroupsOfAsync(memberId, cancellationToken)).Select(g => g.GroupId).ToHashSet();
            var shared = (await membership.GroupsOfAsync(context.MemberId, cancellationToken)).Where(g => theirs.Contains(g.GroupId)).ToList();
            if (shared.Any(g => g.Role is GroupRole.Coach or GroupRole.CoCoach))
            {
                return AccessDecision.Allow;
            }

            // Someone who shares a group with the member knows them, but may not act for them.
            return shared.Count > 0 ? AccessDecision.Forbid : AccessDecision.Hide;
        }

        var caller = await membership.RoleInAsync(groupId, context.MemberId, cancellationToken);
        if (caller is null || !await membership.IsOnRosterAsync(groupId, memberId, cancellationToken))
        {
            return AccessDecision.Hide;
        }

        return memberId == context.MemberId || caller is GroupRole.Coach or GroupRole.CoCoach
            ? AccessDecision.Allow
            : AccessDecision.Forbid;
    }
}

internal sealed class PartnerOrSelfEvaluator(Membership membership) : IAccessRuleEvaluator
{
    public AccessRule Rule => AccessRules.PartnerOrSelf;

    public async ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken)
    {
        if (AccessRules.RouteGuid(context, "memberId") is not { } memberId || AccessRules.RouteGuid(context, "groupId") is not { } groupId)
        {
            return AccessDecision.Hide;
        }

        var caller = await membership.RoleInAsync(groupId, context.MemberId, cancellationToken);
        if (caller is null || !await membership.IsOnRosterAsync(groupId, memberId, cancellationToken))
        {
            return AccessDecision.Hide;
        }

        if (memberId == context.MemberId || caller is GroupRole.Coach or GroupRole.CoCoach)
        {
            return AccessDecision.Allow;
        }

        return (await membership.PartnersOfAsync(groupId, context.MemberId, cancellationToken)).Contains(memberId)
            ? AccessDecision.Allow
            : AccessDecision.Forbid;
    }
}
