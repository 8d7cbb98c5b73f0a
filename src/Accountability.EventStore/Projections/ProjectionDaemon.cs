using Accountability.EventStore.Reading;
using Accountability.EventStore.Schema;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Accountability.EventStore.Projections;

/// <summary>
/// Runs the async projections and subscriptions on exactly one process at a time. Leadership is a
/// session-level advisory lock held on a dedicated connection whose health is checked every interval; a
/// standby keeps trying the lock and takes over within an interval of the leader's connection dying. The
/// checkpoint compare-and-set, not the lock, is what keeps a page from being applied twice.
/// </summary>
internal sealed partial class ProjectionDaemon(
    NpgsqlDataSource dataSource,
    EventStoreOptions options,
    EventStoreSchema schema,
    ProjectionCatalog catalog,
    EventReader reader,
    EventLogTail tail,
    EventLogSignal signal,
    ILogger<ProjectionDaemon> logger) : BackgroundService
{
    private volatile bool isLeader;

    /// <summary>Whether this process currently runs the projections.</summary>
    public bool IsLeader => isLeader;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var consumers = catalog.Daemon.ToList();
        if (consumers.Count == 0)
        {
            return;
        }

        await Task.Delay(Random.Shared.Next(0, 200), stoppingToken).ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LeadWhileHoldingLockAsync(consumers, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                LogLeadershipError(logger, options.Daemon.NodeName, ex.Message);
            }

            try
            {
                await Task.Delay(options.Daemon.LeadershipInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task LeadWhileHoldingLockAsync(List<Consumer> consumers, CancellationToken stoppingToken)
    {
        // A connection of its own, outside the pool: the lock lives and dies with this session.
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            Pooling = false,
            KeepAlive = 5,
            ApplicationName = $"accountability-daemon {options.Daemon.NodeName}",
        };
        await using var lockConnection = new NpgsqlConnection(builder.ConnectionString);
        await lockConnection.OpenAsync(stoppingToken).ConfigureAwait(false);
        await using (var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({schema.LockClass}, {EventStoreSchema.DaemonLock})", lockConnection))
        {
            if (!(bool)(await tryLock.ExecuteScalarAsync(stoppingToken).ConfigureAwait(false))!)
            {
                return;
            }
        }

        LogLeader(logger, options.Daemon.NodeName);
        using var leadership = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var agents = consumers
            .Select(c => Task.Run(() => new ProjectionAgent(c, dataSource, options, reader, tail, signal, logger).RunAsync(leadership.Token), CancellationToken.None))
            .ToList();
        isLeader = true;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Daemon.LeadershipInterval, stoppingToken).ConfigureAwait(false);
                using var check = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                check.CancelAfter(options.Daemon.LeadershipInterval * 2);
                await using var ping = new NpgsqlCommand("SELECT 1", lockConnection);
                await ping.ExecuteScalarAsync(check.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            // Leadership lost (or stopping): stop every agent before anyone else may start them.
            isLeader = false;
            await leadership.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(agents).ConfigureAwait(false);
            LogStandby(logger, options.Daemon.NodeName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Daemon {Node}: leader; running the async projections")]
    private static partial void LogLeader(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Daemon {Node}: no longer leader")]
    private static partial void LogStandby(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Daemon {Node}: leadership connection failed ({Reason}); standing by")]
    private static partial void LogLeadershipError(ILogger logger, string node, string reason);
}
