using Accountability.Api.Identity.Tokens;
using Accountability.Api.Infrastructure.Http;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Accountability.Api.Identity.Accounts;

/// <summary>
/// Prepares the identity schema and the first keys before the server takes requests. Several processes may
/// start at once on one database: a session-level advisory lock lets one do the work while the others wait,
/// then find everything in place. EF Core's EnsureCreated is not used: it does nothing once any other schema
/// of the database has tables (the event store's), so the model's create script runs instead, once, recorded
/// in <c>identity.schema_versions</c>.
/// </summary>
internal sealed partial class AccountsStartup(
    IServiceScopeFactory scopes,
    EdgeDataSource database,
    IKeyManager dataProtectionKeys,
    SigningKeys signingKeys,
    TimeProvider time,
    ILogger<AccountsStartup> logger) : IHostedService
{
    /// <summary>Bump with a new step in <see cref="ApplySchemaAsync"/> when the identity model changes.</summary>
    private const int SchemaVersion = 1;
    private const string LockKey = "hashtextextended('accountability.identity.bootstrap', 0)";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({LockKey})", cancellationToken);
        try
        {
            await ApplySchemaAsync(connection, cancellationToken);
            EnsureDataProtectionKey();
            await signingKeys.EnsureKeyAsync(cancellationToken);
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task ApplySchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var check = new NpgsqlCommand(
            $"SELECT to_regclass('{AccountsDbContext.Schema}.schema_versions') IS NOT NULL", connection, transaction))
        {
            if ((bool)(await check.ExecuteScalarAsync(cancellationToken))!)
            {
                await using var version = new NpgsqlCommand(
                    $"SELECT max(version) FROM {AccountsDbContext.Schema}.schema_versions", connection, transaction);
                var current = (int)(await version.ExecuteScalarAsync(cancellationToken))!;
                if (current > SchemaVersion)
                {
                    throw new InvalidOperationException(
                        $"The identity schema is at version {current}, newer than this build knows ({SchemaVersion}).");
                }

                await transaction.CommitAsync(cancellationToken);
                return;
            }
        }

        string script;
        await using (var scope = scopes.CreateAsyncScope())
        {
            script = scope.ServiceProvider.GetRequiredService<AccountsDbContext>().Database.GenerateCreateScript();
        }

        await ExecuteAsync(connection, transaction, script, cancellationToken);
        await ExecuteAsync(connection, transaction, $"""
            CREATE TABLE {AccountsDbContext.Schema}.schema_versions (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO {AccountsDbContext.Schema}.schema_versions (version) VALUES ({SchemaVersion});
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogSchemaCreated(logger, SchemaVersion);
    }

    /// <summary>
    /// Creates the first Data Protection key here, under the lock, rather than letting each process create its own
    /// on first use; otherwise two processes starting together could each encrypt with a key the other has not loaded.
    /// </summary>
    private void EnsureDataProtectionKey()
    {
        var now = time.GetUtcNow();
        if (!dataProtectionKeys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now.AddDays(7)))
        {
            dataProtectionKeys.CreateNewKey(now, now.AddDays(90));
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the identity schema (version {Version})")]
    private static partial void LogSchemaCreated(ILogger logger, int version);
}
