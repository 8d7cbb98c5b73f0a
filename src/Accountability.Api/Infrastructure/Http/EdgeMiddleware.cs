using Accountability.Api.Infrastructure.Http.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace Accountability.Api.Infrastructure.Http;

/// <summary>Headers every response carries: an API that serves JSON only needs no framing, sniffing or referrers.</summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var response = ((HttpContext)state).Response;
            if (response.StatusCode == StatusCodes.Status101SwitchingProtocols)
            {
                // A protocol switch carries no content to protect, and its request lives as long as the connection.
                return Task.CompletedTask;
            }

            var headers = response.Headers;
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers[HeaderNames.ContentSecurityPolicy] = "default-src 'none'; frame-ancestors 'none'";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (!headers.ContainsKey(HeaderNames.CacheControl))
            {
                // Responses carry tokens and personal data: no shared or browser cache keeps them.
                headers[HeaderNames.CacheControl] = "no-store";
            }

            headers.Remove(HeaderNames.Server);
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}

/// <summary>
/// Refuses a declared body over the limit before anything reads it (Kestrel enforces the same limit while
/// reading, for chunked bodies), and hub connections from browser origins that are not allowed.
/// </summary>
internal sealed class RequestGuardMiddleware(RequestDelegate next, HttpSettings settings)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? settings.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            // The unread body stays on the connection: close it so the client does not send its next request there.
            context.Response.Headers.Connection = "close";
            return ProblemResponses.WriteAsync(context, new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Type = ProblemTypes.PayloadTooLarge,
                Title = "Request body too large.",
                Detail = $"The request body may be at most {limit} bytes.",
            });
        }

        if (context.Request.Path.StartsWithSegments("/hubs")
            && settings.AllowedOrigins.Length > 0
            && context.Request.Headers.Origin is { Count: > 0 } origin
            && !settings.AllowedOrigins.Contains(origin.ToString(), StringComparer.OrdinalIgnoreCase))
        {
            return ProblemResponses.WriteAsync(context, new ProblemDetails
            {
                Status = StatusCodes.Status403Forbidden,
                Type = ProblemTypes.Forbidden,
                Title = "Origin not allowed.",
            });
        }

        return next(context);
    }
}
