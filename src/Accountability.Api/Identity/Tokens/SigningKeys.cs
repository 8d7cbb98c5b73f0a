using System.Security.Cryptography;
using Accountability.Api.Identity.Accounts;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Accountability.Api.Identity.Tokens;

/// <summary>
/// The keys that sign this service's access tokens. Created once (at start-up, under the bootstrap lock) and kept
/// in PostgreSQL with the private key encrypted by Data Protection, so every process signs and validates with the
/// same keys. It doubles as the local bearer scheme's configuration manager: validation asks it for the keys,
/// and an unknown key id makes it look again (another process may have added a key).
/// </summary>
internal sealed class SigningKeys(
    IServiceScopeFactory scopes,
    IDataProtectionProvider protection,
    TokenSettings settings,
    TimeProvider time) : IConfigurationManager<OpenIdConnectConfiguration>, IDisposable
{
    public const string Algorithm = SecurityAlgorithms.RsaSha256;
    private static readonly TimeSpan ReloadEvery = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinimumBetweenRequestedReloads = TimeSpan.FromSeconds(30);

    private readonly IDataProtector protector = protection.CreateProtector("Accountability.Identity.SigningKeys.v1");
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, RsaSecurityKey> known = new(StringComparer.Ordinal);
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

        using var rsa = RSA.Create(2048);
        db.SigningKeys.Add(new SigningKeyRecord
        {
            Id = Guid.NewGuid().ToString("N"),
            Algorithm = Algorithm,
            ProtectedKey = protector.Protect(Convert.ToBase64String(rsa.ExportPkcs8PrivateKey())),
            CreatedAt = time.GetUtcNow(),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Credentials for signing with the newest key.</summary>
    public async Task<SigningCredentials> GetSigningCredentialsAsync(CancellationToken cancellationToken)
    {
        var snapshot = await GetSnapshotAsync(cancellationToken);
        return new SigningCredentials(snapshot.Newest, Algorithm);
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
        RsaSecurityKey? newest = null;
        foreach (var record in records)
        {
            if (!known.TryGetValue(record.Id, out var key))
            {
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(protector.Unprotect(record.ProtectedKey)), out _);
                key = new RsaSecurityKey(rsa) { KeyId = record.Id };
                known[record.Id] = key;
            }

            newest ??= key;
            configuration.SigningKeys.Add(key);
        }

        return new Snapshot(configuration, newest!, time.GetUtcNow());
    }

    private sealed record Snapshot(OpenIdConnectConfiguration Configuration, RsaSecurityKey Newest, DateTimeOffset LoadedAt);
}
