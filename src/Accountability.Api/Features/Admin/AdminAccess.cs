using Accountability.Api.Identity.Access;

namespace Accountability.Api.Features.Admin;

/// <summary>
/// Who operates the service: the member ids listed in <c>Admin:MemberIds</c>. Projection status, dead letters and
/// rebuilds are about the whole service, not a group, so no group role grants them (a coach is not an operator).
/// With no ids configured nobody is an operator and the admin endpoints answer 403 to everyone.
/// </summary>
public sealed record AdminSettings(IReadOnlySet<Guid> MemberIds)
{
    public const string Section = "Admin";

    public static AdminSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section).GetSection("MemberIds");
        var values = section.GetChildren().Select(c => c.Value).Append(section.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .SelectMany(v => v!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return new AdminSettings(values.Select(v => Guid.TryParse(v, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToHashSet());
    }
}

public static class AdminRules
{
    /// <summary>An operator of the service (see <see cref="AdminSettings"/>). Everyone else: 403.</summary>
    public static readonly AccessRule ServiceAdmin = new("service-admin", "an operator listed in Admin:MemberIds");
}

/// <summary>Reads the operators from configuration on every call, so a reloaded configuration takes effect at once.</summary>
internal sealed class ServiceAdminEvaluator(IConfiguration configuration) : IAccessRuleEvaluator
{
    public AccessRule Rule => AdminRules.ServiceAdmin;

    public ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AdminSettings.From(configuration).MemberIds.Contains(context.MemberId) ? AccessDecision.Allow : AccessDecision.Forbid);
}
