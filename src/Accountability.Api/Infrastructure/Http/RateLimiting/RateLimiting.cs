using System.Globalization;
using System.Threading.RateLimiting;
using Accountability.Api.Infrastructure.Http.Problems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;

namespace Accountability.Api.Infrastructure.Http.RateLimiting;

/// <summary>
/// ASP.NET Core rate limiting: a global limiter on writes (per member and per address, chained) plus the named
/// policies in <see cref="RateLimitPolicies"/>. Rejections are 429 problem documents with <c>Retry-After</c>.
/// </summary>
internal static class RateLimiting
{
    public static IServiceCollection AddEdgeRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection(RateLimitSettings.Section).Get<RateLimitSettings>() ?? new RateLimitSettings();
        services.AddSingleton(settings);

        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = OnRejectedAsync;

            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsWrite(context) && MemberKey(context) is { } member
                        ? Fixed("write-member:" + member, settings.WritesPerMember)
                        : RateLimitPartition.GetNoLimiter(string.Empty)),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsWrite(context)
                        ? Fixed("write-address:" + AddressKey(context), settings.WritesPerAddress)
                        : RateLimitPartition.GetNoLimiter(string.Empty)));

            options.AddPolicy(RateLimitPolicies.Auth, context => Fixed("auth:" + AddressKey(context), settings.AuthPerAddress));
            options.AddPolicy(RateLimitPolicies.Nudges, context =>
                Fixed("nudges:" + (MemberKey(context) ?? "address:" + AddressKey(context)), settings.NudgesPerMember));
        });
        return services;
    }

    private static RateLimitPartition<string> Fixed(string key, WindowLimit limit) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, limit.Permits),
            Window = limit.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static bool IsWrite(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method)
        || HttpMethods.IsPut(context.Request.Method)
        || HttpMethods.IsPatch(context.Request.Method)
        || HttpMethods.IsDelete(context.Request.Method);

    /// <summary>The signed-in member (the limiter runs after authentication), or null for anonymous callers.</summary>
    private static string? MemberKey(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst("sub")?.Value : null;

    private static string AddressKey(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var delay) ? delay : TimeSpan.FromSeconds(1);
        await WriteTooManyRequestsAsync(context, retryAfter);
    }

    /// <summary>The one shape of a 429: problem document plus <c>Retry-After</c> in whole seconds.</summary>
    public static Task WriteTooManyRequestsAsync(HttpContext context, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers[HeaderNames.RetryAfter] =
            Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return ProblemResponses.WriteAsync(context, new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Type = ProblemTypes.TooManyRequests,
            Title = "Too many requests.",
            Detail = "Slow down and retry after the number of seconds in Retry-After.",
        });
    }
}
