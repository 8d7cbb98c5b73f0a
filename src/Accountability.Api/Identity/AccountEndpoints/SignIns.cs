using Accountability.Api.Identity.Tokens;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>Turns a session's refresh token into the token pair a client receives.</summary>
internal sealed class SignIns(Sessions sessions, AccessTokens accessTokens, TokenSettings settings)
{
    public async Task<TokenResponse> StartAsync(Guid memberId, CancellationToken cancellationToken) =>
        await RespondAsync(memberId, await sessions.StartAsync(memberId, cancellationToken), cancellationToken);

    public async Task<TokenResponse> RespondAsync(Guid memberId, IssuedRefreshToken refresh, CancellationToken cancellationToken)
    {
        var (accessToken, _) = await accessTokens.IssueAsync(memberId, refresh.SessionId, cancellationToken);
        return new TokenResponse(accessToken, "Bearer", settings.AccessTokenMinutes * 60, refresh.Token, refresh.ExpiresAt, memberId);
    }
}
