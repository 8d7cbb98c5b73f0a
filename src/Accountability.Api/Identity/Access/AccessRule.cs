namespace Accountability.Api.Identity.Access;

/// <summary>
/// A named rule that says who may call an endpoint, declared with
/// <see cref="AccessConventions.RequireAccess{TBuilder}(TBuilder, AccessRule[])"/>. Every rule implies a signed-in
/// member; a rule other than <see cref="Authenticated"/> also needs an <see cref="IAccessRuleEvaluator"/> registered
/// for it (no evaluator: every call is refused, and the access matrix test fails).
/// </summary>
/// <remarks>
/// Features declare their rules next to their evaluators, for example
/// <c>public static readonly AccessRule GroupMember = new("group-member", "a member of the group in the route");</c>.
/// </remarks>
public sealed class AccessRule(string name, string description) : IEquatable<AccessRule>
{
    /// <summary>Any signed-in member. Needs no evaluator.</summary>
    public static readonly AccessRule Authenticated = new("authenticated", "any signed-in member");

    public string Name { get; } = name;

    public string Description { get; } = description;

    public bool Equals(AccessRule? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as AccessRule);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;
}

/// <summary>Endpoint metadata: the access rules an endpoint declared (all must allow).</summary>
public sealed class AccessMetadata(IReadOnlyList<AccessRule> rules)
{
    public IReadOnlyList<AccessRule> Rules { get; } = rules;
}

/// <summary>What a rule decides for one call.</summary>
public enum AccessDecision
{
    Allow,

    /// <summary>403: the caller may know the resource exists but may not do this (a member who is not the coach).</summary>
    Forbid,

    /// <summary>404: the caller may not even know the resource exists (another group's goal).</summary>
    Hide,
}

/// <summary>The call a rule judges: the signed-in member, the route values and the request.</summary>
public sealed record AccessContext(Guid MemberId, RouteValueDictionary RouteValues, HttpContext HttpContext);

/// <summary>
/// Decides one <see cref="AccessRule"/> (reading read models, never the event streams). Register as scoped:
/// <c>services.AddScoped&lt;IAccessRuleEvaluator, GroupMemberEvaluator&gt;()</c>.
/// </summary>
public interface IAccessRuleEvaluator
{
    AccessRule Rule { get; }

    ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken);
}
