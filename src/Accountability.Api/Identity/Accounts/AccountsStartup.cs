using Accountability.Api.Identity.Authentication;
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
    private const int SchemaVersion = 3;
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
        var current = 0;
        await using (var check = new NpgsqlCommand(
            $"SELECT to_regclass('{AccountsDbContext.Schema}.schema_versions') IS NOT NULL", connection, transaction))
        {
            if ((bool)(await check.ExecuteScalarAsync(cancellationToken))!)
            {
                await using var version = new NpgsqlCommand(
                    $"SELECT max(version) FROM {AccountsDbContext.Schema}.schema_versions", connection, transaction);
                current = (int)(await version.ExecuteScalarAsync(cancellationToken))!;
            }
        }

        if (current > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The identity schema is at version {current}, newer than this build knows ({SchemaVersion}).");
        }

        if (current == SchemaVersion)
        {
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        if (current < 1)
        {
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
                """, cancellationToken);
        }

        if (current < 2)
        {
            // 2: account and session changes are announced to every process (see KnownSessions).
            await ExecuteAsync(connection, transaction, KnownSessions.TriggersSql(AccountsDbContext.Schema), cancellationToken);
        }

        if (current < 3)
        {
            // 3: a session keeps what the device said it was, for the member's list of sessions (a new database has it already).
            await ExecuteAsync(connection, transaction,
                $"ALTER TABLE {AccountsDbContext.Schema}.sessions ADD COLUMN IF NOT EXISTS client_name character varying({SignInSession.ClientNameMaxLength})",
                cancellationToken);
        }

        await ExecuteAsync(connection, transaction,
            $"INSERT INTO {AccountsDbContext.Schema}.schema_versions (version) SELECT v FROM generate_series({current + 1}, {SchemaVersion}) v",
            cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Identity schema created or upgraded to version {Version}")]
    private static partial void LogSchemaCreated(ILogger logger, int version);
}
