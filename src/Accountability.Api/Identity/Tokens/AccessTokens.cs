using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Accountability.Api.Identity.Tokens;

/// <summary>Issues the service's short-lived JWT access tokens (<c>typ: at+jwt</c>, RS256).</summary>
internal sealed class AccessTokens(SigningKeys keys, TokenSettings settings, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<(string Token, DateTimeOffset ExpiresAt)> IssueAsync(Guid memberId, Guid sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expires = now.AddMinutes(settings.AccessTokenMinutes);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            TokenType = "at+jwt",
            SigningCredentials = await keys.GetSigningCredentialsAsync(cancellationToken),
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = memberId.ToString(),
                [JwtRegisteredClaimNames.Sid] = sessionId.ToString(),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        };
        return (Handler.CreateToken(descriptor), expires);
    }
}
