namespace Accountability.Api.Identity.Authentication;

/// <summary>
/// Claims of the principal every authenticated request carries, whoever issued its token. After validation
/// the principal is rebuilt from the database: <c>sub</c> is always the member id (also in
/// <c>ClaimTypes.NameIdentifier</c>, which SignalR uses as the user id).
/// </summary>
public static class AccountabilityClaims
{
    public const string MemberId = "sub";
    public const string SessionId = "sid";
    public const string DisplayName = "name";
    public const string TimeZone = "tz";

    /// <summary>Token expiry (seconds since the epoch), kept so hubs can close connections when it passes.</summary>
    public const string Expires = "exp";

    /// <summary>The scheme that validated the token: <c>local</c> or <c>external</c>.</summary>
    public const string Source = "auth_source";
}
