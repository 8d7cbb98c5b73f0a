using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;

namespace Accountability.Api.Identity.Accounts;

/// <summary>
/// Identity's Entity Framework store, with every value of <c>identity.account_tokens</c> (the authenticator key, the
/// recovery codes, the authenticator codes recently accepted) encrypted with Data Protection before it is written. The key
/// ring lives in the database and is shared by every process; someone who reads the table alone cannot generate a
/// member's codes. Recovery codes are kept only as password hashes (PBKDF2, as passwords are), so that even the
/// table and the key ring together do not give them away: a code can be checked, not read back.
/// </summary>
internal sealed class ProtectedAccountStore(AccountsDbContext context, IDataProtectionProvider protection, IPasswordHasher<Account> hasher)
    : UserOnlyStore<Account, AccountsDbContext, Guid>(context)
{
    // Where Identity's store keeps the recovery codes, joined with ';'.
    private const string RecoveryCodesProvider = "[AspNetUserStore]";
    private const string RecoveryCodesName = "RecoveryCodes";

    private readonly IDataProtector protector = protection.CreateProtector("Accountability.Identity.AccountTokens.v1");

    public override Task SetTokenAsync(Account user, string loginProvider, string name, string? value, CancellationToken cancellationToken) =>
        base.SetTokenAsync(user, loginProvider, name, value is null ? null : protector.Protect(value), cancellationToken);

    public override async Task<string?> GetTokenAsync(Account user, string loginProvider, string name, CancellationToken cancellationToken) =>
        await base.GetTokenAsync(user, loginProvider, name, cancellationToken) is { } stored ? protector.Unprotect(stored) : null;

    public override Task ReplaceCodesAsync(Account user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        base.ReplaceCodesAsync(user, recoveryCodes.Select(code => hasher.HashPassword(user, code)).ToList(), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(Account user, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var kept = (await GetTokenAsync(user, RecoveryCodesProvider, RecoveryCodesName, cancellationToken) ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries);
        var used = Array.FindIndex(kept, hash => Matches(user, hash, code));
        if (used < 0)
        {
            return false;
        }

        // The others stay as they are (already hashed): the base class writes them without hashing again.
        await base.ReplaceCodesAsync(user, kept.Where((_, i) => i != used).ToList(), cancellationToken);
        return true;
    }

    private bool Matches(Account user, string kept, string code)
    {
        try
        {
            return hasher.VerifyHashedPassword(user, kept, code) != PasswordVerificationResult.Failed;
        }
        catch (FormatException)
        {
            // A code stored before codes were hashed: compared as it is.
            return string.Equals(kept, code, StringComparison.Ordinal);
        }
    }
}
