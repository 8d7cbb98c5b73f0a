using Accountability.Api.Demo;
using Accountability.Api.Features.Access;
using Accountability.Api.Features.Admin;
using Accountability.Api.Features.CheckIns;
using Accountability.Api.Features.CoachViews;
using Accountability.Api.Features.Export;
using Accountability.Api.Features.Feed;
using Accountability.Api.Features.Goals;
using Accountability.Api.Features.Groups;
using Accountability.Api.Features.Leaderboards;
using Accountability.Api.Features.Members;
using Accountability.Api.Features.Moderation;
using Accountability.Api.Features.Partners;
using Accountability.Api.Features.PartnerView;
using Accountability.Api.Features.Progress;
using Accountability.Api.Features.RealTime;
using Accountability.Api.Identity;
using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Infrastructure.EventStore;
using Accountability.Api.Infrastructure.Http;
using Accountability.Api.Infrastructure.Mediation;

namespace Accountability.Api;

/// <summary>
/// The service's table of contents: one <c>AddX</c> and one <c>MapX</c> per area. Tests build the same
/// application through <see cref="CreateApp"/> with their own configuration (database, limits).
/// </summary>
public static partial class Program
{
    public static Task Main(string[] args) => CreateApp(args).RunAsync();

    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="configure">Runs first, before any area reads configuration: tests add settings and log providers here.</param>
    public static WebApplication CreateApp(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        builder.AddHttpEdge();          // problem details, body and rate limits, security headers, idempotency, health, OpenAPI
        builder.AddAccounts();          // Identity, tokens, external authority, access rules
        builder.AddCommandPipeline();   // MediatR handlers, validators, pipeline behaviours
        builder.AddEventSourcing();     // the event store: domain events, projections, daemon
        builder.AddAccess();            // membership, roles, partners, goal visibility: the access rules every feature uses
        builder.AddDemoSeed(args);      // --demo: a living demo cohort on an empty database (accounts printed at start-up)
        builder.AddRealTime();          // the feed hub, this process's relay from the event log, HTTP catch-up
        builder.AddReadSide();          // read models' readers, AutoMapper (rows to responses), the operator rule

        var app = builder.Build();
        app.UseHttpEdge();              // the middleware pipeline, in order

        app.MapHttpEdge();              // /health/live, /health/ready, /openapi/v1.json
        app.MapAccountApi();            // /api/v1/account
        app.MapGroupsApi();             // /api/v1/groups: cohorts, settings, invite codes, roster, roles
        app.MapMembersApi();            // /api/v1/me: time zone, pauses
        app.MapGoalsApi();              // /api/v1/goals, /api/v1/groups/{groupId}/goals: goals and streak corrections
        app.MapCheckInsApi();           // /api/v1/goals/{goalId}/check-ins, /api/v1/groups/{groupId}/today
        app.MapPartnersApi();           // /api/v1/groups/{groupId}/...: pairs, partner requests, nudges, kudos, comments
        app.MapModerationApi();         // /api/v1/groups/{groupId}/...: announcements, hide/restore, mutes, reports
        app.MapRealTime();              // /hubs/feed, /api/v1/feed/updates
        app.MapProgressApi();           // /api/v1/goals/{goalId}/progress, /api/v1/groups/{groupId}/members/{memberId}/progress: streaks, consistency, explain, as of
        app.MapFeedApi();               // /api/v1/groups/{groupId}/feed: shared check-ins, wins, announcements, kudos, comments
        app.MapLeaderboardsApi();       // /api/v1/groups/{groupId}/leaderboard: this week, rolling 4 weeks, all time
        app.MapCoachViewsApi();         // /api/v1/groups/{groupId}/coach/dashboard and /coach/queue, a member's timeline
        app.MapPartnerViewApi();        // /api/v1/groups/{groupId}/partners/{memberId}/view: a partner's goals, check-ins, pair streak
        app.MapExportApi();             // /api/v1/me/export, /api/v1/groups/{groupId}/export: all one's events, a cohort's
        app.MapAdminApi();              // /api/v1/admin: projection status and lag, dead letters, rebuilds (operators only)
        return app;
    }
}
