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
/// concurrency. Each worker posts for its members, one post at a time, to their goals in turn: the first post of a
/// goal today is a new check-in, later ones amend it (a different note each time, so every post appends an event). The projection
/// daemon runs as in production unless <c>daemon=0</c>. The baseline is measured before the check-ins and again after
/// them (once the read models have caught up); the ratio is taken against the mean of the two.
/// </summary>
/// <remarks>
/// Options: <c>seconds=10 warmup=30 concurrency=32 groups=32 members=10 goals=3 daemon=1 trace=0</c> (measured
/// seconds after <c>warmup</c> seconds of the same load, unmeasured, for both the baseline and the check-ins, so that
/// the service's code has reached its optimised tier: the tiered JIT was measured still compiling 20 s into the load
/// and done by its 25th second; members per worker, goals per member). By default each worker's members are in a group
/// of their own, as concurrent check-ins come from many groups in production; <c>groups=1</c> puts them all in one
/// group (its milestone count and its stream are then shared by every post). <c>trace=1</c> also counts the database
/// commands this process runs while posting (Npgsql's activity source), per check-in and by statement: with
/// <c>daemon=0</c> that is the request path alone.
/// </remarks>
internal static class CheckInHttpBenchmark
{
    public static async Task<object> RunAsync(string[] args)
    {
        var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
        var seconds = options.GetValueOrDefault("seconds", 10);
        var warmUp = TimeSpan.FromSeconds(options.GetValueOrDefault("warmup", 30));
        var concurrency = options.GetValueOrDefault("concurrency", 32);
        var goalsPerMember = options.GetValueOrDefault("goals", 3);
        var membersPerWorker = options.GetValueOrDefault("members", 10);
        var daemon = options.GetValueOrDefault("daemon", 1) != 0;
        var trace = options.GetValueOrDefault("trace", 0) != 0;
        var groupCount = Math.Clamp(options.GetValueOrDefault("groups", concurrency), 1, concurrency);
        var duration = TimeSpan.FromSeconds(seconds);

        await using var host = await ApiBenchmarkHost.StartAsync("checkins", daemon);
        Console.WriteLine($"service on {host.BaseAddress}, projection daemon {(daemon ? "on" : "off")}");

        // Set-up over HTTP: the groups (each with its coach), one member per worker who joins one and sets their goals.
        using var anonymous = host.Client();
        var invites = new string[groupCount];
        var groupIds = new Guid[groupCount];
        for (var g = 0; g < groupCount; g++)
        {
            var (_, coachToken) = await ApiBenchmarkHost.RegisterAsync(anonymous, $"Coach {g}", "Europe/Paris");
            using var coach = host.Client(coachToken);
            var group = await ReadAsync(await coach.PostAsJsonAsync("api/v1/groups", new { name = $"Check-in benchmark {g}", timeZoneId = "Europe/Paris", numbersVisibility = "individual" }));
            groupIds[g] = group.GetProperty("groupId").GetGuid();
            invites[g] = (await ReadAsync(await coach.PostAsJsonAsync($"api/v1/groups/{groupIds[g]}/invite-code", new { }))).GetProperty("code").GetString()!;
        }

        // Each worker posts for its own members in turn (their goals in turn), each member with their own token.
        var workers = new List<(HttpClient Client, Guid Goal)>[concurrency];
        await Parallel.ForEachAsync(Enumerable.Range(0, concurrency), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (w, ct) =>
        {
            var posts = new List<(HttpClient, Guid)>();
            for (var m = 0; m < membersPerWorker; m++)
            {
                var (_, token) = await ApiBenchmarkHost.RegisterAsync(anonymous, $"Member {w}.{m}", "Europe/Paris");
                var client = host.Client(token);
                await ReadAsync(await client.PostAsJsonAsync("api/v1/groups/join", new { inviteCode = invites[w % groupCount] }, ct));
                for (var g = 0; g < goalsPerMember; g++)
                {
                    var goal = await ReadAsync(await client.PostAsJsonAsync($"api/v1/groups/{groupIds[w % groupCount]}/goals",
                        new { title = $"Habit {g}", measure = new { kind = "done" }, cadence = new { kind = "daily" } }, ct));
                    posts.Add((client, goal.GetProperty("goalId").GetGuid()));
                }
            }

            workers[w] = posts;
        });
        Console.WriteLine($"{concurrency * membersPerWorker} members with {goalsPerMember} goals each, in {groupCount} group(s); {concurrency} posting at a time");

        // The read models catch up with the set-up first, so that the baseline is not measured against their backlog.
        var admin = host.Services.GetRequiredService<IProjectionAdmin>();
        if (daemon)
        {
            await admin.WaitForNonStaleAsync(TimeSpan.FromMinutes(5));
        }

        // Raw single-row INSERT commits, same PostgreSQL, same concurrency.
        await using (var setup = NpgsqlDataSource.Create(host.ConnectionString))
        {
            await using var create = setup.CreateCommand("CREATE TABLE raw_inserts (id bigserial PRIMARY KEY, stream_id text NOT NULL, data jsonb NOT NULL)");
            await create.ExecuteNonQueryAsync();
        }

        await using var raw = NpgsqlDataSource.Create(host.ConnectionString);
        var json = JsonSerializer.Serialize(new { checkInId = Guid.NewGuid(), done = true, note = Measure.Payload });
        var loadBefore = MachineLoad.Now();
        var rawRound = 0;
        Task<double> RawInsertsAsync(TimeSpan warmUpFor)
        {
            var round = ++rawRound;
            return Measure.RateAsync(concurrency, duration, async (worker, i) =>
            {
                await using var command = raw.CreateCommand("INSERT INTO raw_inserts (stream_id, data) VALUES ($1, $2::jsonb)");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"goal-{round}-{worker}-{i}" });
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = json });
                await command.ExecuteNonQueryAsync();
            }, warmUpFor);
        }

        var rawBefore = await RawInsertsAsync(warmUp);
        Console.WriteLine($"raw INSERT commits: {rawBefore,8:F0}/s at concurrency {concurrency}");

        // Check-ins over HTTP.
        long refused = 0;
        var latencies = new Latencies[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            latencies[w] = new Latencies();
        }

        using var commands = trace ? new CommandCounter() : null;
        var checkInRate = await Measure.RateAsync(concurrency, duration, async (worker, i) =>
        {
            // Members in turn, so one member's posts never overlap (a person posts one check-in at a time).
            var posts = workers[worker];
            var (client, goal) = posts[(int)((i % membersPerWorker * goalsPerMember) + (i / membersPerWorker % goalsPerMember))];
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
        }, warmUp);
        var loadAfter = MachineLoad.Now();
        var latency = Latencies.Merge(latencies);
        var posts = latencies.Sum(l => l.Count);
        commands?.Stop();
        if (commands is not null)
        {
            Console.WriteLine($"  database commands while posting: {commands.Total:N0} for {posts:N0} check-ins ({(double)commands.Total / posts:F1} each); most frequent:");
            foreach (var (statement, count) in commands.Top(12))
            {
                Console.WriteLine($"    {(double)count / posts,5:F2} per check-in  {statement}");
            }
        }

        Console.WriteLine($"HTTP check-ins:     {checkInRate,8:F0}/s at concurrency {concurrency}, {refused} refused");
        Console.WriteLine($"  POST latency (warm-up included): {latency}");

        // How far behind the read models are once the posting stops, and how long they take to catch up.
        var lag = (await admin.GetStatusAsync()).Where(s => s.Lifecycle == ProjectionLifecycle.Async).Select(s => s.Lag).DefaultIfEmpty(0).Max();
        var catchUp = System.Diagnostics.Stopwatch.StartNew();
        if (daemon)
        {
            await admin.WaitForNonStaleAsync(TimeSpan.FromMinutes(30));
        }

        Console.WriteLine(daemon
            ? $"async projections were {lag:N0} events behind when posting stopped; caught up {catchUp.Elapsed.TotalSeconds:F1} s later"
            : "projection daemon off in this process");

        // The baseline again, once the read models have caught up: the machine's speed drifts within a run, and the
        // mean of a measurement before and one after the check-ins brackets them.
        var rawAfter = await RawInsertsAsync(TimeSpan.FromSeconds(1));
        var rawRate = (rawBefore + rawAfter) / 2;
        var ratio = checkInRate / rawRate;
        Console.WriteLine($"raw INSERT commits: {rawAfter,8:F0}/s at concurrency {concurrency} after the check-ins; check-ins x{ratio:F2} of the mean");

        return new
        {
            scenario = "checkin-http",
            concurrency,
            groups = groupCount,
            seconds,
            warmup_seconds = warmUp.TotalSeconds,
            daemon,
            members = concurrency * membersPerWorker,
            goals = concurrency * membersPerWorker * goalsPerMember,
            raw_inserts_per_s = Math.Round(rawRate),
            raw_inserts_before_per_s = Math.Round(rawBefore),
            raw_inserts_after_per_s = Math.Round(rawAfter),
            check_ins_per_s = Math.Round(checkInRate),
            refused,
            db_commands_per_check_in = commands is null ? (double?)null : Math.Round((double)commands.Total / posts, 1),
            post_p50_ms = latency.Percentile(50),
            post_p99_ms = latency.Percentile(99),
            projection_lag_at_end = lag,
            load_average_before = loadBefore,
            load_average_after = loadAfter,
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

/// <summary>Counts Npgsql commands (its activity source) by statement, while it is not stopped.</summary>
internal sealed class CommandCounter : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> byStatement = new(StringComparer.Ordinal);
    private readonly System.Diagnostics.ActivityListener listener;
    private long total;
    private volatile bool stopped;

    public CommandCounter()
    {
        listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (stopped)
                {
                    return;
                }

                Interlocked.Increment(ref total);
                var text = activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName;
                var oneLine = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                byStatement.AddOrUpdate(oneLine.Length > 110 ? oneLine[..110] : oneLine, 1, (_, n) => n + 1);
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
    }

    public long Total => Interlocked.Read(ref total);

    public void Stop() => stopped = true;

    public IEnumerable<(string Statement, int Count)> Top(int n) => byStatement.OrderByDescending(p => p.Value).Take(n).Select(p => (p.Key, p.Value));

    public void Dispose() => listener.Dispose();
}
