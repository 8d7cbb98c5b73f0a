namespace Accountability.Api.Identity.Authentication;

/// <summary>
/// Claims of the principal every authenticated request carries, whoever issued its token. After validation
/// the principal is rebuilt from the database: <c>sub</c> is always the member id (SignalR's user id too, through
/// <c>MemberUserIdProvider</c>), and the identity's authentication type is the scheme that validated the token
/// (<c>local</c> or <c>external</c>).
/// </summary>
public static class AccountabilityClaims
{
    public const string MemberId = "sub";
    public const string SessionId = "sid";
    public const string DisplayName = "name";
    public const string TimeZone = "tz";
}
