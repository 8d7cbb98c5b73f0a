using Accountability.Api.Identity.Accounts;
using Accountability.Api.Identity.Tokens;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>Turns a session's refresh token into the token pair a client receives.</summary>
internal sealed class SignIns(Sessions sessions, AccessTokens accessTokens, TokenSettings settings, IHttpContextAccessor http)
{
    /// <summary>Starts a session for the device of the current request (its User-Agent names it in the session list).</summary>
    public async Task<TokenResponse> StartAsync(Guid memberId, CancellationToken cancellationToken) =>
        await RespondAsync(memberId, await sessions.StartAsync(memberId, ClientName(), cancellationToken), cancellationToken);

    public async Task<TokenResponse> RespondAsync(Guid memberId, IssuedRefreshToken refresh, CancellationToken cancellationToken)
    {
        var (accessToken, _) = await accessTokens.IssueAsync(memberId, refresh.SessionId, cancellationToken);
        return new TokenResponse(accessToken, "Bearer", settings.AccessTokenMinutes * 60, refresh.Token, refresh.ExpiresAt, memberId);
    }

    /// <summary>The request's User-Agent as printable text (control characters as spaces, invisible ones dropped), at most <see cref="SignInSession.ClientNameMaxLength"/> characters; null without one.</summary>
    private string? ClientName()
    {
        var agent = http.HttpContext?.Request.Headers.UserAgent.ToString();
        if (string.IsNullOrWhiteSpace(agent))
        {
            return null;
        }

        var printable = new string([.. agent
                .Where(c => !char.IsSurrogate(c) && char.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.Format)
                .Select(c => char.IsControl(c) ? ' ' : c)])
            .Trim();
        return printable.Length == 0 ? null : printable[..Math.Min(printable.Length, SignInSession.ClientNameMaxLength)];
    }
}
