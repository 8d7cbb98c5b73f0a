using System.Security.Cryptography;
using Accountability.Api.Identity.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Accountability.Api.Identity.Tokens;

/// <summary>
/// The keys that sign this service's access tokens, kept in PostgreSQL with the private key encrypted by Data
/// Protection, so every process signs and validates with the same keys. It doubles as the local bearer scheme's
/// configuration manager: validation asks it for the keys, and an unknown key id makes it look again.
/// </summary>
/// <remarks>
/// Rotation (<see cref="RotateIfDueAsync"/>, by one process at a time): when the newest key is
/// <see cref="TokenSettings.SigningKeyDays"/> old a new one is stored, but it signs only <see cref="PublishAhead"/>
/// later, by which time every process has reloaded its keys (<see cref="ReloadEvery"/>) and validates it; no
/// process ever meets a token whose key it does not have. A key is deleted once its successor has signed for
/// longer than an access token lives, when no token it signed can still be valid (so no cached validation outlives
/// its key). The first key signs at once: no process can have older keys than it.
/// </remarks>
internal sealed class SigningKeys(
    IServiceScopeFactory scopes,
    IDataProtectionProvider protection,
    TokenSettings settings,
    TimeProvider time) : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    public const string Algorithm = SecurityAlgorithms.RsaSha256;

    /// <summary>How long a new key is known to every process before it signs: twice <see cref="ReloadEvery"/>.</summary>
    public static readonly TimeSpan PublishAhead = TimeSpan.FromMinutes(20);

    private const string RotationLock = "hashtextextended('accountability.identity.signing-key-rotation', 0)";
    private static readonly TimeSpan ReloadEvery = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinimumBetweenRequestedReloads = TimeSpan.FromSeconds(30);

    private readonly IDataProtector protector = protection.CreateProtector("Accountability.Identity.SigningKeys.v1");
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, RsaSecurityKey> known = new(StringComparer.Ordinal);

    // The keys' own factory: the library's default one caches signers per key id for the whole process, and a
    // signer kept there outlives these keys (a second host on the same database in one process, after the first
    // disposed its keys, would sign with a disposed key).
    private readonly CryptoProviderFactory crypto = new();
    private Snapshot? current;
    private bool refreshRequested;

    /// <summary>Creates the first key if there is none. Called once at start-up while holding the bootstrap lock.</summary>
    public async Task EnsureKeyAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        if (await db.SigningKeys.AnyAsync(cancellationToken))
        {
            return;
        }

        db.SigningKeys.Add(NewRecord());
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Stores a new key when the newest is <see cref="TokenSettings.SigningKeyDays"/> old, and deletes the keys no
    /// valid token can carry any more. Does nothing while another process is at it. Returns whether a key was added.
    /// </summary>
    public async Task<bool> RotateIfDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var locked = await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_xact_lock({RotationLock}) AS \"Value\"").SingleAsync(cancellationToken);
        if (!locked)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var records = await db.SigningKeys.OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
        var added = records.Count == 0 || now - records[0].CreatedAt >= TimeSpan.FromDays(Math.Max(1, settings.SigningKeyDays));
        if (added)
        {
            db.SigningKeys.Add(NewRecord());
        }

        if (records.Count > 0)
        {
            var signer = SignerAt(records, r => r.CreatedAt, now);
            var tokenLifetime = TimeSpan.FromMinutes(settings.AccessTokenMinutes) + TimeSpan.FromSeconds(settings.ClockSkewSeconds);
            if (now - (signer.CreatedAt + PublishAhead) > tokenLifetime)
            {
                db.SigningKeys.RemoveRange(records.Where(r => r.CreatedAt < signer.CreatedAt));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>Credentials for signing now: the newest key published for at least <see cref="PublishAhead"/>.</summary>
    public async Task<SigningCredentials> GetSigningCredentialsAsync(CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(cancellationToken);
        return new SigningCredentials(SignerAt(snapshot.Keys, k => k.CreatedAt, time.GetUtcNow()).Key, Algorithm);
    }

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) =>
        (await GetSnapshotAsync(cancel)).Configuration;

    public void RequestRefresh() => refreshRequested = true;

    public void Dispose()
    {
        gate.Dispose();
        foreach (var key in known.Values)
        {
            key.Rsa?.Dispose();
        }
    }

    private async Task<Snapshot> GetSnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = current;
        var now = time.GetUtcNow();
        if (snapshot is not null && !NeedsReload(snapshot, now))
        {
            return snapshot;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            snapshot = current;
            if (snapshot is not null && !NeedsReload(snapshot, now))
            {
                return snapshot;
            }

            refreshRequested = false;
            current = await LoadAsync(cancellationToken);
            return current;
        }
        finally
        {
            gate.Release();
        }
    }

    private bool NeedsReload(Snapshot snapshot, DateTimeOffset now) =>
        now - snapshot.LoadedAt > ReloadEvery
        || (refreshRequested && now - snapshot.LoadedAt > MinimumBetweenRequestedReloads);

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var records = await db.SigningKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
        if (records.Count == 0)
        {
            throw new InvalidOperationException("No token-signing key exists; the identity start-up did not run.");
        }

        var configuration = new OpenIdConnectConfiguration { Issuer = settings.Issuer };
        var keys = new List<(RsaSecurityKey Key, DateTimeOffset CreatedAt)>();
        foreach (var record in records)
        {
            if (!known.TryGetValue(record.Id, out var key))
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(protector.Unprotect(record.ProtectedKey)), out _);
                key = new RsaSecurityKey(rsa) { KeyId = record.Id, CryptoProviderFactory = crypto };
                known[record.Id] = key;
            }

            keys.Add((key, record.CreatedAt));
            configuration.SigningKeys.Add(key);
        }

        foreach (var gone in known.Keys.Except(records.Select(r => r.Id), StringComparer.Ordinal).ToList())
        {
            // Not disposed: a request may still hold the previous snapshot. Its tokens have all expired.
            known.Remove(gone);
        }

        return new Snapshot(configuration, keys, time.GetUtcNow());
    }

    /// <summary>Of keys ordered newest first: the newest published <see cref="PublishAhead"/> ago, else the oldest.</summary>
    private static T SignerAt<T>(IReadOnlyList<T> newestFirst, Func<T, DateTimeOffset> createdAt, DateTimeOffset now)
    {
        foreach (var key in newestFirst)
        {
            if (createdAt(key) <= now - PublishAhead)
            {
                return key;
            }
        }

        return newestFirst[^1];
    }

    private SigningKeyRecord NewRecord()
    {
        using var rsa = RSA.Create(2048);
        return new SigningKeyRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Algorithm = Algorithm,
            ProtectedKey = protector.Protect(Convert.ToBase64String(rsa.ExportPkcs8PrivateKey())),
            CreatedAt = time.GetUtcNow(),
        };
    }

    private sealed record Snapshot(OpenIdConnectConfiguration Configuration, IReadOnlyList<(RsaSecurityKey Key, DateTimeOffset CreatedAt)> Keys, DateTimeOffset LoadedAt);
}

/// <summary>Asks <see cref="SigningKeys"/> to rotate a minute after start-up, then every hour, in every process.</summary>
internal sealed partial class SigningKeyRotation(SigningKeys keys, ILogger<SigningKeyRotation> logger) : BackgroundService
{
    private static readonly TimeSpan FirstCheck = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstCheck, stoppingToken);
            using var timer = new PeriodicTimer(Interval);
            do
            {
                try
                {
                    if (await keys.RotateIfDueAsync(stoppingToken))
                    {
                        LogRotated(logger, SigningKeys.PublishAhead.TotalMinutes);
                    }
                }
                catch (Exception ex) when (ex is NpgsqlException or DbUpdateException or TimeoutException && !stoppingToken.IsCancellationRequested)
                {
                    LogRotationFailed(logger, ex.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A new token-signing key was stored; it signs in {Minutes} minutes")]
    private static partial void LogRotated(ILogger logger, double minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token-signing key rotation failed ({Reason}); trying again in an hour")]
    private static partial void LogRotationFailed(ILogger logger, string reason);
}
