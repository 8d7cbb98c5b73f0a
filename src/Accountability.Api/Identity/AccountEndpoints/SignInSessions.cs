using Accountability.Api.Identity.Tokens;
using Accountability.Api.Infrastructure.Http.Problems;
using MediatR;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>One of the member's live sessions: a device signed in, until it signs out or the session ends.</summary>
public sealed record SessionResponse(
    Guid SessionId,
    DateTimeOffset SignedInAt,
    DateTimeOffset LastRenewedAt,
    DateTimeOffset ExpiresAt,
    string? Client,
    bool Current);

/// <summary>GET /api/v1/account/sessions: the caller's live sessions, newest first, the one asking marked.</summary>
public sealed record ListSessions : IRequest<IReadOnlyList<SessionResponse>>;

/// <summary>DELETE /api/v1/account/sessions/{sessionId}: signs that device out (the caller's own sessions only).</summary>
public sealed record EndSession(Guid SessionId) : IRequest<Unit>;

/// <summary>POST /api/v1/account/sessions/end-others: signs every other device out.</summary>
public sealed record EndOtherSessions : IRequest<Unit>;

/// <summary>
/// A member's own sign-in sessions: which devices are signed in, since when, and signing any of them (or all
/// but this one) out at once. Someone else's session id is answered as unknown.
/// </summary>
internal sealed class SignInSessionHandlers(Sessions sessions, CurrentUser currentUser)
    : IRequestHandler<ListSessions, IReadOnlyList<SessionResponse>>,
        IRequestHandler<EndSession, Unit>,
        IRequestHandler<EndOtherSessions, Unit>
{
    public async Task<IReadOnlyList<SessionResponse>> Handle(ListSessions request, CancellationToken cancellationToken) =>
        (await sessions.ListAsync(currentUser.MemberId, cancellationToken))
            .Select(s => new SessionResponse(s.SessionId, s.SignedInAt, s.LastRenewedAt, s.ExpiresAt, s.ClientName, s.SessionId == currentUser.SessionId))
            .ToList();

    public async Task<Unit> Handle(EndSession request, CancellationToken cancellationToken) =>
        await sessions.RevokeOwnAsync(currentUser.MemberId, request.SessionId, "ended-by-member", cancellationToken)
            ? Unit.Value
            : throw ProblemException.NotFound("No live session of yours has this id.");

    public async Task<Unit> Handle(EndOtherSessions request, CancellationToken cancellationToken)
    {
        await sessions.RevokeOthersAsync(currentUser.MemberId, currentUser.SessionId, "ended-by-member", cancellationToken);
        return Unit.Value;
    }
}
