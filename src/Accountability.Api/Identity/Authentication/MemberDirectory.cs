using Accountability.Api.Identity.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accountability.Api.Identity.Authentication;

/// <summary>What the request pipeline knows about the caller: read fresh for every authenticated request.</summary>
public sealed record MemberSnapshot(Guid MemberId, string DisplayName, string TimeZone);

/// <summary>
/// Finds the member behind a validated token: a local token's member and live session, or the member linked to
/// an external authority's (issuer, subject), created on first sight. External subjects are never linked to an
/// existing account by e-mail: an authority's e-mail claim is not proof of owning the local account.
/// </summary>
internal sealed class MemberDirectory(AccountsDbContext db, ExternalAuthoritySettings external, TimeProvider time)
{
    /// <summary>The member, or null when the account is gone or the session has ended (logout, reuse, password change).</summary>
    public async Task<MemberSnapshot?> FindLocalAsync(Guid memberId, Guid sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var found = await db.Users.AsNoTracking()
            .Where(a => a.Id == memberId)
            .Select(a => new
            {
                a.Id,
                a.DisplayName,
                a.TimeZone,
                SessionLive = db.Sessions.Any(s => s.Id == sessionId && s.AccountId == a.Id && s.RevokedAt == null && s.ExpiresAt > now),
            })
            .FirstOrDefaultAsync(cancellationToken);
        return found is { SessionLive: true } ? new MemberSnapshot(found.Id, found.DisplayName, found.TimeZone) : null;
    }

    public async Task<MemberSnapshot> FindOrProvisionExternalAsync(string issuer, string subject, string? displayName, CancellationToken cancellationToken)
    {
        if (await FindExternalAsync(issuer, subject, cancellationToken) is { } existing)
        {
            return existing;
        }

        var id = Guid.CreateVersion7();
        var userName = "external-" + id.ToString("N");
        var name = string.IsNullOrWhiteSpace(displayName) ? "Member" : displayName.Trim();
        var account = new Account
        {
            Id = id,
            UserName = userName,
            NormalizedUserName = userName.ToUpperInvariant(),
            DisplayName = name.Length > Account.DisplayNameMaxLength ? name[..Account.DisplayNameMaxLength] : name,
            TimeZone = external.DefaultTimeZone,
            CreatedAt = time.GetUtcNow(),
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString("N"),
            LockoutEnabled = true,
        };
        db.Users.Add(account);
        db.UserLogins.Add(new IdentityUserLogin<Guid>
        {
            LoginProvider = issuer,
            ProviderKey = subject,
            ProviderDisplayName = "external",
            UserId = id,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return new MemberSnapshot(account.Id, account.DisplayName, account.TimeZone);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another request provisioned the same subject at the same moment: use theirs.
            db.ChangeTracker.Clear();
            return await FindExternalAsync(issuer, subject, cancellationToken)
                ?? throw new InvalidOperationException("An external member vanished right after being provisioned.", exception);
        }
    }

    private Task<MemberSnapshot?> FindExternalAsync(string issuer, string subject, CancellationToken cancellationToken) =>
        (from login in db.UserLogins
         join account in db.Users on login.UserId equals account.Id
         where login.LoginProvider == issuer && login.ProviderKey == subject
         select new MemberSnapshot(account.Id, account.DisplayName, account.TimeZone))
        .AsNoTracking()
        .FirstOrDefaultAsync(cancellationToken);
}
