using System.Net;
using Accountability.Api.Identity.Authentication;
using Accountability.Api.Infrastructure.Http.Health;
using Accountability.Api.Infrastructure.Http.Idempotency;
using Accountability.Api.Infrastructure.Http.Logging;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Infrastructure.Http.RateLimiting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Accountability.Api.Infrastructure.Http;

/// <summary>
/// The HTTP edge: everything a request meets before a feature handler and after it fails. Problem details for
/// every error, body and rate limits, security headers, log scrubbing, idempotency, health and OpenAPI.
/// The middleware order lives here, in one place (<see cref="UseHttpEdge"/>).
/// </summary>
public static class HttpEdge
{
    public static WebApplicationBuilder AddHttpEdge(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;
        var http = configuration.GetSection(HttpSettings.Section).Get<HttpSettings>() ?? new HttpSettings();
        services.AddSingleton(http);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<EdgeDataSource>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = http.MaxRequestBodyBytes;
        });
        ScrubbingLoggerFactory.Register(services);

        services.AddProblemDetails(options =>
            options.CustomizeProblemDetails = context => ProblemResponses.Normalize(context.ProblemDetails, context.HttpContext));
        services.AddExceptionHandler<ProblemExceptionHandler>();
        // Binding failures (bad JSON, wrong types, missing body) throw, so the exception handler answers them as problems.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.MaxDepth = 32;
        });

        services.AddEdgeRateLimiting(configuration);

        services.AddSingleton(configuration.GetSection(IdempotencySettings.Section).Get<IdempotencySettings>() ?? new IdempotencySettings());
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<EdgeStartup>();
        services.AddHostedService<IdempotencyCleanup>();

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddOpenApi(options => options.AddDocumentTransformer<BearerSecuritySchemeTransformer>());

        if (http.KnownProxies.Length > 0)
        {
            services.Configure<ForwardedHeadersOptions>(options =>
            {
                options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                foreach (var proxy in http.KnownProxies)
                {
                    options.KnownProxies.Add(IPAddress.Parse(proxy));
                }
            });
        }

        return builder;
    }

    /// <summary>The middleware pipeline, in order. Endpoints run after the last step.</summary>
    public static WebApplication UseHttpEdge(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<HttpSettings>().KnownProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(context =>
            ProblemResponses.WriteAsync(context.HttpContext, ProblemResponses.ForStatus(context.HttpContext.Response.StatusCode)));
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseRouting();
        app.UseMiddleware<RequestGuardMiddleware>();
        app.UseUpgradeAwareAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyBufferingMiddleware>();
        return app;
    }

    /// <summary>Health (<c>/health/live</c>, <c>/health/ready</c>) and the OpenAPI document (<c>/openapi/v1.json</c>).</summary>
    public static WebApplication MapHttpEdge(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") })
            .AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        app.MapOpenApi().AllowAnonymous();
        return app;
    }

    /// <summary>Creates the edge's own tables before the server accepts requests.</summary>
    private sealed class EdgeStartup(IdempotencyStore idempotency) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => idempotency.EnsureSchemaAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
