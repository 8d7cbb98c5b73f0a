using Accountability.Api.Identity.Accounts;
using Accountability.Api.Identity.Tokens;
using Accountability.Api.Infrastructure.Http.Problems;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Identity;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>
/// POST /api/v1/account/password: needs the current password; ends every other session of the account
/// (a stolen refresh token dies with the old password).
/// </summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

public sealed record ChangePassword(string CurrentPassword, string NewPassword) : IRequest<Unit>;

internal sealed class ChangePasswordValidator : AbstractValidator<ChangePassword>
{
    public ChangePasswordValidator()
    {
        RuleFor(r => r.CurrentPassword).PasswordShape();
        RuleFor(r => r.NewPassword).NewPassword();
    }
}

internal sealed class ChangePasswordHandler(
    UserManager<Account> users,
    Sessions sessions,
    LoginThrottle throttle,
    CurrentUser currentUser) : IRequestHandler<ChangePassword, Unit>
{
    public async Task<Unit> Handle(ChangePassword request, CancellationToken cancellationToken)
    {
        var account = await users.FindByIdAsync(currentUser.MemberId.ToString()) ?? throw ProblemException.NotFound();
        if (account.PasswordHash is null)
        {
            throw ProblemException.Conflict("This account signs in through an external authority and has no password here.");
        }

        // A stolen access token must not become a way to guess the password: same per-account budget as sign-in.
        var accountName = account.Email ?? account.Id.ToString();
        throttle.EnsureAllowed(accountName);
        var result = await users.ChangePasswordAsync(account, request.CurrentPassword, request.NewPassword);
        if (!result.Succeeded)
        {
            if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
            {
                throttle.RecordFailure(accountName);
                throw ProblemException.Invalid("currentPassword", "The current password is incorrect.");
            }

            throw IdentityProblems.From(result, passwordField: "newPassword");
        }

        await sessions.RevokeOthersAsync(account.Id, currentUser.SessionId, "password-changed", cancellationToken);
        return Unit.Value;
    }
}
