namespace Accountability.Api.Identity.Authentication;

/// <summary>
/// Configuration section <c>Authentication:External</c>: an OpenID Connect authority (Duende IdentityServer,
/// Keycloak, Entra ID) whose access tokens the service also accepts when <see cref="Authority"/> and
/// <see cref="Audience"/> are both set.
/// </summary>
public sealed class ExternalAuthoritySettings
{
    public const string Section = "Authentication:External";

    /// <summary>The authority's base address; discovery is read from <c>{Authority}/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience (API resource) this service must find in the token's <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>Only for development and tests: allow discovery over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Accepted JWT <c>typ</c> headers, for example <c>at+jwt</c> (Duende); empty accepts any.</summary>
    public string[] ValidTypes { get; set; } = [];

    /// <summary>Time zone of a member provisioned from an external token, until they set theirs.</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(Audience);
}
