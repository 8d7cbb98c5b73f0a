using Accountability.Api.Identity.Accounts;
using Accountability.Api.Infrastructure.Http.Problems;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Identity;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>
/// POST /api/v1/account/login. With two-step sign-in on, the same request also carries the authenticator app's code
/// (<see cref="TwoFactorCode"/>) or one recovery code (<see cref="RecoveryCode"/>).
/// </summary>
public sealed record LoginRequest(string? Email, string? Password, string? TwoFactorCode = null, string? RecoveryCode = null);

public sealed record Login(string Email, string Password, string? TwoFactorCode = null, string? RecoveryCode = null) : IRequest<TokenResponse>;

internal sealed class LoginValidator : AbstractValidator<Login>
{
    public LoginValidator()
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(AccountRules.EmailMaxLength)
            .Must(email => AccountRules.IsPlainText(email, allowSpaces: true)).WithMessage("The e-mail address contains characters that are not allowed.");
        RuleFor(r => r.Password).PasswordShape();
        RuleFor(r => r.TwoFactorCode).AuthenticatorCode();
        RuleFor(r => r.RecoveryCode).RecoveryCodeInsteadOf(r => r.TwoFactorCode);
    }
}

/// <summary>
/// One answer for every failure (unknown e-mail, wrong password, locked account), and the same work for each
/// (a password hash is always verified), so the response does not tell which accounts exist. With two-step sign-in
/// on, the right password alone gets a <see cref="ProblemTypes.TwoFactorRequired"/> problem; a wrong code counts
/// towards the lockout like a wrong password, and the failure count is cleared only once both factors pass.
/// </summary>
internal sealed class LoginHandler(
    UserManager<Account> users,
    IPasswordHasher<Account> hasher,
    LoginThrottle throttle,
    SecondFactor secondFactor,
    SignIns signIns) : IRequestHandler<Login, TokenResponse>
{
    private static readonly Account Nobody = new() { Id = Guid.Empty, UserName = "nobody" };
    private static string? nobodyHash;

    public async Task<TokenResponse> Handle(Login request, CancellationToken cancellationToken)
    {
        var email = request.Email.Trim();
        throttle.EnsureAllowed(email);

        var account = await users.FindByEmailAsync(email);
        if (account is null || account.PasswordHash is null)
        {
            nobodyHash ??= hasher.HashPassword(Nobody, Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(Nobody, nobodyHash, request.Password);
            throttle.RecordFailure(email);
            throw IdentityProblems.InvalidCredentials();
        }

        if (await users.IsLockedOutAsync(account))
        {
            hasher.VerifyHashedPassword(account, account.PasswordHash, request.Password);
            throttle.RecordFailure(email);
            throw IdentityProblems.InvalidCredentials();
        }

        if (!await users.CheckPasswordAsync(account, request.Password))
        {
            await users.AccessFailedAsync(account);
            throttle.RecordFailure(email);
            throw IdentityProblems.InvalidCredentials();
        }

        if (account.TwoFactorEnabled)
        {
            if (request.TwoFactorCode is null && request.RecoveryCode is null)
            {
                throw IdentityProblems.TwoFactorRequired();
            }

            if (!await secondFactor.VerifyAsync(account, request.TwoFactorCode, request.RecoveryCode))
            {
                await users.AccessFailedAsync(account);
                throttle.RecordFailure(email);
                throw IdentityProblems.InvalidTwoFactorCode();
            }
        }

        if (account.AccessFailedCount > 0)
        {
            await users.ResetAccessFailedCountAsync(account);
        }

        return await signIns.StartAsync(account.Id, cancellationToken);
    }
}
