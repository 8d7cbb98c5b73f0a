using System.Globalization;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Npgsql;

namespace Accountability.Benchmarks.EventStore;

public sealed record Marked(int HoldMs, bool Fail);

/// <summary>
/// 16 writers attempt 104,000 events (about 2% roll back, leaving 100,000+ committed) while the daemon projects; some appends hold their transaction open
/// 0.2-2 s after drawing sequence numbers, some roll back. After quiescence every committed event must be
/// projected exactly once.
/// </summary>
internal static class GapSafetyBenchmark
{
    public static async Task<object> RunAsync(string[] args)
    {
        var target = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 104_000;
        const int writers = 16;
        await using var server = await BenchmarkStore.StartServerAsync();
        await using var store = await BenchmarkStore.StartAsync(server.ConnectionString, "es", o =>
        {
            o.Events.Register<Marked>("marked");
            o.AddProjection<HoldingProjection>(ProjectionLifecycle.Inline);
            o.AddProjection<SightingsProjection>(ProjectionLifecycle.Async);
        });

        var attempted = 0;
        var failed = 0;
        var held = 0;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            while (Interlocked.Add(ref attempted, 2) <= target)
            {
                var hold = random.Next(10_000) < 2 ? random.Next(200, 2000) : 0;
                var fail = random.Next(100) < 2;
                if (hold > 0)
                {
                    Interlocked.Increment(ref held);
                }
                try
                {
                    await store.Store.AppendAsync($"member-{w}-{random.Next(50)}", ExpectedVersion.Any, [new EventData(new Marked(hold, fail)), new EventData(new CheckedIn(Guid.Empty, 1, "gap"))]);
                }
                catch (EventStoreException) when (fail)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })));

        await store.Admin.WaitForNonStaleAsync(TimeSpan.FromMinutes(5));
        await using var check = NpgsqlDataSource.Create(server.ConnectionString);
        async Task<long> Count(string sql)
        {
            await using var command = check.CreateCommand(sql);
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        var committed = await Count("SELECT count(*) FROM es.events");
        var projected = await Count("SELECT count(DISTINCT seq) FROM public.sightings");
        var skipped = await Count("SELECT count(*) FROM es.events e WHERE NOT EXISTS (SELECT 1 FROM public.sightings s WHERE s.seq = e.seq)");
        var duplicated = await Count("SELECT count(*) - count(DISTINCT seq) FROM public.sightings");
        var holes = await Count("SELECT last_value FROM es.events_seq") - committed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"committed {committed:N0} events; {failed} appends rolled back ({holes} sequence holes); {held} held 0.2-2 s; projected {projected:N0}, skipped {skipped}, duplicated {duplicated}"));
        return new { scenario = "gap-safety", committed, projected, skipped, duplicated, rolled_back_appends = failed, sequence_holes = holes, held_transactions = held };
    }
}

/// <summary>Inline: holds the append's transaction open, or fails it after its sequence numbers were drawn.</summary>
internal sealed class HoldingProjection : IProjection
{
    public string Name => "holding";

    public IReadOnlyCollection<Type> EventTypes => [typeof(Marked)];

    public IReadOnlyList<string> Schema => [];

    public IReadOnlyList<string> Tables => [];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var marked in events.Select(e => (Marked)e.Data))
        {
            if (marked.Fail)
            {
                throw new InvalidOperationException("rolled back on purpose");
            }

            if (marked.HoldMs > 0)
            {
                await using var sleep = context.CreateCommand(string.Create(CultureInfo.InvariantCulture, $"SELECT pg_sleep({marked.HoldMs / 1000.0:0.000})"));
                await sleep.ExecuteNonQueryAsync(ct);
            }
        }
    }
}

/// <summary>One row per event seen: duplicates and skips become countable.</summary>
internal sealed class SightingsProjection : IProjection
{
    public string Name => "sightings";

    public IReadOnlyCollection<Type> EventTypes => [];

    public IReadOnlyList<string> Schema => ["CREATE TABLE IF NOT EXISTS public.sightings (seq bigint NOT NULL)"];

    public IReadOnlyList<string> Tables => ["public.sightings"];

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        await using var command = context.CreateCommand("INSERT INTO public.sightings (seq) SELECT unnest($1::bigint[])");
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Sequence).ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }
}
