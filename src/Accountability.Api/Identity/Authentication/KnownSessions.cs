using System.Collections.Concurrent;
using Accountability.Api.Identity.Accounts;
using Accountability.Api.Infrastructure.Http;
using Npgsql;

namespace Accountability.Api.Identity.Authentication;

/// <summary>
/// The members behind sessions this process has recently found live, so that an authenticated request needs no
/// database read, and the display names it has recently read, so that a board or a feed page needs no names query.
/// Trusted only while this process is listening for identity changes: triggers on the accounts and
/// sessions tables send <see cref="Channel"/> with the account id whenever a session is revoked or deleted or an
/// account changes (name, zone, password, lockout), in the same transaction, and every process drops what it keeps
/// for that account when it hears it. A change made in this process is also dropped at once
/// (<see cref="Forget"/>), before its answer leaves. When the listening connection fails, nothing is kept and
/// every request reads the database until it is back. Session entries also end with their session and after
/// <see cref="MaxAge"/>.
/// </summary>
internal sealed partial class KnownSessions(EdgeDataSource edge, TimeProvider time, ILogger<KnownSessions> logger) : BackgroundService
{
    public const string Channel = "accountability_identity";
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);
    private const int MaxEntries = 200_000;

    private readonly ConcurrentDictionary<Guid, Entry> entries = new();
    private readonly ConcurrentDictionary<Guid, string> names = new();

    // Moves on with every change heard and every loss of the listening connection: a lookup that began before it
    // does not keep what it read.
    private long generation;
    private volatile bool listening;

    /// <summary>Take before reading the database; pass to <see cref="Keep"/>.</summary>
    public long Generation => Interlocked.Read(ref generation);

    public MemberSnapshot? Find(Guid memberId, Guid sessionId)
    {
        if (!listening || !entries.TryGetValue(sessionId, out var entry) || entry.Member.MemberId != memberId)
        {
            return null;
        }

        var now = time.GetUtcNow();
        return now < entry.SessionExpiresAt && now - entry.KeptAt < MaxAge ? entry.Member : null;
    }

    /// <summary>Keeps what a lookup that took <paramref name="seen"/> before reading found, unless something changed since.</summary>
    public void Keep(long seen, Guid sessionId, MemberSnapshot member, DateTimeOffset sessionExpiresAt) =>
        KeepUnlessChanged(entries, seen, [new(sessionId, new Entry(member, sessionExpiresAt, time.GetUtcNow()))]);

    /// <summary>The account's display name, when this process has read it since the account last changed.</summary>
    public string? FindName(Guid accountId) => listening && names.TryGetValue(accountId, out var name) ? name : null;

    /// <summary>Keeps display names a lookup that took <paramref name="seen"/> before reading found, unless something changed since.</summary>
    public void KeepNames(long seen, IReadOnlyDictionary<Guid, string> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        KeepUnlessChanged(names, seen, [.. found]);
    }

    /// <summary>Drops everything kept for the account (its sessions, its name and its zone).</summary>
    public void Forget(Guid accountId)
    {
        Interlocked.Increment(ref generation);
        names.TryRemove(accountId, out _);
        foreach (var (sessionId, entry) in entries)
        {
            if (entry.Member.MemberId == accountId)
            {
                entries.TryRemove(sessionId, out _);
            }
        }
    }

    /// <summary>The triggers that announce identity changes (run with the identity schema's creation or upgrade).</summary>
    public static string TriggersSql(string schema) => $"""
        CREATE OR REPLACE FUNCTION {schema}.announce_account_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            PERFORM pg_notify('{Channel}', to_jsonb(OLD) ->> TG_ARGV[0]);
            RETURN NULL;
        END
        $fn$;
        DROP TRIGGER IF EXISTS sessions_announce_change ON {schema}.sessions;
        CREATE TRIGGER sessions_announce_change AFTER UPDATE OR DELETE ON {schema}.sessions
            FOR EACH ROW EXECUTE FUNCTION {schema}.announce_account_change('account_id');
        DROP TRIGGER IF EXISTS accounts_announce_change ON {schema}.accounts;
        CREATE TRIGGER accounts_announce_change AFTER UPDATE OR DELETE ON {schema}.accounts
            FOR EACH ROW EXECUTE FUNCTION {schema}.announce_account_change('id');
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(edge.DataSource.ConnectionString)
                {
                    Pooling = false,
                    KeepAlive = 5,
                    ApplicationName = "accountability-identity-listener",
                };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var accountId))
                    {
                        Forget(accountId);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN \"{Channel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // Changes made while nobody listened were not heard: start from nothing.
                Reset();
                listening = true;
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                listening = false;
                Reset();
                LogListenFailed(logger, ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            finally
            {
                listening = false;
            }
        }
    }

    /// <summary>
    /// Stores <paramref name="found"/> unless this process stopped listening or heard a change since <paramref name="seen"/>
    /// was taken (bounded: when full, it starts empty).
    /// </summary>
    private void KeepUnlessChanged<TValue>(ConcurrentDictionary<Guid, TValue> into, long seen, IReadOnlyList<KeyValuePair<Guid, TValue>> found)
    {
        if (!listening || Generation != seen)
        {
            return;
        }

        if (into.Count + found.Count > MaxEntries)
        {
            into.Clear();
        }

        foreach (var (key, value) in found)
        {
            into[key] = value;
        }

        // A change heard between the check above and the writes may have looked for these entries before they were there.
        if (Generation != seen)
        {
            foreach (var (key, _) in found)
            {
                into.TryRemove(key, out _);
            }
        }
    }

    private void Reset()
    {
        Interlocked.Increment(ref generation);
        entries.Clear();
        names.Clear();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Identity change notifications unavailable ({Reason}); every request reads its session until they are back")]
    private static partial void LogListenFailed(ILogger logger, string reason);

    private sealed record Entry(MemberSnapshot Member, DateTimeOffset SessionExpiresAt, DateTimeOffset KeptAt);
}
