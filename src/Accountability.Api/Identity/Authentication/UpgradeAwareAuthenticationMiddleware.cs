using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Accountability.Api.Identity.Authentication;

internal static class UpgradeAwareAuthentication
{
    /// <summary>The key by which <see cref="WebApplication"/> knows an authentication step is in the pipeline.</summary>
    private const string AuthenticationSetKey = "__AuthenticationMiddlewareSet";

    /// <summary>Adds the authentication step in place of <c>UseAuthentication</c>.</summary>
    public static IApplicationBuilder UseUpgradeAwareAuthentication(this IApplicationBuilder app)
    {
        // Without this key, WebApplication would put the framework's own step in front of the whole pipeline too.
        app.Properties[AuthenticationSetKey] = true;
        return app.UseMiddleware<UpgradeAwareAuthenticationMiddleware>();
    }
}

/// <summary>
/// The pipeline's authentication step. Ordinary requests go through the framework's
/// <see cref="AuthenticationMiddleware"/>. An upgrade request to a hub (its WebSocket) lives as long as its connection,
/// and everything its authentication builds would live as long: the handlers and their cached results, tickets,
/// properties and the request's scoped services. So it is authenticated in a service scope of its own that ends at
/// once, and the request keeps only the member id and the token's expiry (<see cref="UpgradeAuthentication"/>).
/// </summary>
internal sealed class UpgradeAwareAuthenticationMiddleware(RequestDelegate next, IAuthenticationSchemeProvider schemes, IServiceScopeFactory scopes)
{
    private readonly AuthenticationMiddleware ordinary = new(next, schemes);

    public Task InvokeAsync(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
        && context.Request.Path.StartsWithSegments(BearerTokenReader.HubPathPrefix)
            ? AuthenticateUpgradeAsync(context)
            : ordinary.Invoke(context);

    private async Task AuthenticateUpgradeAsync(HttpContext context)
    {
        var result = await AuthenticateInOwnScopeAsync(context);
        if (result is { Succeeded: true, Ticket: { } ticket })
        {
            var member = MemberOnly(ticket.Principal);
            context.User = member;
            var authentication = new UpgradeAuthentication(member, ticket.Properties.ExpiresUtc, ticket.AuthenticationScheme);
            context.Features.Set<IHttpAuthenticationFeature>(authentication);
            context.Features.Set<IAuthenticateResultFeature>(authentication);
        }

        await next(context);
    }

    /// <summary>
    /// Who the connection is, and nothing else: a hub reads the member id (<see cref="CurrentUser.MemberId"/>, and
    /// SignalR's user id); names and zones can change while it is open, so a hub that needs them reads them fresh.
    /// </summary>
    private static ClaimsPrincipal MemberOnly(ClaimsPrincipal principal)
    {
        var identity = principal.Identity as ClaimsIdentity;
        var memberId = principal.FindFirst(AccountabilityClaims.MemberId);
        return memberId is null || identity is null
            ? principal
            : new ClaimsPrincipal(new ClaimsIdentity([new Claim(memberId.Type, memberId.Value)], identity.AuthenticationType, identity.NameClaimType, identity.RoleClaimType));
    }

    private async Task<AuthenticateResult> AuthenticateInOwnScopeAsync(HttpContext context)
    {
        var requestServices = context.RequestServices;
        await using var scope = scopes.CreateAsyncScope();
        context.RequestServices = scope.ServiceProvider;
        try
        {
            return await context.AuthenticateAsync();
        }
        finally
        {
            context.RequestServices = requestServices;
        }
    }
}

/// <summary>
/// What a long-lived request keeps of its authentication: the principal and the token's expiry. The result is
/// built again whenever it is asked for (authorization asks once, SignalR once at connect for the expiry it closes
/// the connection at), so no ticket is held between.
/// </summary>
internal sealed class UpgradeAuthentication(ClaimsPrincipal user, DateTimeOffset? expiresUtc, string scheme)
    : IHttpAuthenticationFeature, IAuthenticateResultFeature
{
    public ClaimsPrincipal? User { get; set; } = user;

    public AuthenticateResult? AuthenticateResult
    {
        get => User is { } principal
            ? AuthenticateResult.Success(new AuthenticationTicket(principal, new AuthenticationProperties { ExpiresUtc = expiresUtc }, scheme))
            : null;
        set
        {
            User = value?.Principal;
            expiresUtc = value?.Properties?.ExpiresUtc;
        }
    }
}
