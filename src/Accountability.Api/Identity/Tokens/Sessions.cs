using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Accountability.Api.Identity.Accounts;
using Accountability.Api.Identity.Authentication;
using Microsoft.EntityFrameworkCore;

namespace Accountability.Api.Identity.Tokens;

/// <summary>
/// Sign-in sessions and their refresh tokens: opaque random strings stored as SHA-256, each usable once.
/// Using one returns its successor (rotation); presenting a used one again means it was copied, so the whole
/// session ends (reuse detection) and both the thief's and the owner's tokens stop working.
/// </summary>
internal sealed class Sessions(AccountsDbContext db, TokenSettings settings, KnownSessions known, TimeProvider time)
{
    public async Task<IssuedRefreshToken> StartAsync(Guid accountId, string? clientName, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var session = new SignInSession
        {
            Id = Guid.CreateVersion7(),
            AccountId = accountId,
            CreatedAt = now,
            ExpiresAt = now.AddDays(settings.SessionMaxDays),
            ClientName = clientName,
        };
        db.Sessions.Add(session);
        var issued = AddRefreshToken(session.Id, session.ExpiresAt, now);
        await db.SaveChangesAsync(cancellationToken);
        return issued;
    }

    public async Task<Rotation> RotateAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hash = Hash(refreshToken);
        var found = await (
                from token in db.RefreshTokens
                join session in db.Sessions on token.SessionId equals session.Id
                where token.TokenHash == hash
                select new { token.Id, token.UsedAt, token.ExpiresAt, session.AccountId, SessionId = session.Id, session.RevokedAt, SessionExpiresAt = session.ExpiresAt })
            .AsNoTracking()
            .FirstOrDefaultAsync(cancellationToken);

        if (found is null || found.RevokedAt is not null || found.SessionExpiresAt <= now)
        {
            return Rotation.Invalid;
        }

        if (found.UsedAt is not null)
        {
            await RevokeAsync(found.SessionId, "refresh-token-reused", cancellationToken);
            return Rotation.Reused;
        }

        if (found.ExpiresAt <= now)
        {
            return Rotation.Invalid;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.RefreshTokens
            .Where(t => t.Id == found.Id && t.UsedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (claimed == 0)
        {
            // Used by a concurrent request between our read and this update: the same reuse.
            await transaction.RollbackAsync(cancellationToken);
            await RevokeAsync(found.SessionId, "refresh-token-reused", cancellationToken);
            return Rotation.Reused;
        }

        var issued = AddRefreshToken(found.SessionId, found.SessionExpiresAt, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Rotation(RotationOutcome.Rotated, found.AccountId, issued);
    }

    /// <summary>The account's live sessions, newest first, each with the time its tokens were last renewed.</summary>
    public async Task<IReadOnlyList<SessionInfo>> ListAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.Sessions.AsNoTracking()
            .Where(s => s.AccountId == accountId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.CreatedAt)
            .Select(s => new SessionInfo(
                s.Id,
                s.CreatedAt,
                db.RefreshTokens.Where(t => t.SessionId == s.Id).Max(t => (DateTimeOffset?)t.CreatedAt) ?? s.CreatedAt,
                s.ExpiresAt,
                s.ClientName))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Ends one live session of the account; false when the account has no such live session.</summary>
    public async Task<bool> RevokeOwnAsync(Guid accountId, Guid sessionId, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ended = await EndAsync(db.Sessions.Where(s => s.Id == sessionId && s.AccountId == accountId && s.ExpiresAt > now), reason, cancellationToken);
        known.Forget(accountId);
        return ended > 0;
    }

    /// <summary>Ends the session: its tokens stop working in this process at once, in the others when they hear of it.</summary>
    public async Task RevokeAsync(Guid sessionId, string reason, CancellationToken cancellationToken)
    {
        var accountId = await db.Sessions.Where(s => s.Id == sessionId).Select(s => (Guid?)s.AccountId).FirstOrDefaultAsync(cancellationToken);
        await EndAsync(db.Sessions.Where(s => s.Id == sessionId), reason, cancellationToken);
        if (accountId is { } account)
        {
            known.Forget(account);
        }
    }

    /// <summary>Ends every session of the account except <paramref name="keep"/> (after a password change, or when asked).</summary>
    public async Task RevokeOthersAsync(Guid accountId, Guid? keep, string reason, CancellationToken cancellationToken)
    {
        await EndAsync(db.Sessions.Where(s => s.AccountId == accountId && s.Id != keep), reason, cancellationToken);
        known.Forget(accountId);
    }

    /// <summary>Marks the live ones of <paramref name="sessions"/> revoked now, with the reason; returns how many.</summary>
    private Task<int> EndAsync(IQueryable<SignInSession> sessions, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return sessions
            .Where(s => s.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now).SetProperty(s => s.RevokedReason, reason), cancellationToken);
    }

    private IssuedRefreshToken AddRefreshToken(Guid sessionId, DateTimeOffset sessionExpiresAt, DateTimeOffset now)
    {
        var raw = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var expires = now.AddDays(settings.RefreshTokenDays);
        if (expires > sessionExpiresAt)
        {
            expires = sessionExpiresAt;
        }

        db.RefreshTokens.Add(new RefreshTokenRecord
        {
            Id = Guid.CreateVersion7(),
            SessionId = sessionId,
            TokenHash = Hash(raw),
            CreatedAt = now,
            ExpiresAt = expires,
        });
        return new IssuedRefreshToken(sessionId, raw, expires);
    }

    private static byte[] Hash(string refreshToken) => SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken));
}

internal sealed record IssuedRefreshToken(Guid SessionId, string Token, DateTimeOffset ExpiresAt);

internal enum RotationOutcome
{
    Rotated,
    Invalid,
    Reused,
}

internal sealed record Rotation(RotationOutcome Outcome, Guid AccountId, IssuedRefreshToken? Issued)
{
    public static readonly Rotation Invalid = new(RotationOutcome.Invalid, Guid.Empty, null);
    public static readonly Rotation Reused = new(RotationOutcome.Reused, Guid.Empty, null);
}

/// <summary>A live session as its owner sees it.</summary>
internal sealed record SessionInfo(Guid SessionId, DateTimeOffset SignedInAt, DateTimeOffset LastRenewedAt, DateTimeOffset ExpiresAt, string? ClientName);
