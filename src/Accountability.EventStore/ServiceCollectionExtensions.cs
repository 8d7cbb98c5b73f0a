using Accountability.EventStore.Appending;
using Accountability.EventStore.Projections;
using Accountability.EventStore.Reading;
using Accountability.EventStore.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Accountability.EventStore;

public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the event store: its schema applied at start-up, <see cref="IEventStore"/>, <see cref="IProjectionAdmin"/>,
    /// <see cref="EventLogFollower"/>, LISTEN/NOTIFY wake-ups and (unless disabled) the projection daemon.
    /// Registers the <see cref="NpgsqlDataSource"/> of the store's database unless one is registered already.
    /// </summary>
    public static IServiceCollection AddEventStore(this IServiceCollection services, Action<EventStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new EventStoreOptions();
        configure(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException("The event store needs a connection string.");
        }

        services.AddSingleton(options);
        services.TryAddSingleton(_ =>
        {
            // The append call and the page reads are the same few statements all day: let Npgsql prepare them.
            var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            {
                builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
            }

            return builder.Build();
        });
        services.AddSingleton<EventStoreSchema>();
        services.AddSingleton<EventReader>();
        services.AddSingleton<EventLogTail>();
        services.AddSingleton<StreamStateCache>();
        services.AddSingleton<EventLogSignal>();
        services.AddSingleton<ProjectionCatalog>();
        services.AddSingleton(sp => new AppendWriter(
            sp.GetRequiredService<NpgsqlDataSource>(),
            options,
            sp.GetRequiredService<ProjectionCatalog>().Inline,
            sp.GetRequiredService<EventLogSignal>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<AppendWriter>()));
        services.AddSingleton<IEventStore, EventStore>();
        services.AddSingleton<IProjectionAdmin, ProjectionAdmin>();
        services.AddSingleton<EventLogFollower>();

        // Order matters: the schema is applied before the listener and the daemon start.
        services.AddHostedService<EventStoreInitializer>();
        services.AddHostedService<EventLogListener>();
        if (options.Daemon.Enabled)
        {
            services.AddSingleton<ProjectionDaemon>();
            services.AddHostedService(sp => sp.GetRequiredService<ProjectionDaemon>());
        }

        return services;
    }
}
