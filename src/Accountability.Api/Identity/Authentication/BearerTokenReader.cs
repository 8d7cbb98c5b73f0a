using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
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

    /// <summary>
    /// Drops the token from every place <see cref="Read"/> looks (the <c>Authorization</c> header, the hub's
    /// <c>access_token</c> query parameter), for a request that outlives its authentication: a hub connection.
    /// </summary>
    public static void Forget(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Replaced, not removed: Kestrel keeps a removed header's value for reuse by the next request.
        context.Request.Headers.Authorization = StringValues.Empty;
        if (!context.Request.Query.ContainsKey(QueryParameter))
        {
            return;
        }

        var query = QueryString.Create(context.Request.Query
            .Where(p => !string.Equals(p.Key, QueryParameter, StringComparison.Ordinal))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v))));
        context.Request.QueryString = query;
        if (context.Features.Get<IHttpRequestFeature>() is { } request)
        {
            request.RawTarget = context.Request.PathBase + context.Request.Path + query;
        }
    }
}
