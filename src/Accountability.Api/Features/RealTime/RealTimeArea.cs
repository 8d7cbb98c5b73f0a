using Accountability.Api.Identity.Access;
using Accountability.Api.Identity.Authentication;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;

namespace Accountability.Api.Features.RealTime;

/// <summary>
/// The real-time feed: the SignalR hub at <c>/hubs/feed</c> (JSON, WebSockets), this process's relay from the event
/// log to its connections, and the HTTP catch-up <c>GET /api/v1/feed/updates</c>.
/// </summary>
public static class RealTimeArea
{
    public static WebApplicationBuilder AddRealTime(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection(RealTimeSettings.Section).Get<RealTimeSettings>() ?? new RealTimeSettings();
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<RoutingCache>();
        services.AddSingleton<FeedRouter>();
        services.AddSingleton<FeedCatchUp>();
        services.AddSingleton<FeedConnections>();
        services.AddSingleton<UpgradedRequest>();
        services.AddSingleton<HubCallBudget>();
        services.AddSingleton<LeaderboardNotices>();
        services.AddHostedService<FeedRelay>();

        services.AddSingleton<IUserIdProvider, MemberUserIdProvider>();
        services.AddSignalR(options =>
            {
                options.SupportedProtocols = ["json"];
                options.EnableDetailedErrors = false;
                options.MaximumReceiveMessageSize = settings.MaxReceiveMessageBytes;
                options.KeepAliveInterval = TimeSpan.FromSeconds(15);
                options.ClientTimeoutInterval = TimeSpan.FromSeconds(30);
                options.HandshakeTimeout = TimeSpan.FromSeconds(10);
                options.MaximumParallelInvocationsPerClient = 1;
                options.AddFilter<UpgradedRequest>();
                options.AddFilter<HubCallBudget>();
            })
            .AddJsonProtocol();

        // Each upgraded connection holds memory and a socket: cap them per process (plain requests are not counted).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentUpgradedConnections = settings.MaxConnections);
        return builder;
    }

    public static WebApplication MapRealTime(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHub<FeedHub>(FeedHub.Path, options =>
            {
                // WebSockets only: no sticky sessions are needed behind a load balancer (clients skip negotiation).
                options.Transports = HttpTransportType.WebSockets;
                options.ApplicationMaxBufferSize = 16 * 1024;

                // Tokens are checked at connect only: close the connection when its token expires, so a revoked
                // member cannot keep listening; the client reconnects with a fresh token and resumes.
                options.CloseOnAuthenticationExpiration = true;
            })
            .RequireAccess(AccessRule.Authenticated);
        app.MapFeedUpdates();
        return app;
    }
}
