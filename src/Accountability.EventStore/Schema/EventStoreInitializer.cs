using Accountability.EventStore.Projections;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Accountability.EventStore.Schema;

/// <summary>Applies the store's schema and its projections' tables at start-up, before anything reads or writes.</summary>
internal sealed class EventStoreInitializer(
    NpgsqlDataSource dataSource,
    EventStoreOptions options,
    EventStoreSchema schema,
    ProjectionCatalog catalog) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var ddl = catalog.All.Where(c => c.Projection is not null).SelectMany(c => c.Projection!.Schema).ToList();
        var names = catalog.Daemon.Select(c => c.Name).ToArray();
        ddl.Add($"INSERT INTO {options.QuotedSchema}.checkpoints (name) SELECT unnest(ARRAY[{string.Join(", ", names.Select(Quote))}]::text[]) ON CONFLICT (name) DO NOTHING");
        await schema.ApplyAsync(dataSource, ddl, cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Quote(string name) => $"'{name.Replace("'", "''", StringComparison.Ordinal)}'";
}
