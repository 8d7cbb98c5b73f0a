using System.Net;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Api.Tests.Security;

namespace Accountability.Api.Tests.Features.Write.Security;

/// <summary>
/// The refused caller of each product access rule, for the application-wide access matrix (which finds these by
/// reflection and calls every endpoint that declares the rule, whichever feature mapped it). Route values name
/// the things of one <see cref="AccessWorld"/>; the callers are people who may know the thing exists but may not
/// do this (403) or who may not know it exists at all (404).
/// </summary>
public abstract class WorldScenario(AccessRule rule, HttpStatusCode expected) : IAccessRuleScenario
{
    public AccessRule Rule { get; } = rule;

    public async Task<DeniedCall> ArrangeAsync(ApiHost host, EndpointCatalog.ApiEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(host);
        var world = await AccessWorld.OfAsync(host);
        return new DeniedCall(host.ClientFor(Caller(world)), world.Url(endpoint), expected);
    }

    protected abstract TestMember Caller(AccessWorld world);
}

/// <summary>group-member: someone from another group may not know the group exists.</summary>
public sealed class GroupMemberScenario() : WorldScenario(AccessRules.GroupMember, HttpStatusCode.NotFound)
{
    protected override TestMember Caller(AccessWorld world) => world.Outsider;
}

/// <summary>group-staff: a plain member knows the group but is not staff.</summary>
public sealed class GroupStaffScenario() : WorldScenario(AccessRules.GroupStaff, HttpStatusCode.Forbidden)
{
    protected override TestMember Caller(AccessWorld world) => world.Bystander;
}

/// <summary>group-coach: a plain member knows the group but is not its coach.</summary>
public sealed class GroupCoachScenario() : WorldScenario(AccessRules.GroupCoach, HttpStatusCode.Forbidden)
{
    protected override TestMember Caller(AccessWorld world) => world.Bystander;
}

/// <summary>goal-viewer: someone from another group may not know the goal exists.</summary>
public sealed class GoalViewerScenario() : WorldScenario(AccessRules.GoalViewer, HttpStatusCode.NotFound)
{
    protected override TestMember Caller(AccessWorld world) => world.Outsider;
}

/// <summary>goal-owner: a member who sees the group goal may not act on it.</summary>
public sealed class GoalOwnerScenario() : WorldScenario(AccessRules.GoalOwner, HttpStatusCode.Forbidden)
{
    protected override TestMember Caller(AccessWorld world) => world.Bystander;
}

/// <summary>member-self-or-staff: another plain member of the group is neither the member nor staff.</summary>
public sealed class MemberSelfOrStaffScenario() : WorldScenario(AccessRules.MemberSelfOrStaff, HttpStatusCode.Forbidden)
{
    protected override TestMember Caller(AccessWorld world) => world.Bystander;
}

/// <summary>partner-or-self: a member of the group who is not the member's partner.</summary>
public sealed class PartnerOrSelfScenario() : WorldScenario(AccessRules.PartnerOrSelf, HttpStatusCode.Forbidden)
{
    protected override TestMember Caller(AccessWorld world) => world.Bystander;
}
