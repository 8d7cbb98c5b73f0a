using Accountability.Api.Identity.Tokens;
using MediatR;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>
/// POST /api/v1/account/logout: ends the caller's session. Its refresh tokens stop working at once, and so
/// do its access tokens (each request checks that its session is live).
/// </summary>
public sealed record Logout : IRequest<Unit>;

internal sealed class LogoutHandler(Sessions sessions, CurrentUser currentUser) : IRequestHandler<Logout, Unit>
{
    public async Task<Unit> Handle(Logout request, CancellationToken cancellationToken)
    {
        if (currentUser.SessionId is { } session)
        {
            await sessions.RevokeAsync(session, "logout", cancellationToken);
        }

        return Unit.Value;
    }
}
