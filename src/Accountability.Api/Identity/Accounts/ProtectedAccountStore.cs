using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace Accountability.Api.Identity.Accounts;

/// <summary>
/// Identity's Entity Framework store, with every value of <c>identity.account_tokens</c> (the authenticator key, the
/// recovery codes, the authenticator codes recently accepted) encrypted with Data Protection before it is written. The key
/// ring lives in the database and is shared by every process; someone who reads the table alone cannot generate a
/// member's codes.
/// </summary>
internal sealed class ProtectedAccountStore(AccountsDbContext context, IDataProtectionProvider protection)
    : UserOnlyStore<Account, AccountsDbContext, Guid>(context)
{
    private readonly IDataProtector protector = protection.CreateProtector("Accountability.Identity.AccountTokens.v1");

    public override Task SetTokenAsync(Account user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name, value is null ? null : protector.Protect(value), cancellationToken);

    public override async Task<string?> GetTokenAsync(Account user, string loginProvider, string name, CancellationToken cancellationToken) =>
        await base.GetTokenAsync(user, loginProvider, name, cancellationToken) is { } stored ? protector.Unprotect(stored) : null;
}
