namespace Accountability.Api.Infrastructure.Database;

/// <summary>Where the service's PostgreSQL is: a configured connection string always wins over the local cluster.</summary>
internal static class DatabaseSetup
{
    /// <summary>
    /// <c>ConnectionStrings:Accountability</c> when configured (environment or appsettings), otherwise
    /// <c>Database:EmbeddedConnectionString</c>, which <c>infra/run.sh</c> sets after starting the local cluster.
    /// </summary>
    public static string ResolveConnectionString(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString("Accountability");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var embedded = configuration["Database:EmbeddedConnectionString"];
        if (!string.IsNullOrWhiteSpace(embedded))
        {
            return embedded;
        }

        throw new InvalidOperationException(
            "No database configured. Start the service with infra/run.sh (it starts a local PostgreSQL), " +
            "or set ConnectionStrings__Accountability to an existing PostgreSQL.");
    }
}
