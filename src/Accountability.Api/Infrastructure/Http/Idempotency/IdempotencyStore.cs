using Npgsql;
using NpgsqlTypes;

namespace Accountability.Api.Infrastructure.Http.Idempotency;

/// <summary>
/// Idempotency records in PostgreSQL (<c>api.idempotency_keys</c>), keyed by caller and key. A request first
/// claims its key (insert); the response of a successful request is stored on the claim; a failed one deletes it.
/// </summary>
internal sealed class IdempotencyStore(EdgeDataSource database, IdempotencySettings settings, TimeProvider time)
{
    public const string Schema = """
        CREATE SCHEMA IF NOT EXISTS api;
        CREATE TABLE IF NOT EXISTS api.idempotency_keys (
            scope         text        NOT NULL,
            key           text        NOT NULL,
            request_hash  bytea       NOT NULL,
            claimed_at    timestamptz NOT NULL,
            completed_at  timestamptz NULL,
            status_code   integer     NULL,
            content_type  text        NULL,
            location      text        NULL,
            body          bytea       NULL,
            PRIMARY KEY (scope, key)
        );
        CREATE INDEX IF NOT EXISTS idempotency_keys_claimed_at ON api.idempotency_keys (claimed_at);
        """;

    /// <summary>Creates the table once; safe when several processes start together.</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('accountability.api.schema', 0))", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Claims the key for this request; false when someone holds it (then <see cref="FindAsync"/> tells what to do).</summary>
    public async Task<bool> TryClaimAsync(string scope, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            INSERT INTO api.idempotency_keys (scope, key, request_hash, claimed_at)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (scope, key) DO UPDATE
                SET request_hash = EXCLUDED.request_hash, claimed_at = EXCLUDED.claimed_at,
                    completed_at = NULL, status_code = NULL, content_type = NULL, location = NULL, body = NULL
                WHERE (api.idempotency_keys.completed_at IS NULL AND api.idempotency_keys.claimed_at < $5)
                   OR api.idempotency_keys.claimed_at < $6
            RETURNING 1
            """);
        var now = time.GetUtcNow();
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(NpgsqlDbType.Bytea, requestHash);
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue(now - TimeSpan.FromSeconds(settings.AbandonedAfterSeconds));
        command.Parameters.AddWithValue(now - TimeSpan.FromHours(settings.RetentionHours));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<IdempotencyRecord?> FindAsync(string scope, string key, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            SELECT request_hash, completed_at IS NOT NULL, status_code, content_type, location, body
            FROM api.idempotency_keys WHERE scope = $1 AND key = $2
            """);
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new IdempotencyRecord(
            (byte[])reader[0],
            reader.GetBoolean(1),
            await reader.IsDBNullAsync(2, cancellationToken) ? null : reader.GetInt32(2),
            await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetString(3),
            await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetString(4),
            await reader.IsDBNullAsync(5, cancellationToken) ? null : (byte[])reader[5]);
    }

    public async Task CompleteAsync(string scope, string key, CapturedResponse response, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("""
            UPDATE api.idempotency_keys
            SET completed_at = $3, status_code = $4, content_type = $5, location = $6, body = $7
            WHERE scope = $1 AND key = $2
            """);
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        command.Parameters.AddWithValue(time.GetUtcNow());
        command.Parameters.AddWithValue(response.StatusCode);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)response.ContentType ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)response.Location ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlDbType.Bytea, response.Body);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Gives the key back so that a corrected retry can run (the first attempt failed or was rejected).</summary>
    public async Task ReleaseAsync(string scope, string key, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "DELETE FROM api.idempotency_keys WHERE scope = $1 AND key = $2 AND completed_at IS NULL");
        command.Parameters.AddWithValue(scope);
        command.Parameters.AddWithValue(key);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM api.idempotency_keys WHERE claimed_at < $1");
        command.Parameters.AddWithValue(time.GetUtcNow() - TimeSpan.FromHours(settings.RetentionHours));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

internal sealed record IdempotencyRecord(
    byte[] RequestHash,
    bool Completed,
    int? StatusCode,
    string? ContentType,
    string? Location,
    byte[]? Body);

internal sealed record CapturedResponse(int StatusCode, string? ContentType, string? Location, byte[] Body);
