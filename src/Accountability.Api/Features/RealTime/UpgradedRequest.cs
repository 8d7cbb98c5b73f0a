using Accountability.Api.Identity.Authentication;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// A hub connection's WebSocket request lives as long as the connection, but once the socket is accepted nothing
/// reads its headers again (the connection closes when its token expires). So the request stops holding them:
/// the bearer token leaves memory, and an idle connection keeps no user agent, WebSocket keys or a browser's
/// cookies.
/// </summary>
internal static class UpgradedRequest
{
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
