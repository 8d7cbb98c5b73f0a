using Accountability.Api.Features.Access.Commands;
using Accountability.Api.Identity.Access;

namespace Accountability.Api.Features.Access;

/// <summary>
/// Who may do what: <see cref="Membership"/> over the inline access tables (found by their projection attribute),
/// <see cref="MemberNames"/>, an evaluator for each of <see cref="AccessRules"/>, and the write path every command
/// takes (<see cref="EventWriter"/>, <see cref="RequestActor"/>).
/// </summary>
public static class AccessArea
{
    public static WebApplicationBuilder AddAccess(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<Membership>();
        services.AddSingleton<MemberNames>();
        services.AddSingleton<EventWriter>();
        services.AddScoped<RequestActor>();
        services.AddScoped<IAccessRuleEvaluator, GroupMemberEvaluator>();
        services.AddScoped<IAccessRuleEvaluator, GroupStaffEvaluator>();
        services.AddScoped<IAccessRuleEvaluator, GroupCoachEvaluator>();
        services.AddScoped<IAccessRuleEvaluator, GoalViewerEvaluator>();
        services.AddScoped<IAccessRuleEvaluator, GoalOwnerEvaluator>();
        services.AddScoped<IAccessRuleEvaluator, MemberSelfOrStaffEvaluator>();
        services.AddScoped<IAccessRuleEvaluator, PartnerOrSelfEvaluator>();
        return builder;
    }
}
