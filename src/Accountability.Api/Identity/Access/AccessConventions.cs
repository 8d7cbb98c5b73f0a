using Microsoft.AspNetCore.Authorization;

namespace Accountability.Api.Identity.Access;

/// <summary>
/// The one way endpoints declare access: <c>.RequireAccess(AccessRule.X, ...)</c>, or <c>.AllowAnonymous()</c>
/// for the few public ones. Works on single endpoints and on route groups. An endpoint with neither still
/// requires a signed-in member (the fallback policy), and the access matrix test fails until it declares one.
/// </summary>
public static class AccessConventions
{
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, params AccessRule[] rules)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.Length == 0)
        {
            throw new ArgumentException("Declare at least one access rule.", nameof(rules));
        }

        // No scheme named: the pipeline's authentication step has already run the default (bearer) scheme, and
        // naming it here would authenticate every request a second time.
        var policy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser();
        foreach (var rule in rules.Where(r => !r.Equals(AccessRule.Authenticated)))
        {
            policy.AddRequirements(new AccessRequirement(rule));
        }

        builder.WithMetadata(new AccessMetadata(rules));
        builder.RequireAuthorization(policy.Build());
        return builder;
    }
}

/// <summary>The authorization requirement behind one access rule.</summary>
public sealed class AccessRequirement(AccessRule rule) : IAuthorizationRequirement
{
    public AccessRule Rule { get; } = rule;
}
