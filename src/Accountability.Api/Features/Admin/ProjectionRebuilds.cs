using System.Collections.Concurrent;
using Accountability.EventStore.Projections;

namespace Accountability.Api.Features.Admin;

/// <summary>
/// Rebuilds started over HTTP run in the background of this process (a rebuild of a large log takes minutes);
/// their progress is the projection's status (position against its rebuild target). One at a time per projection.
/// </summary>
internal sealed partial class ProjectionRebuilds(IProjectionAdmin admin, IHostApplicationLifetime lifetime, ILogger<ProjectionRebuilds> logger)
{
    /// <summary>How long a background rebuild may take before the wait gives up (the rebuild itself goes on).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromHours(6);

    private readonly ConcurrentDictionary<string, Task> running = new(StringComparer.Ordinal);

    public bool IsRunning(string name) => running.TryGetValue(name, out var task) && !task.IsCompleted;

    /// <summary>Starts a rebuild; false when one is already running for the projection.</summary>
    public bool TryStart(string name)
    {
        var started = false;
        _ = running.AddOrUpdate(
            name,
            _ =>
            {
                started = true;
                return RunAsync(name);
            },
            (_, existing) =>
            {
                if (!existing.IsCompleted)
                {
                    return existing;
                }

                started = true;
                return RunAsync(name);
            });
        return started;
    }

    private async Task RunAsync(string name)
    {
        await Task.Yield();
        try
        {
            var result = await admin.RebuildAsync(name, Timeout, lifetime.ApplicationStopping);
            LogRebuilt(logger, name, result.ReplayedUpTo, result.Elapsed);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Shutting down: the daemon resumes the replay from the checkpoint on the next start.
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or Npgsql.NpgsqlException)
        {
            LogFailed(logger, ex, name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Projection {Name} rebuilt up to sequence {Sequence} in {Elapsed}")]
    private static partial void LogRebuilt(ILogger logger, string name, long sequence, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuild of projection {Name} failed")]
    private static partial void LogFailed(ILogger logger, Exception ex, string name);
}
