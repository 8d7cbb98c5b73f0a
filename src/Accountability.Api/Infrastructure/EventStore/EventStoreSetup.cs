using System.Reflection;
using Accountability.Api.Infrastructure.Database;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Domain;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Npgsql;

namespace Accountability.Api.Infrastructure.EventStore;

/// <summary>
/// The event store of the service: every domain event under its stable name, and every projection and
/// subscription of this assembly, found by its <see cref="ProjectionAttribute"/>. A feature adds a read
/// model by writing an <see cref="IProjection"/> with the attribute; nothing here changes.
/// </summary>
internal static class EventStoreSetup
{
    public static WebApplicationBuilder AddEventSourcing(this WebApplicationBuilder builder)
    {
        var connectionString = DatabaseSetup.PoolConnectionString(builder.Configuration, "accountability");
        var settings = builder.Configuration.GetSection("EventStore");
        builder.Services.AddEventStore(options =>
        {
            options.ConnectionString = connectionString;
            options.Schema = settings["Schema"] ?? "es";
            options.StreamStateCacheSize = settings.GetValue("StreamStateCacheSize", options.StreamStateCacheSize);
            options.Daemon.Enabled = settings.GetValue("Daemon:Enabled", true);
            options.Daemon.NodeName = settings["Daemon:NodeName"] ?? options.Daemon.NodeName;
            options.Daemon.PollInterval = settings.GetValue("Daemon:PollInterval", options.Daemon.PollInterval);
            options.Daemon.BatchWindow = settings.GetValue("Daemon:BatchWindow", options.Daemon.BatchWindow);
            options.Daemon.BatchSize = settings.GetValue("Daemon:BatchSize", options.Daemon.BatchSize);
            options.Daemon.MaxBatchWindow = settings.GetValue("Daemon:MaxBatchWindow", options.Daemon.MaxBatchWindow);
            options.Daemon.LeadershipInterval = settings.GetValue("Daemon:LeadershipInterval", options.Daemon.LeadershipInterval);
            foreach (var (name, type) in DomainEvents.All)
            {
                options.Events.Register(type, name);
            }

            foreach (var (type, lifecycle) in ProjectionTypes(typeof(EventStoreSetup).Assembly))
            {
                Register(options, type, lifecycle);
            }
        });
        builder.Services.AddSingleton<IExceptionProblemMapper, DomainProblemMapper>();
        return builder;
    }

    internal static IEnumerable<(Type Type, ProjectionLifecycle Lifecycle)> ProjectionTypes(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetCustomAttribute<ProjectionAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (t, t.GetCustomAttribute<ProjectionAttribute>()!.Lifecycle));

    private static void Register(EventStoreOptions options, Type type, ProjectionLifecycle lifecycle)
    {
        var method = lifecycle == ProjectionLifecycle.Subscription
            ? typeof(EventStoreOptions).GetMethod(nameof(EventStoreOptions.AddSubscription))!.MakeGenericMethod(type)
            : typeof(EventStoreOptions).GetMethod(nameof(EventStoreOptions.AddProjection))!.MakeGenericMethod(type);
        method.Invoke(options, lifecycle == ProjectionLifecycle.Subscription ? [] : [lifecycle]);
    }
}

/// <summary>Marks a projection (or subscription) of the service, and says how it is kept up to date.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class ProjectionAttribute(ProjectionLifecycle lifecycle) : Attribute
{
    public ProjectionLifecycle Lifecycle { get; } = lifecycle;
}
