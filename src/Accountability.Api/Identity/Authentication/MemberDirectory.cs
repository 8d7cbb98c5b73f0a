using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Accounts;
using Accountability.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Identity.Authentication;

/// <summary>What the request pipeline knows about the caller: read fresh for every authenticated request.</summary>
public sealed record MemberSnapshot(Guid MemberId, string DisplayName, string TimeZone);

/// <summary>
/// The member behind a local token, checked on every authenticated request: from <see cref="KnownSessions"/> when
/// this process has found the session live recently and heard of no change since, else one primary-key query on the
/// edge database, no DbContext (a hub connection's request lives as long as the connection and must not hold one).
/// </summary>
internal sealed class LocalMembers(EdgeDataSource edge, KnownSessions known, TimeProvider time)
{
    private const string Sql = $"""
        SELECT a.display_name, a.time_zone, s.expires_at
          FROM {AccountsDbContext.Schema}.accounts a
          JOIN {AccountsDbContext.Schema}.sessions s ON s.account_id = a.id
         WHERE a.id = $1 AND s.id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3
        """;

    /// <summary>The member, or null when the account is gone or the session has ended (logout, reuse, password change).</summary>
    public async Task<MemberSnapshot?> FindAsync(Guid memberId, Guid sessionId, CancellationToken cancellationToken)
    {
        if (known.Find(memberId, sessionId) is { } kept)
        {
            return kept;
        }

        var seen = known.Generation;
        await using var command = edge.DataSource.CreateCommand(Sql)
            .With(memberId, NpgsqlDbType.Uuid)
            .With(sessionId, NpgsqlDbType.Uuid)
            .With(time.GetUtcNow(), NpgsqlDbType.TimestampTz);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var member = new MemberSnapshot(memberId, reader.GetString(0), reader.GetString(1));
        known.Keep(seen, sessionId, member, await reader.GetFieldValueAsync<DateTimeOffset>(2, cancellationToken));
        return member;
    }
}

/// <summary>
/// Finds the member linked to an external authority's (issuer, subject), created on first sight. External subjects
/// are never linked to an existing account by e-mail: an authority's e-mail claim is not proof of owning the local
/// account.
/// </summary>
internal sealed class MemberDirectory(AccountsDbContext db, ExternalAuthoritySettings external, TimeProvider time)
{
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
