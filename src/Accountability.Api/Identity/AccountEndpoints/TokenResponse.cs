namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>The tokens of a sign-in: a short-lived access token and the refresh token that renews it.</summary>
/// <param name="AccessToken">JWT for <c>Authorization: Bearer</c> (and <c>access_token</c> on hub connections).</param>
/// <param name="TokenType">Always <c>Bearer</c>.</param>
/// <param name="ExpiresIn">Seconds until the access token expires.</param>
/// <param name="RefreshToken">Opaque, single use: POST it to <c>/api/v1/account/refresh</c> for the next pair.</param>
/// <param name="RefreshTokenExpiresAt">When the refresh token stops working.</param>
/// <param name="MemberId">The member this sign-in belongs to.</param>
public sealed record TokenResponse(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    string RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    Guid MemberId);
