using Accountability.Api.Features.Admin;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Identity.Access;

namespace Accountability.Api.Features.Progress;

/// <summary>
/// The read side's services: the cohort read model's reader, AutoMapper (read-model rows to responses only; the
/// licence key is read from <c>AutoMapper:LicenseKey</c> when configured), and the operator access rule of the
/// admin endpoints. The read models themselves are projections, registered by their attribute.
/// </summary>
public static class ReadSide
{
    public static WebApplicationBuilder AddReadSide(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<CohortReader>();
        services.AddAutoMapper(
            (provider, config) =>
            {
                if (provider.GetRequiredService<IConfiguration>()["AutoMapper:LicenseKey"] is { Length: > 0 } key)
                {
                    config.LicenseKey = key;
                }
            },
            typeof(ReadSide).Assembly);
        services.AddSingleton<ProjectionRebuilds>();
        services.AddScoped<IAccessRuleEvaluator, ServiceAdminEvaluator>();
        return builder;
    }
}
