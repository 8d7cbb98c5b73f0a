using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Accountability.Api.Features.CoachViews;
using Accountability.Api.Features.Leaderboards;
using Accountability.Domain;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.Domain.Leaderboards;
using Accountability.Domain.Members;
using Accountability.Domain.Time;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using MediatR;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StreamIds = Accountability.Domain.Common.StreamIds;

namespace Accountability.Benchmarks.Api;

/// <summary>
/// The coach's reads at scale: 1,000 groups x 20 members x 90 days of check-ins (about 1.8 million events) appended
/// through the event store, projected by the daemon, then the leaderboard, the coach dashboard and the "who needs me
/// today" queue of random groups, one request at a time: in process through the MediatR handlers the endpoints use
/// (the headline figures: the read side's cost), over HTTP with the coach's token (adding token validation, the
/// access rule and JSON), and in process four days later, when every member's precomputed steps have run out and the
/// domain computes every figure at query time (the worst case).
/// </summary>
/// <remarks>Options: <c>groups=1000 members=20 days=90 samples=1000 appenders=8</c>.</remarks>
internal static class QueriesBenchmark
{
    private static readonly string[] Zones = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Europe/London"];

    public static async Task<object> RunAsync(string[] args)
    {
        var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
        var groups = options.GetValueOrDefault("groups", 1000);
        var members = options.GetValueOrDefault("members", 20);
        var days = options.GetValueOrDefault("days", 90);
        var samples = options.GetValueOrDefault("samples", 1000);
        var appenders = options.GetValueOrDefault("appenders", 8);

        await using var host = await ApiBenchmarkHost.StartAsync("queries");
        Console.WriteLine($"service on {host.BaseAddress}");

        // 1. Coaches sign up over HTTP (their tokens are used by the HTTP measurement).
        var watch = Stopwatch.StartNew();
        using var anonymous = host.Client();
        var coaches = new (Guid Id, string Token)[groups];
        await Parallel.ForEachAsync(Enumerable.Range(0, groups), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (g, _) =>
            coaches[g] = await ApiBenchmarkHost.RegisterAsync(anonymous, $"Coach {g}", Zones[g % Zones.Length]));
        Console.WriteLine($"{groups} coaches signed up in {watch.Elapsed.TotalSeconds:F1} s");

        // 2. The history, as domain events, appended through the event store (many events per append, in parallel).
        watch.Restart();
        var store = host.Services.GetRequiredService<IEventStore>();
        var plan = Enumerable.Range(0, groups).Select(g => Cohort(g, coaches[g].Id, members, days)).ToList();
        long events = 0;
        await Parallel.ForEachAsync(plan.SelectMany(c => c.Streams), new ParallelOptions { MaxDegreeOfParallelism = appenders }, async (stream, ct) =>
        {
            await store.AppendAsync(stream.Id, ExpectedVersion.NoStream, stream.Events.Select(e => new EventData(e)).ToList(), ct);
            var total = Interlocked.Add(ref events, stream.Events.Count);
            if (total / 200_000 != (total - stream.Events.Count) / 200_000)
            {
                Console.WriteLine($"  {total:N0} events appended ({total / watch.Elapsed.TotalSeconds:F0}/s)");
            }
        });
        var loadSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{events:N0} events appended in {loadSeconds:F1} s ({events / loadSeconds:F0} events/s)");

        // 3. The daemon projects them; wait until every projection has caught up with the log.
        watch.Restart();
        var admin = host.Services.GetRequiredService<IProjectionAdmin>();
        using (var progress = new CancellationTokenSource())
        {
            var reporter = ReportProgressAsync(admin, watch, progress.Token);
            await admin.WaitForNonStaleAsync(TimeSpan.FromHours(3));
            await progress.CancelAsync();
            await reporter;
        }

        var projectionSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"projections caught up {projectionSeconds:F1} s after the last append (the daemon projects while the load runs)");

        // What autovacuum does in production after a bulk load, done before the samples instead of during them:
        // dead row versions of the rewritten read-model rows cleared, and fresh planner statistics (as pgbench
        // vacuums before it measures).
        watch.Restart();
        await VacuumAnalyzeAsync(host.ConnectionString);
        Console.WriteLine($"VACUUM (ANALYZE) in {watch.Elapsed.TotalSeconds:F1} s");
        await PrintSizesAsync(host.ConnectionString);

        // 4. Measurements over random groups.
        var random = new Random(7);
        var picks = Enumerable.Range(0, samples).Select(_ => random.Next(groups)).ToArray();
        var warmUp = Enumerable.Range(0, Math.Min(200, samples)).Select(_ => random.Next(groups)).ToArray();

        var loadBefore = MachineLoad.Now();
        var http = await MeasureHttpAsync(host, plan, coaches, warmUp, picks);
        Print("HTTP", http);
        var inProcess = await MeasureInProcessAsync(host, plan, coaches, warmUp, picks);
        Print("in process", inProcess);
        var loadAfter = MachineLoad.Now();
        Console.WriteLine($"machine load average (1 min) {loadBefore:F1} before and {loadAfter:F1} after these measurements");

        // Four days on, no member has a step covering "now": every figure is computed from the snapshots at query time.
        host.Time.Offset = TimeSpan.FromDays(4);
        var stale = await MeasureInProcessAsync(host, plan, coaches, warmUp[..Math.Min(50, warmUp.Length)], picks[..Math.Min(300, picks.Length)]);
        host.Time.Offset = TimeSpan.Zero;
        Print("in process, 4 days later (all computed)", stale);

        return new
        {
            scenario = "queries",
            mode = "in-process handlers",
            groups,
            members_per_group = members,
            days,
            events,
            load_seconds = Math.Round(loadSeconds, 1),
            projection_wait_seconds = Math.Round(projectionSeconds, 1),
            samples_per_query = samples,
            load_average_before = loadBefore,
            load_average_after = loadAfter,
            p99_ms = Worst(inProcess),
            leaderboard_p50_ms = inProcess.Leaderboard.Percentile(50),
            leaderboard_p99_ms = inProcess.Leaderboard.Percentile(99),
            dashboard_p50_ms = inProcess.Dashboard.Percentile(50),
            dashboard_p99_ms = inProcess.Dashboard.Percentile(99),
            queue_p50_ms = inProcess.Queue.Percentile(50),
            queue_p99_ms = inProcess.Queue.Percentile(99),
            http = Figures(http),
            stale_in_process = Figures(stale),
        };
    }

    private sealed record Stream(string Id, IReadOnlyList<object> Events);

    private sealed record CohortPlan(Guid GroupId, IReadOnlyList<Stream> Streams);

    private sealed record Measured(Latencies Leaderboard, Latencies Dashboard, Latencies Queue);

    /// <summary>
    /// One cohort: the group with its members and ten pairs; a daily goal per member with a check-in for most of the
    /// last <paramref name="days"/> days, posted in the evening, local time. Members differ: most are steady, some
    /// uneven, some lapsed ten days ago, a few fell silent, a few started three weeks ago, a few paused for a week;
    /// now and then a check-in says "I'm stuck".
    /// </summary>
    private static CohortPlan Cohort(int index, Guid coachId, int members, int days)
    {
        var random = new Random(index);
        var zone = Zones[index % Zones.Length];
        var clock = DayClock.ForZone(zone);
        var now = DateTimeOffset.UtcNow;
        var today = clock.Today(now);
        var groupId = Guid.NewGuid();
        var created = clock.StartsAt(today.AddDays(-days - 1)).AddHours(9);
        var groupEvents = new List<object>
        {
            new GroupCreated(groupId, coachId, $"Cohort {index}", "Daily walks", zone, [], 720, NumbersVisibility.Individual, LeaderboardRule.Default, created),
        };
        var memberIds = Enumerable.Range(0, members).Select(_ => Guid.NewGuid()).ToList();
        groupEvents.AddRange(memberIds.Select((m, i) => (object)new MemberJoined(groupId, m, created.AddMinutes(10 + i))));
        for (var p = 0; p + 1 < members; p += 2)
        {
            groupEvents.Add(new PartnersPaired(groupId, Guid.NewGuid(), memberIds[p], memberIds[p + 1], null, coachId, created.AddHours(1)));
        }

        var streams = new List<Stream> { new(StreamIds.Group(groupId), groupEvents) };
        foreach (var memberId in memberIds)
        {
            var profile = random.NextDouble();
            var start = profile < 0.03 ? today.AddDays(-21) : today.AddDays(-days);
            var silentSince = profile is >= 0.03 and < 0.06 ? today.AddDays(-random.Next(6, 21)) : DateOnly.MaxValue;
            var goalId = Guid.NewGuid();
            var goalEvents = new List<object>
            {
                new GoalSet(goalId, groupId, memberId, "Walk 10,000 steps", null, GoalMeasure.DoneOrNot, Cadence.Daily, start, null, null, null, GoalVisibility.Group, clock.StartsAt(start).AddHours(8)),
            };
            for (var date = start; date < today; date = date.AddDays(1))
            {
                if (date >= silentSince)
                {
                    break;
                }

                var chance = profile switch
                {
                    < 0.06 => 0.9,
                    < 0.16 => date >= today.AddDays(-10) ? 0.3 : 0.9,
                    < 0.36 => 0.7,
                    _ => 0.93,
                };
                var done = random.NextDouble() < chance;
                if (!done && random.NextDouble() < 0.1)
                {
                    continue;
                }

                var at = clock.StartsAt(date).AddHours(19).AddMinutes(random.Next(180));
                goalEvents.Add(new CheckInPosted(
                    Guid.NewGuid(), goalId, groupId, memberId, date, done, null, done ? "Done" : "Not today", [], random.Next(1, 6),
                    random.NextDouble() < 0.02, true, at, zone, date));
            }

            streams.Add(new Stream(StreamIds.Goal(goalId), goalEvents));
            if (random.NextDouble() < 0.03)
            {
                var first = today.AddDays(-random.Next(10, 60));
                streams.Add(new Stream(StreamIds.Member(memberId),
                    [new PauseDeclared(Guid.NewGuid(), memberId, first, first.AddDays(6), PauseReason.Vacation, null, clock.StartsAt(first).AddHours(-12))]));
            }
        }

        return new CohortPlan(groupId, streams);
    }

    private static async Task<Measured> MeasureHttpAsync(ApiBenchmarkHost host, List<CohortPlan> plan, (Guid Id, string Token)[] coaches, int[] warmUp, int[] picks)
    {
        var clients = new Dictionary<int, HttpClient>();
        HttpClient ClientOf(int g) => clients.TryGetValue(g, out var c) ? c : clients[g] = host.Client(coaches[g].Token);
        async Task<int> GetAsync(int g, string path)
        {
            using var response = await ClientOf(g).GetAsync($"api/v1/groups/{plan[g].GroupId}/{path}");
            var body = await response.Content.ReadAsByteArrayAsync();
            return response.IsSuccessStatusCode ? body.Length : throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
        }

        var measured = new Measured(new Latencies(), new Latencies(), new Latencies());
        foreach (var g in warmUp)
        {
            await GetAsync(g, "leaderboard");
            await GetAsync(g, "coach/dashboard");
            await GetAsync(g, "coach/queue");
        }

        foreach (var g in picks)
        {
            await measured.Leaderboard.TimeAsync(() => GetAsync(g, "leaderboard"));
            await measured.Dashboard.TimeAsync(() => GetAsync(g, "coach/dashboard"));
            await measured.Queue.TimeAsync(() => GetAsync(g, "coach/queue"));
        }

        foreach (var client in clients.Values)
        {
            client.Dispose();
        }

        return measured;
    }

    /// <summary>Through the MediatR pipeline (validation behaviour and handler), as the endpoints send them, with the coach as the current user.</summary>
    private static async Task<Measured> MeasureInProcessAsync(ApiBenchmarkHost host, List<CohortPlan> plan, (Guid Id, string Token)[] coaches, int[] warmUp, int[] picks)
    {
        var accessor = host.Services.GetRequiredService<IHttpContextAccessor>();
        async Task<T> SendAsync<T>(int g, IRequest<T> request)
        {
            accessor.HttpContext = new DefaultHttpContext
            {
                User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", coaches[g].Id.ToString())], "Bearer", "name", "role")),
            };
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request);
        }

        var measured = new Measured(new Latencies(), new Latencies(), new Latencies());
        foreach (var g in warmUp)
        {
            await SendAsync(g, new GetLeaderboard(plan[g].GroupId, null));
            await SendAsync(g, new GetCoachDashboard(plan[g].GroupId));
            await SendAsync(g, new GetCoachQueue(plan[g].GroupId));
        }

        foreach (var g in picks)
        {
            await measured.Leaderboard.TimeAsync(() => SendAsync(g, new GetLeaderboard(plan[g].GroupId, null)));
            await measured.Dashboard.TimeAsync(() => SendAsync(g, new GetCoachDashboard(plan[g].GroupId)));
            await measured.Queue.TimeAsync(() => SendAsync(g, new GetCoachQueue(plan[g].GroupId)));
        }

        accessor.HttpContext = null;
        return measured;
    }

    private static async Task ReportProgressAsync(IProjectionAdmin admin, Stopwatch watch, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(20), ct);
                var status = await admin.GetStatusAsync(ct);
                Console.WriteLine($"  {watch.Elapsed.TotalSeconds,6:F0} s: " + string.Join("  ", status.Where(s => s.Lifecycle != ProjectionLifecycle.Inline).Select(s => $"{s.Name} {s.Position:N0}")));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task VacuumAnalyzeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("VACUUM (ANALYZE)", connection) { CommandTimeout = 1200 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task PrintSizesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname, c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid))
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND n.nspname IN ('es', 'rm') AND (c.relname LIKE 'progress%' OR c.relname IN ('events', 'feed_items', 'timeline_entries'))
             ORDER BY pg_total_relation_size(c.oid) DESC
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            Console.WriteLine($"  {reader.GetString(0),-28} ~{reader.GetInt64(1),12:N0} rows  {reader.GetString(2)}");
        }
    }

    private static void Print(string mode, Measured measured)
    {
        Console.WriteLine($"{mode}:");
        Console.WriteLine($"  leaderboard  {measured.Leaderboard}");
        Console.WriteLine($"  dashboard    {measured.Dashboard}");
        Console.WriteLine($"  queue        {measured.Queue}");
    }

    private static double Worst(Measured m) => new[] { m.Leaderboard.Percentile(99), m.Dashboard.Percentile(99), m.Queue.Percentile(99) }.Max();

    private static object Figures(Measured m) => new
    {
        p99_ms = Worst(m),
        leaderboard_p50_ms = m.Leaderboard.Percentile(50),
        leaderboard_p99_ms = m.Leaderboard.Percentile(99),
        dashboard_p50_ms = m.Dashboard.Percentile(50),
        dashboard_p99_ms = m.Dashboard.Percentile(99),
        queue_p50_ms = m.Queue.Percentile(50),
        queue_p99_ms = m.Queue.Percentile(99),
    };
}
