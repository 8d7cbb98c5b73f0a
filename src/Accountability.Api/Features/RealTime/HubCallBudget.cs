using Microsoft.AspNetCore.SignalR;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// Refuses a hub call past the connection's budget (<see cref="RealTimeSettings.MaxInvocationsPerMinute"/>): a call
/// such as <c>Join</c> reads the database, and a client stuck in a loop must not turn that into load. The HTTP rate
/// limits do not see calls made over an open WebSocket.
/// </summary>
internal sealed class HubCallBudget(FeedConnections connections, RealTimeSettings settings, TimeProvider time) : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        if (connections.Find(invocationContext.Context.ConnectionId) is { } connection
            && !connection.TryCall(time.GetUtcNow(), settings.MaxInvocationsPerMinute))
        {
            throw new HubException($"Too many calls: at most {settings.MaxInvocationsPerMinute} a minute on one connection.");
        }

        return next(invocationContext);
    }
}
