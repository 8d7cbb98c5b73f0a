using Accountability.EventStore.Schema;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Accountability.EventStore.Appending;

/// <summary>
/// Tells other processes that the log has grown: one NOTIFY at a time, carrying the highest sequence
/// committed so far, sent after commit and outside the append's transaction. NOTIFY inside append
/// transactions would serialise their commits on PostgreSQL's notify lock and double an append's latency;
/// coalescing keeps one wake-up per burst. Only a wake-up: readers that miss it still poll.
/// </summary>
internal sealed partial class AppendNotifier(NpgsqlDataSource dataSource, EventStoreSchema schema, ILogger<AppendNotifier> logger)
{
    private long announced;
    private long pending;
    private int sending;

    public void Announce(long sequence)
    {
        InterlockedMax(ref pending, sequence);
        if (Interlocked.CompareExchange(ref sending, 1, 0) == 0)
        {
            _ = Task.Run(SendAsync);
        }
    }

    private async Task SendAsync()
    {
        while (true)
        {
            var target = Interlocked.Read(ref pending);
            if (target > Interlocked.Read(ref announced))
            {
                try
                {
                    await using var command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = schema.NotifyChannel });
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = target.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    LogNotifyFailed(logger, ex.Message);
                }

                InterlockedMax(ref announced, target);
                continue;
            }

            Volatile.Write(ref sending, 0);

            // An announcement that arrived between the check and the release must not be left behind.
            if (Interlocked.Read(ref pending) <= Interlocked.Read(ref announced) || Interlocked.CompareExchange(ref sending, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref target);
        }
        while (value > current && Interlocked.CompareExchange(ref target, value, current) != current);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "NOTIFY after append failed ({Reason}); other processes find the events by polling")]
    private static partial void LogNotifyFailed(ILogger logger, string reason);
}
