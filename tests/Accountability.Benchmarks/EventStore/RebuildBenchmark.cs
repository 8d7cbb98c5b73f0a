using System.Diagnostics;
using System.Globalization;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Npgsql;

namespace Accountability.Benchmarks.EventStore;

/// <summary>Replays 1,000,000 events into an async projection (an online rebuild) and reports events per second.</summary>
internal static class RebuildBenchmark
{
    public static async Task<object> RunAsync(string[] args)
    {
        var total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        const int streams = 2_000;
        const int perAppend = 500;
        await using var server = await BenchmarkStore.StartServerAsync();
        await using var store = await BenchmarkStore.StartAsync(server.ConnectionString, "es", o =>
        {
            o.AddProjection<MemberTotalsProjection>(ProjectionLifecycle.Async);
            o.Daemon.RebuildBatchSize = 10_000;
        });

        var load = Stopwatch.StartNew();
        var appends = total / perAppend;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < appends)
            {
                var events = Enumerable.Range(0, perAppend).Select(j => new EventData(new CheckedIn(Guid.Empty, j % 10, "rebuild"))).ToList();
                await store.Store.AppendAsync($"member-{i % streams}", ExpectedVersion.Any, events);
            }
        })));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded {total:N0} events in {load.Elapsed.TotalSeconds:F1} s ({total / load.Elapsed.TotalSeconds:F0} events/s through the append path)"));
        await store.Admin.WaitForNonStaleAsync(TimeSpan.FromMinutes(10));

        var result = await store.Admin.RebuildAsync("member_totals", TimeSpan.FromMinutes(30));
        var rate = result.ReplayedUpTo / result.Elapsed.TotalSeconds;
        await using var check = NpgsqlDataSource.Create(server.ConnectionString);
        await using var count = check.CreateCommand("SELECT sum(events) FROM public.member_totals");
        var projected = Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rebuilt {projected:N0} events in {result.Elapsed.TotalSeconds:F1} s: {rate:F0} events/s"));
        if (projected != total)
        {
            throw new InvalidOperationException($"the rebuilt projection holds {projected} events, expected {total}");
        }

        return new { scenario = "rebuild", events = projected, seconds = Math.Round(result.Elapsed.TotalSeconds, 2), events_per_s = Math.Round(rate) };
    }
}

/// <summary>Per-member totals, applied set-based: one upsert per page.</summary>
internal sealed class MemberTotalsProjection : IProjection
{
    public string Name => "member_totals";

    public IReadOnlyCollection<Type> EventTypes => [typeof(CheckedIn)];

    public IReadOnlyList<string> Schema => ["CREATE TABLE IF NOT EXISTS public.member_totals (stream_id text PRIMARY KEY, events bigint NOT NULL, total bigint NOT NULL, last_seq bigint NOT NULL)"];

    public IReadOnlyList<string> Tables => ["public.member_totals"];

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        var command = context.Enqueue(
            """
            INSERT INTO public.member_totals (stream_id, events, total, last_seq)
            SELECT s, count(*), sum(v), max(q) FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(s, v, q) GROUP BY s
            ON CONFLICT (stream_id) DO UPDATE SET events = member_totals.events + excluded.events,
                total = member_totals.total + excluded.total, last_seq = excluded.last_seq
            WHERE member_totals.last_seq < excluded.last_seq
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = events.Select(e => e.StreamId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => (long)((CheckedIn)e.Data).Value).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = events.Select(e => e.Sequence).ToArray() });
        return Task.CompletedTask;
    }
}
