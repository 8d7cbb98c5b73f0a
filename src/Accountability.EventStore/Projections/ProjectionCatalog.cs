using Accountability.EventStore.Appending;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.EventStore.Projections;

/// <summary>The registered projections and subscriptions, created once, with the stored type names each one reads.</summary>
internal sealed class ProjectionCatalog
{
    public ProjectionCatalog(IServiceProvider services, EventStoreOptions options)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var registration in options.Projections)
        {
            var instance = ActivatorUtilities.GetServiceOrCreateInstance(services, registration.Type);
            var consumer = instance switch
            {
                IProjection p when registration.Lifecycle != ProjectionLifecycle.Subscription =>
                    new Consumer(p.Name, registration.Lifecycle, TypeNames(options, p.EventTypes), p, null),
                ISubscription s => new Consumer(s.Name, ProjectionLifecycle.Subscription, TypeNames(options, s.EventTypes), null, s),
                _ => throw new InvalidOperationException($"{registration.Type.FullName} is not an {registration.Lifecycle} consumer."),
            };
            if (!names.Add(consumer.Name))
            {
                throw new InvalidOperationException($"Two projections or subscriptions are named '{consumer.Name}'.");
            }

            All.Add(consumer);
        }

        Inline = All.Where(c => c.Lifecycle == ProjectionLifecycle.Inline)
            .Select(c => new InlineProjection(c.Projection!, c.TypeNames?.ToHashSet(StringComparer.Ordinal)))
            .ToList();
    }

    public List<Consumer> All { get; } = [];

    public IReadOnlyList<InlineProjection> Inline { get; }

    /// <summary>The consumers the daemon runs: async projections and subscriptions.</summary>
    public IEnumerable<Consumer> Daemon => All.Where(c => c.Lifecycle != ProjectionLifecycle.Inline);

    public Consumer Get(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"No projection or subscription is named '{name}'.");

    private static IReadOnlyList<string>? TypeNames(EventStoreOptions options, IReadOnlyCollection<Type> types)
    {
        if (types.Count == 0)
        {
            return null;
        }

        var unregistered = types.Where(t => !options.Events.IsRegistered(t)).ToList();
        if (unregistered.Count > 0)
        {
            throw new InvalidOperationException($"Event types {string.Join(", ", unregistered.Select(t => t.Name))} are handled by a projection but not registered with the event store.");
        }

        return options.Events.NamesFor(types);
    }
}

/// <summary>An async projection, inline projection or subscription, as the daemon and rebuilds see it.</summary>
internal sealed record Consumer(string Name, ProjectionLifecycle Lifecycle, IReadOnlyList<string>? TypeNames, IProjection? Projection, ISubscription? Subscription)
{
    public IReadOnlyList<string> Tables => Projection?.Tables ?? [];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        if (Projection is not null)
        {
            await Projection.ApplyAsync(context, events, ct).ConfigureAwait(false);
        }
        else
        {
            await Subscription!.HandleAsync(events, ct).ConfigureAwait(false);
        }
    }
}
