using Accountability.Api.Identity.Accounts;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Identity;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>POST /api/v1/account/login.</summary>
public sealed record LoginRequest(string? Email, string? Password);

public sealed record Login(string Email, string Password) : IRequest<TokenResponse>;

internal sealed class LoginValidator : AbstractValidator<Login>
{
    public LoginValidator()
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(AccountRules.EmailMaxLength)
            .Must(email => AccountRules.IsPlainText(email, allowSpaces: true)).WithMessage("The e-mail address contains characters that are not allowed.");
        RuleFor(r => r.Password).PasswordShape();
    }
}

/// <summary>
/// One answer for every failure (unknown e-mail, wrong password, locked account), and the same work for each
/// (a password hash is always verified), so the response does not tell which accounts exist.
/// </summary>
internal sealed class LoginHandler(
    UserManager<Account> users,
    IPasswordHasher<Account> hasher,
    LoginThrottle throttle,
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

        if (account.AccessFailedCount > 0)
        {
            await users.ResetAccessFailedCountAsync(account);
        }

        return await signIns.StartAsync(account.Id, cancellationToken);
    }
}
