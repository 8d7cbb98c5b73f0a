using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Benchmarks.EventStore;
using Accountability.EventStore.Projections;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Accountability.Benchmarks.Api;

/// <summary>
/// Authenticated check-in posts through the real host (<c>POST /api/v1/goals/{id}/check-ins</c> with each member's
/// bearer token: authentication, access rule, validation, fetch the goal stream, decide, wins, append with the inline
/// projections) at a fixed concurrency, against raw single-row INSERT commits on the same PostgreSQL at the same
/// concurrency. Each worker is one member posting to their own goals in turn: the first post of a goal today is a
/// new check-in, later ones amend it (a different note each time, so every post appends an event). The projection
/// daemon runs as in production unless <c>daemon=0</c>.
/// </summary>
/// <remarks>Options: <c>seconds=10 concurrency=32 goals=40 daemon=1</c>.</remarks>
internal static class CheckInHttpBenchmark
{
    public static async Task<object> RunAsync(string[] args)
    {
        var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
        var seconds = options.GetValueOrDefault("seconds", 10);
        var concurrency = options.GetValueOrDefault("concurrency", 32);
        var goalsPerMember = options.GetValueOrDefault("goals", 40);
        var daemon = options.GetValueOrDefault("daemon", 1) != 0;
        var duration = TimeSpan.FromSeconds(seconds);

        await using var host = await ApiBenchmarkHost.StartAsync("checkins", daemon);
        Console.WriteLine($"service on {host.BaseAddress}, projection daemon {(daemon ? "on" : "off")}");

        // Set-up over HTTP: a coach's group, one member per worker who joins and sets their goals.
        using var anonymous = host.Client();
        var (coachId, coachToken) = await ApiBenchmarkHost.RegisterAsync(anonymous, "Coach", "Europe/Paris");
        using var coach = host.Client(coachToken);
        var group = await ReadAsync(await coach.PostAsJsonAsync("api/v1/groups", new { name = "Check-in benchmark", timeZoneId = "Europe/Paris", numbersVisibility = "individual" }));
        var groupId = group.GetProperty("groupId").GetGuid();
        var code = (await ReadAsync(await coach.PostAsJsonAsync($"api/v1/groups/{groupId}/invite-code", new { }))).GetProperty("code").GetString();
        var workers = new (HttpClient Client, Guid[] Goals)[concurrency];
        await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (w, ct) =>
        {
            var (_, token) = await ApiBenchmarkHost.RegisterAsync(anonymous, $"Member {w}", "Europe/Paris");
            var client = host.Client(token);
            await ReadAsync(await client.PostAsJsonAsync("api/v1/groups/join", new { inviteCode = code }, ct));
            var goals = new Guid[goalsPerMember];
            for (var g = 0; g < goalsPerMember; g++)
            {
                var goal = await ReadAsync(await client.PostAsJsonAsync($"api/v1/groups/{groupId}/goals",
                    new { title = $"Habit {g}", measure = new { kind = "done" }, cadence = new { kind = "daily" } }, ct));
                goals[g] = goal.GetProperty("goalId").GetGuid();
            }

            workers[w] = (client, goals);
        });
        Console.WriteLine($"{concurrency} members with {goalsPerMember} goals each in group {groupId} (coach {coachId})");

        // Raw single-row INSERT commits, same PostgreSQL, same concurrency.
        await using (var setup = NpgsqlDataSource.Create(host.ConnectionString))
        {
            await using var create = setup.CreateCommand("CREATE TABLE raw_inserts (id bigserial PRIMARY KEY, stream_id text NOT NULL, data jsonb NOT NULL)");
            await create.ExecuteNonQueryAsync();
        }

        await using var raw = NpgsqlDataSource.Create(host.ConnectionString);
        var json = JsonSerializer.Serialize(new { checkInId = Guid.NewGuid(), done = true, note = Measure.Payload });
        var rawRate = await Measure.RateAsync(concurrency, duration, async (worker, i) =>
        {
            await using var command = raw.CreateCommand("INSERT INTO raw_inserts (stream_id, data) VALUES ($1, $2::jsonb)");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"goal-{worker}-{i}" });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json });
            await command.ExecuteNonQueryAsync();
        });
        Console.WriteLine($"raw INSERT commits: {rawRate,8:F0}/s at concurrency {concurrency}");

        // Check-ins over HTTP.
        long refused = 0;
        var latencies = new Latencies[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            latencies[w] = new Latencies();
        }

        var checkInRate = await Measure.RateAsync(concurrency, duration, async (worker, i) =>
        {
            var (client, goals) = workers[worker];
            var goal = goals[i % goals.Length];
            var status = await latencies[worker].TimeAsync(async () =>
            {
                using var response = await client.PostAsJsonAsync($"api/v1/goals/{goal}/check-ins", new { checkInId = Guid.NewGuid(), done = i % 3 != 0, note = $"Post {i} by worker {worker}" });
                await response.Content.ReadAsByteArrayAsync();
                return (int)response.StatusCode;
            });
            if (status is not (200 or 201))
            {
                Interlocked.Increment(ref refused);
            }
        });
        var ratio = checkInRate / rawRate;
        var latency = Latencies.Merge(latencies);
        Console.WriteLine($"HTTP check-ins:     {checkInRate,8:F0}/s at concurrency {concurrency} (x{ratio:F2} of raw), {refused} refused");
        Console.WriteLine($"  POST latency (warm-up included): {latency}");

        // How far behind the read models are once the posting stops, and how long they take to catch up.
        var admin = host.Services.GetRequiredService<IProjectionAdmin>();
        var lag = (await admin.GetStatusAsync()).Where(s => s.Lifecycle == ProjectionLifecycle.Async).Select(s => s.Lag).DefaultIfEmpty(0).Max();
        var catchUp = System.Diagnostics.Stopwatch.StartNew();
        if (daemon)
        {
            await admin.WaitForNonStaleAsync(TimeSpan.FromMinutes(30));
        }

        Console.WriteLine(daemon
            ? $"async projections were {lag:N0} events behind when posting stopped; caught up {catchUp.Elapsed.TotalSeconds:F1} s later"
            : "projection daemon off in this process");

        return new
        {
            scenario = "checkin-http",
            concurrency,
            seconds,
            daemon,
            goals = concurrency * goalsPerMember,
            raw_inserts_per_s = Math.Round(rawRate),
            check_ins_per_s = Math.Round(checkInRate),
            refused,
            post_p50_ms = latency.Percentile(50),
            post_p99_ms = latency.Percentile(99),
            projection_lag_at_end = lag,
            ratio = Math.Round(ratio, 3),
        };
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode
                ? JsonDocument.Parse(body).RootElement.Clone()
                : throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        }
    }
}
