using Accountability.Api.Identity.Tokens;
using Accountability.Api.Infrastructure.Http.Problems;
using FluentValidation;
using MediatR;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>POST /api/v1/account/refresh: exchanges a refresh token (once) for a new token pair.</summary>
public sealed record RefreshRequest(string? RefreshToken);

public sealed record Refresh(string RefreshToken) : IRequest<TokenResponse>;

internal sealed class RefreshValidator : AbstractValidator<Refresh>
{
    public RefreshValidator()
    {
        RuleFor(r => r.RefreshToken).NotEmpty().MaximumLength(200);
    }
}

internal sealed class RefreshHandler(Sessions sessions, SignIns signIns) : IRequestHandler<Refresh, TokenResponse>
{
    public async Task<TokenResponse> Handle(Refresh request, CancellationToken cancellationToken)
    {
        var rotation = await sessions.RotateAsync(request.RefreshToken, cancellationToken);
        if (rotation is not { Outcome: RotationOutcome.Rotated, Issued: { } issued })
        {
            throw new ProblemException(StatusCodes.Status401Unauthorized, ProblemTypes.InvalidRefreshToken, "Invalid refresh token.",
                "The refresh token is unknown, expired, revoked or already used; sign in again.");
        }

        return await signIns.RespondAsync(rotation.AccountId, issued, cancellationToken);
    }
}
