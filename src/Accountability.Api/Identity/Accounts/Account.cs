using Microsoft.AspNetCore.Identity;

namespace Accountability.Api.Identity.Accounts;

/// <summary>
/// A person's account (ASP.NET Core Identity user). Its <see cref="IdentityUser{TKey}.Id"/> is the member id used
/// everywhere in the product: in events, read models and hub user ids.
/// </summary>
internal sealed class Account : IdentityUser<Guid>
{
    public const int DisplayNameMaxLength = 60;
    public const int TimeZoneMaxLength = 64;

    public string DisplayName { get; set; } = string.Empty;

    /// <summary>IANA time zone id (for example <c>Europe/Paris</c>): where the member's "today" is.</summary>
    public string TimeZone { get; set; } = "UTC";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One sign-in on one device: created at login or registration, continued by refresh-token rotation, ended by
/// logout, password change or refresh-token reuse. Access tokens carry its id (<c>sid</c>), so ending it ends them too.
/// </summary>
internal sealed class SignInSession
{
    public const int ClientNameMaxLength = 200;

    public Guid Id { get; set; }

    public Guid AccountId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Absolute end: refreshing never extends a session past this.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedReason { get; set; }

    /// <summary>What the device said it was when it signed in (its User-Agent, shortened), for the member's list of sessions.</summary>
    public string? ClientName { get; set; }
}

/// <summary>An opaque refresh token, stored only as its SHA-256; used once, then replaced (rotation).</summary>
internal sealed class RefreshTokenRecord
{
    public Guid Id { get; set; }

    public Guid SessionId { get; set; }

    public byte[] TokenHash { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When it was exchanged; presenting it again after that is reuse, and ends the session.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>A token-signing key; the private part is encrypted with Data Protection (keys also in PostgreSQL).</summary>
internal sealed class SigningKeyRecord
{
    public string Id { get; set; } = string.Empty;

    public string Algorithm { get; set; } = string.Empty;

    public string ProtectedKey { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }
}
