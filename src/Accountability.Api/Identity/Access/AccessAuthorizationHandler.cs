using Accountability.Api.Identity.Authentication;
using Accountability.Api.Infrastructure.Http.Problems;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Accountability.Api.Identity.Access;

/// <summary>
/// Runs the evaluator of each declared rule (before the endpoint binds its body). A rule without an evaluator
/// refuses every call: access fails closed.
/// </summary>
/// <remarks>
/// Evaluators are resolved only when a rule is evaluated: authorization builds every handler for every request, and
/// a feed connection's request (which declares no rule) keeps its service scope for as long as it stays open.
/// </remarks>
internal sealed partial class AccessAuthorizationHandler(
    IServiceProvider services,
    ILogger<AccessAuthorizationHandler> logger) : AuthorizationHandler<AccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, AccessRequirement requirement)
    {
        if (context.Resource is not HttpContext http
            || !Guid.TryParse(context.User.FindFirst(AccountabilityClaims.MemberId)?.Value, out var memberId))
        {
            context.Fail(new AuthorizationFailureReason(this, "Not a member request."));
            return;
        }

        var evaluator = services.GetServices<IAccessRuleEvaluator>().FirstOrDefault(e => e.Rule.Equals(requirement.Rule));
        if (evaluator is null)
        {
            LogNoEvaluator(logger, requirement.Rule.Name);
            context.Fail(new AuthorizationFailureReason(this, "No evaluator for access rule " + requirement.Rule.Name));
            return;
        }

        var decision = await evaluator.EvaluateAsync(new AccessContext(memberId, http.Request.RouteValues, http), http.RequestAborted);
        switch (decision)
        {
            case AccessDecision.Allow:
                context.Succeed(requirement);
                break;
            case AccessDecision.Hide:
                context.Fail(new HiddenResourceReason(this));
                break;
            default:
                context.Fail(new AuthorizationFailureReason(this, "Access rule " + requirement.Rule.Name + " refused the call."));
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Access rule {Rule} has no evaluator registered; the call is refused")]
    private static partial void LogNoEvaluator(ILogger logger, string rule);
}

/// <summary>A refusal that must look like "no such resource" (404), not "not yours" (403).</summary>
internal sealed class HiddenResourceReason(IAuthorizationHandler handler) : AuthorizationFailureReason(handler, "Hidden resource.");

/// <summary>Writes authorization refusals as problem documents: 404 for hidden resources, else 401/403.</summary>
internal sealed class AccessResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler fallback = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure?.FailureReasons.Any(r => r is HiddenResourceReason) == true)
        {
            return ProblemResponses.WriteAsync(context, ProblemResponses.ForStatus(StatusCodes.Status404NotFound));
        }

        return fallback.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>
/// The fallback for endpoints that declared no access: a signed-in member is required. Requests that matched no
/// application endpoint (routing's 404, 405 and 415 answers) pass, so they get their real status, not 401.
/// </summary>
internal sealed class UndeclaredEndpointRequirement : AuthorizationHandler<UndeclaredEndpointRequirement>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, UndeclaredEndpointRequirement requirement)
    {
        var endpoint = (context.Resource as HttpContext)?.GetEndpoint();
        if (endpoint is not RouteEndpoint || context.User.Identity?.IsAuthenticated == true)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
