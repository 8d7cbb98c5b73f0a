namespace Accountability.Api.Identity.Tokens;

/// <summary>Configuration section <c>Authentication:Local</c>: the tokens this service issues itself.</summary>
public sealed class TokenSettings
{
    public const string Section = "Authentication:Local";

    /// <summary>The <c>iss</c> of access tokens issued here; tokens with any other issuer go to the external authority.</summary>
    public string Issuer { get; set; } = "urn:accountability:api";

    /// <summary>The <c>aud</c> of access tokens issued here.</summary>
    public string Audience { get; set; } = "accountability-api";

    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>Lifetime of each refresh token; using it yields a new one (rotation).</summary>
    public int RefreshTokenDays { get; set; } = 14;

    /// <summary>A session ends this long after sign-in however often it is refreshed.</summary>
    public int SessionMaxDays { get; set; } = 90;

    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>Failed password attempts before the account is locked out for <see cref="LockoutMinutes"/>.</summary>
    public int LockoutFailures { get; set; } = 10;

    public int LockoutMinutes { get; set; } = 15;

    /// <summary>
    /// A signing key signs for this many days; then a new one is made, published to every process before it signs,
    /// and the old one is deleted once the last token it signed has expired.
    /// </summary>
    public int SigningKeyDays { get; set; } = 30;
}
