using Microsoft.Net.Http.Headers;

namespace Accountability.Api.Identity.Authentication;

/// <summary>
/// Where a request's bearer token is: the <c>Authorization</c> header, or, on hub paths only (browsers cannot
/// set headers on WebSockets), the <c>access_token</c> query parameter. Query tokens anywhere else are ignored,
/// so they never become a habit that leaks tokens into URLs.
/// </summary>
public static class BearerTokenReader
{
    public const string HubPathPrefix = "/hubs";
    public const string QueryParameter = "access_token";

    public static string? Read(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var authorization = context.Request.Headers[HeaderNames.Authorization].ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = authorization["Bearer ".Length..].Trim();
            return token.Length > 0 ? token : null;
        }

        if (context.Request.Path.StartsWithSegments(HubPathPrefix)
            && context.Request.Query[QueryParameter] is { Count: 1 } query
            && !string.IsNullOrEmpty(query[0]))
        {
            return query[0];
        }

        return null;
    }
}
