using Accountability.Api.Identity.Accounts;
using FluentValidation;
using MediatR;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>POST /api/v1/account/register: e-mail, password, display name and IANA time zone, all required.</summary>
public sealed record RegisterRequest(string? Email, string? Password, string? DisplayName, string? TimeZone);

public sealed record Register(string Email, string Password, string DisplayName, string TimeZone) : IRequest<TokenResponse>;

internal sealed class RegisterValidator : AbstractValidator<Register>
{
    public RegisterValidator()
    {
        RuleFor(r => r.Email).ValidEmail();
        RuleFor(r => r.Password).NewPassword();
        RuleFor(r => r.DisplayName).ValidDisplayName();
        RuleFor(r => r.TimeZone).ValidTimeZone();
    }
}

internal sealed class RegisterHandler(UserManager<Account> users, SignIns signIns, TimeProvider time)
    : IRequestHandler<Register, TokenResponse>
{
    public async Task<TokenResponse> Handle(Register request, CancellationToken cancellationToken)
    {
        var email = request.Email.Trim();
        // Checked before hashing the password: a duplicate costs no key stretching.
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw IdentityProblems.AccountExists();
        }

        var account = new Account
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            DisplayName = request.DisplayName.Trim(),
            TimeZone = request.TimeZone,
            CreatedAt = time.GetUtcNow(),
        };

        IdentityResult result;
        try
        {
            result = await users.CreateAsync(account, request.Password);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw IdentityProblems.AccountExists();
        }

        if (!result.Succeeded)
        {
            throw IdentityProblems.From(result);
        }

        return await signIns.StartAsync(account.Id, cancellationToken);
    }
}
