using Accountability.Api.Identity.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Accountability.Api.Identity.AccountEndpoints;

/// <summary>
/// Rules on top of Identity's length and variety checks (NIST 800-63B style: length over composition):
/// not built from the e-mail address and not one of the passwords attackers try first.
/// </summary>
internal sealed class PasswordPolicy : IPasswordValidator<Account>
{
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "1234567890", "12345678910", "123456789a", "0123456789", "1111111111", "0000000000", "qwertyuiop",
        "1q2w3e4r5t", "password12", "password123", "password1234", "passw0rd12", "iloveyou12", "abcdefghij",
        "qwerty1234", "letmein123", "welcome123", "accountability", "changeme123", "aaaaaaaaaa", "asdfghjkl1",
    };

    public Task<IdentityResult> ValidateAsync(UserManager<Account> manager, Account user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(password))
        {
            return Task.FromResult(IdentityResult.Success);
        }

        var errors = new List<IdentityError>();
        if (Common.Contains(password))
        {
            errors.Add(new IdentityError { Code = "PasswordTooCommon", Description = "This password is too common; choose another." });
        }

        var localPart = user.Email?.Split('@')[0];
        if (localPart is { Length: >= 4 } && password.Contains(localPart, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsEmail", Description = "The password must not contain your e-mail address." });
        }

        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}
