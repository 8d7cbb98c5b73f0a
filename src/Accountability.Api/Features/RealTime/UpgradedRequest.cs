using Accountability.Api.Identity.Authentication;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// A hub connection's WebSocket request lives as long as the connection, but once the socket is accepted nothing
/// reads its headers again (the connection closes when its token expires). So the request stops holding them:
/// the bearer token leaves memory, and an idle connection keeps no user agent, WebSocket keys or a browser's
/// cookies. As a hub filter it does so for every connection of every hub, as the connection opens.
/// </summary>
internal sealed class UpgradedRequest : IHubFilter
{
    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.Context.GetHttpContext() is { } request)
        {
            ForgetHeaders(request);
        }

        return next(context);
    }

    public static void ForgetHeaders(HttpContext context)
    {
        BearerTokenReader.Forget(context);
        var headers = context.Request.Headers;
        foreach (var name in headers.Keys.ToList())
        {
            // Host stays for the request's closing log line. Replaced, not removed: Kestrel keeps a removed
            // header's value for reuse by the next request.
            if (!string.Equals(name, HeaderNames.Host, StringComparison.OrdinalIgnoreCase))
            {
                headers[name] = StringValues.Empty;
            }
        }
    }
}
