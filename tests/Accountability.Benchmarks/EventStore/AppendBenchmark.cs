using System.Globalization;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Npgsql;

namespace Accountability.Benchmarks.EventStore;

/// <summary>
/// Single-event appends against raw single-row INSERT commits on the same durable PostgreSQL, at concurrency
/// 1, 8 and 32: to new streams, and to existing streams with one inline projection.
/// </summary>
internal static class AppendBenchmark
{
    public static async Task<object> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var duration = TimeSpan.FromSeconds(seconds);
        int[] levels = [1, 8, 32];
        await using var server = await BenchmarkStore.StartServerAsync();
        var connectionString = server.ConnectionString;

        await using (var setup = NpgsqlDataSource.Create(connectionString))
        {
            await using var create = setup.CreateCommand("CREATE TABLE raw_inserts (id bigserial PRIMARY KEY, stream_id text NOT NULL, data jsonb NOT NULL)");
            await create.ExecuteNonQueryAsync();
        }

        await using var plain = await BenchmarkStore.StartAsync(connectionString, "es_new");
        await using var inline = await BenchmarkStore.StartAsync(connectionString, "es_inline", o => o.AddProjection<StreamCounterProjection>(ProjectionLifecycle.Inline));
        // The baseline gets the same prepared-statement setting the store uses: a strict comparison.
        await using var raw = new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxAutoPrepare = 32 } }.Build();
        var json = System.Text.Json.JsonSerializer.Serialize(new CheckedIn(Guid.NewGuid(), 1, Measure.Payload));

        using var commits = new CommitObserver();
        var rows = new List<object>();
        var ratios = new List<double>();
        foreach (var concurrency in levels)
        {
            var rawRate = await Measure.RateAsync(concurrency, duration, async (worker, i) =>
            {
                await using var command = raw.CreateCommand("INSERT INTO raw_inserts (stream_id, data) VALUES ($1, $2::jsonb)");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"member-{worker}-{i}" });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json });
                await command.ExecuteNonQueryAsync();
            });

            var run = Guid.NewGuid().ToString("N")[..6];
            commits.Reset();
            var newStreamRate = await Measure.RateAsync(concurrency, duration, (worker, i) =>
                plain.Store.AppendAsync($"member-{run}-{worker}-{i}", ExpectedVersion.NoStream, [new EventData(new CheckedIn(Guid.NewGuid(), 1, Measure.Payload))]));

            var newStreamCommits = commits.Describe();

            // Existing streams: each worker keeps appending to its own 20 streams, created beforehand.
            for (var worker = 0; worker < concurrency; worker++)
            {
                for (var s = 0; s < 20; s++)
                {
                    await inline.Store.AppendAsync($"goal-{run}-{worker}-{s}", ExpectedVersion.NoStream, [new EventData(new CheckedIn(Guid.NewGuid(), 1, Measure.Payload))]);
                }
            }

            commits.Reset();
            var existingRate = await Measure.RateAsync(concurrency, duration, (worker, i) =>
                inline.Store.AppendAsync($"goal-{run}-{worker}-{i % 20}", ExpectedVersion.Any, [new EventData(new CheckedIn(Guid.NewGuid(), 1, Measure.Payload))]));

            var newRatio = newStreamRate / rawRate;
            var existingRatio = existingRate / rawRate;
            ratios.Add(Math.Min(newRatio, existingRatio));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"concurrency {concurrency,2}: raw INSERT {rawRate,8:F0}/s | append new stream {newStreamRate,8:F0}/s (x{newRatio:F2}) | append existing + inline projection {existingRate,8:F0}/s (x{existingRatio:F2})"));
            Console.WriteLine($"  group commit, new streams: {newStreamCommits}; existing + inline: {commits.Describe()}");
            rows.Add(new
            {
                concurrency,
                raw_inserts_per_s = Math.Round(rawRate),
                append_new_stream_per_s = Math.Round(newStreamRate),
                append_existing_inline_per_s = Math.Round(existingRate),
                ratio_new_stream = Math.Round(newRatio, 3),
                ratio_existing_inline = Math.Round(existingRatio, 3),
            });
        }

        return new { scenario = "append", seconds_per_measurement = seconds, levels = rows, ratio = Math.Round(ratios.Min(), 3) };
    }
}

/// <summary>Listens to the store's group-commit instruments: appends per commit and commit time.</summary>
internal sealed class CommitObserver : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener listener = new();
    private long commits;
    private long appends;
    private double milliseconds;

    public CommitObserver()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EventStoreMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            Interlocked.Increment(ref commits);
            Interlocked.Add(ref appends, value);
        });
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (listener)
            {
                milliseconds += value;
            }
        });
        listener.Start();
    }

    public void Reset()
    {
        lock (listener)
        {
            commits = 0;
            appends = 0;
            milliseconds = 0;
        }
    }

    public string Describe()
    {
        lock (listener)
        {
            return commits == 0
                ? "none"
                : string.Create(CultureInfo.InvariantCulture, $"{commits} commits, {(double)appends / commits:F1} appends each, {milliseconds / commits:F2} ms each");
        }
    }

    public void Dispose() => listener.Dispose();
}
