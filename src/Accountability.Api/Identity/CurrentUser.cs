using System.Security.Claims;
using Accountability.Api.Identity.Authentication;

namespace Accountability.Api.Identity;

/// <summary>
/// The member making the current request, for handlers (inject it; it is scoped). Built from the principal that
/// authentication rebuilt from the database, so <see cref="DisplayName"/> and <see cref="TimeZone"/> are current
/// even when the token is minutes old. In a hub, use <see cref="From"/> with <c>Context.User</c>.
/// </summary>
public sealed class CurrentUser
{
    private readonly ClaimsPrincipal? principal;

    private CurrentUser(ClaimsPrincipal? principal) => this.principal = principal;

    public static CurrentUser From(ClaimsPrincipal? principal) => new(principal);

    public bool IsAuthenticated =>
        principal?.Identity?.IsAuthenticated == true && Guid.TryParse(principal.FindFirst(AccountabilityClaims.MemberId)?.Value, out _);

    /// <summary>The member id (the account id). Throws on an anonymous request: an endpoint that reads it must require access.</summary>
    public Guid MemberId =>
        Guid.TryParse(principal?.FindFirst(AccountabilityClaims.MemberId)?.Value, out var id) && IsAuthenticated
            ? id
            : throw new InvalidOperationException("No signed-in member on this request; declare .RequireAccess(...) on the endpoint.");

    public string DisplayName => Required(AccountabilityClaims.DisplayName);

    /// <summary>The member's IANA time zone id.</summary>
    public string TimeZone => Required(AccountabilityClaims.TimeZone);

    /// <summary>The sign-in session of a locally issued token; null for external tokens.</summary>
    public Guid? SessionId =>
        Guid.TryParse(principal?.FindFirst(AccountabilityClaims.SessionId)?.Value, out var id) ? id : null;

    private string Required(string claim) =>
        principal?.FindFirst(claim)?.Value ?? throw new InvalidOperationException("No signed-in member on this request.");
}
