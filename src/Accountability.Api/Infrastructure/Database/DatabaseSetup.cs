using System.Data.Common;
using Npgsql;

namespace Accountability.Api.Infrastructure.Database;

/// <summary>Where the service's PostgreSQL is: a configured connection string always wins over the local cluster.</summary>
internal static class DatabaseSetup
{
    public const int DefaultMaxPoolSize = 32;

    private static readonly string[] PoolSizeKeywords = ["Maximum Pool Size", "MaxPoolSize"];

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

    /// <summary>
    /// The connection string of one of the service's pools: <see cref="ResolveConnectionString"/> with its application
    /// name and, unless the connection string sets one, a pool of at most <c>Database:MaxPoolSize</c> connections
    /// (default <see cref="DefaultMaxPoolSize"/>). PostgreSQL runs a process per connection; past a few per core
    /// more of them only contend, and a pool that grew in a burst keeps them open, idle, for minutes. A request
    /// that finds the pool busy waits for a connection instead.
    /// </summary>
    public static string PoolConnectionString(IConfiguration configuration, string applicationName, bool keepConfiguredName = false)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var raw = ResolveConnectionString(configuration);
        var builder = new NpgsqlConnectionStringBuilder(raw);
        if (!keepConfiguredName || string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = applicationName;
        }

        var named = new DbConnectionStringBuilder { ConnectionString = raw };
        if (!PoolSizeKeywords.Any(named.ContainsKey))
        {
            builder.MaxPoolSize = configuration.GetValue("Database:MaxPoolSize", DefaultMaxPoolSize);
        }

        return builder.ConnectionString;
    }
}
