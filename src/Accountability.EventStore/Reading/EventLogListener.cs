using System.Globalization;
using Accountability.EventStore.Schema;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Accountability.EventStore.Reading;

/// <summary>
/// LISTENs for the one notification each append transaction sends and pulses the <see cref="EventLogSignal"/>,
/// so readers in this process wake at once for appends made by other processes. When the connection fails,
/// readers fall back to polling until it is back.
/// </summary>
internal sealed partial class EventLogListener(
    EventStoreOptions options,
    EventStoreSchema schema,
    EventLogSignal signal,
    ILogger<EventLogListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
                {
                    Pooling = false,
                    KeepAlive = 5,
                    ApplicationName = "accountability-listener",
                };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                    signal.Pulse(long.TryParse(e.Payload, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seq) ? seq : 0);
                await using (var listen = new NpgsqlCommand($"LISTEN \"{schema.NotifyChannel}\"", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                // Anything appended while we were not listening is found by the readers' next look.
                signal.Pulse();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                LogListenFailed(logger, ex.Message);
                try
                {
                    await Task.Delay(options.Daemon.RetryDelay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event log notifications unavailable ({Reason}); readers poll until they are back")]
    private static partial void LogListenFailed(ILogger logger, string reason);
}
