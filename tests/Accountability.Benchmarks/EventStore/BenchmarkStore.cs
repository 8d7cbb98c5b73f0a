using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Accountability.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Accountability.Benchmarks.EventStore;

public sealed record CheckedIn(Guid MemberId, int Value, string Note);

/// <summary>A host running the event store on the benchmark's own durable PostgreSQL.</summary>
internal sealed class BenchmarkStore : IAsyncDisposable
{
    private readonly IHost host;

    private BenchmarkStore(IHost host) => this.host = host;

    public IEventStore Store => host.Services.GetRequiredService<IEventStore>();

    public IProjectionAdmin Admin => host.Services.GetRequiredService<IProjectionAdmin>();

    /// <summary>
    /// A durable cluster of its own (fsync and synchronous commit on: what production runs, so ratios are honest),
    /// or the server named by ACCOUNTABILITY_BENCH_PG (a fresh database is created on it).
    /// </summary>
    public static async Task<PostgresServer> StartServerAsync()
    {
        var configured = Environment.GetEnvironmentVariable("ACCOUNTABILITY_BENCH_PG");
        if (string.IsNullOrWhiteSpace(configured))
        {
            return await PostgresServer.StartThrowawayAsync(fast: false);
        }

        var existing = PostgresServer.Existing(configured);
        return PostgresServer.Existing(await existing.CreateDatabaseAsync("bench"));
    }

    public static async Task<BenchmarkStore> StartAsync(string connectionString, string schema, Action<EventStoreOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddEventStore(options =>
        {
            options.ConnectionString = connectionString;
            options.Schema = schema;
            options.Events.Register<CheckedIn>("checked-in");
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new BenchmarkStore(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

/// <summary>The inline projection of the append benchmark: a per-stream counter, as a member's streak row would be.</summary>
internal sealed class StreamCounterProjection(EventStoreOptions options) : IProjection
{
    private readonly string table = $"{options.Schema}_counters";

    public string Name => "counters";

    public IReadOnlyCollection<Type> EventTypes => [typeof(CheckedIn)];

    public IReadOnlyList<string> Schema => [$"CREATE TABLE IF NOT EXISTS public.{table} (stream_id text PRIMARY KEY, total bigint NOT NULL, version bigint NOT NULL)"];

    public IReadOnlyList<string> Tables => [$"public.{table}"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var command = context.Enqueue(
            $"""
            INSERT INTO public.{table} (stream_id, total, version)
            SELECT s, sum(v), max(ver) FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(s, v, ver) GROUP BY s
            ON CONFLICT (stream_id) DO UPDATE SET total = {table}.total + excluded.total, version = excluded.version
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.StreamId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => (long)((CheckedIn)e.Data).Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Version).ToArray() });
        return Task.CompletedTask;
    }
}

internal static class Measure
{
    /// <summary>Runs <paramref name="concurrency"/> loops of <paramref name="operation"/> for <paramref name="duration"/> after a warm-up (1 s unless given); returns operations per second.</summary>
    public static async Task<double> RateAsync(int concurrency, TimeSpan duration, Func<int, long, Task> operation, TimeSpan? warmUpFor = null)
    {
        var counters = new long[concurrency];
        var warmUp = warmUpFor ?? TimeSpan.FromSeconds(1);
        var start = DateTime.UtcNow;
        var measureFrom = start + warmUp;
        var end = measureFrom + duration;
        var counted = new long[concurrency];
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            long i = 0;
            while (DateTime.UtcNow < end)
            {
                await operation(worker, i++);
                if (DateTime.UtcNow >= measureFrom && DateTime.UtcNow < end)
                {
                    counted[worker]++;
                }
            }

            counters[worker] = i;
        })));
        return counted.Sum() / duration.TotalSeconds;
    }

    public static string Payload { get; } = new('x', 120);
}
