using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Accountability.Api.Identity.Authentication;

/// <summary>
/// The local scheme's token handler: a token this process has validated is not validated again until it expires
/// (or <see cref="MaxAge"/> has passed). A client sends the same token with every request until it refreshes, and the
/// same string carries the same signature, so the RSA check and the parsing are paid once per token instead of once
/// per request. Whether the token's session is still live is asked on every request all the same
/// (<see cref="LocalMembers"/>), so signing out still takes effect at once. Bounded: when full, it starts empty.
/// </summary>
internal sealed class ValidatedTokens(TimeProvider time) : JsonWebTokenHandler
{
    public const int MaxTokens = 20_000;

    /// <summary>Longest a validation is trusted, whatever the token's own expiry.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Validation> validated = new(StringComparer.Ordinal);

    public int Count => validated.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = time.GetUtcNow();
        if (validated.TryGetValue(token, out var known))
        {
            if (now < known.Until)
            {
                return known.Result();
            }

            validated.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is { } securityToken)
        {
            var expires = new DateTimeOffset(DateTime.SpecifyKind(securityToken.ValidTo, DateTimeKind.Utc));
            var until = expires < now + MaxAge ? expires : now + MaxAge;
            if (until > now)
            {
                if (validated.Count >= MaxTokens)
                {
                    validated.Clear();
                }

                validated[token] = new Validation(result.ClaimsIdentity.Clone(), securityToken, result.Issuer, result.TokenType, until);
            }
        }

        return result;
    }

    /// <summary>What a validation found; each request gets its own copy of the identity, so that nothing one request does to it reaches another.</summary>
    private sealed record Validation(ClaimsIdentity Identity, SecurityToken Token, string Issuer, string TokenType, DateTimeOffset Until)
    {
        public TokenValidationResult Result() => new()
        {
            IsValid = true,
            ClaimsIdentity = Identity.Clone(),
            SecurityToken = Token,
            Issuer = Issuer,
            TokenType = TokenType,
        };
    }
}
