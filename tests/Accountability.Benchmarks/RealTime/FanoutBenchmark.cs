using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Benchmarks.EventStore;
using Accountability.EventStore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Accountability.Benchmarks.RealTime;

/// <summary>
/// <c>fanout</c>: the service on Kestrel on loopback with its own durable PostgreSQL; 2,000 Node feed clients in
/// groups of 20; 500 check-ins a second posted over authenticated HTTP for 60 s (10,000 deliveries a second):
/// latency from POST to delivery, deliveries a second, lost and duplicated deliveries. Before that, server memory
/// per idle connection with 5,000 connections open.
/// Options: <c>rate=500 seconds=60 warmup=20 groups=100 size=20 idle=5000</c>: the measured seconds follow
/// <c>warmup</c> seconds of the same load, unmeasured (their check-ins are marked so the clients do not count them),
/// so that the service's code has reached its optimised tier, as in <c>checkin-http</c>.
/// </summary>
internal static class FanoutBenchmark
{
    private const string Password = "correct-horse-battery";
    private const int MaxInFlight = 256;

    public static async Task<object> RunAsync(string[] args)
    {
        var options = args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var rate = Option("rate", 500);
        var seconds = Option("seconds", 60);
        var warmUp = Option("warmup", 20);
        var groupCount = Option("groups", 100);
        var groupSize = Option("size", 20);
        var idle = Option("idle", 5000);
        var timeout = TimeSpan.FromSeconds(Option("timeout", 60));

        await using var server = await BenchmarkStore.StartServerAsync();
        var database = await server.CreateDatabaseAsync("fanout");
        var app = Accountability.Api.Program.CreateApp(["--environment", "Benchmark"], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Accountability"] = database,
                ["Logging:LogLevel:Default"] = "Warning",
            };
            foreach (var limit in new[] { "WritesPerMember", "WritesPerAddress", "AuthPerAddress", "FailedLoginsPerAccount", "NudgesPerMember" })
            {
                settings[$"RateLimiting:{limit}:Permits"] = "100000000";
                settings[$"RateLimiting:{limit}:WindowSeconds"] = "60";
            }

            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

            // Thousands of sign-ups are set-up here, not what is measured.
            builder.Services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = 1_000);
        });
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            var baseAddress = new Uri(address.TrimEnd('/') + "/");
            var hub = new Uri(baseAddress, "hubs/feed");
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 128 }) { BaseAddress = baseAddress, Timeout = timeout };

            var setup = Stopwatch.StartNew();
            var groups = await ArrangeAsync(http, groupCount, groupSize);
            var members = groups.SelectMany(g => g).ToList();
            Console.WriteLine($"set-up: {groupCount} groups of {groupSize} ({members.Count} members with a goal each) in {setup.Elapsed.TotalSeconds:F1} s");

            // Memory per idle connection: the service's GC heap and working set before and after opening them.
            var (heapKb, workingSetKb) = idle > 0
                ? await MeasureIdleAsync(hub, Enumerable.Range(0, idle).Select(i => members[i % members.Count].Token).ToList())
                : (0, 0);
            await Task.Delay(TimeSpan.FromSeconds(3));

            // Fan-out: every member connected once, live from the head of the log.
            var head = await app.Services.GetRequiredService<IEventStore>().ReadHighWaterMarkAsync();
            await using var clients = await FeedLoadClient.StartAsync(hub, members.Select(m => m.Token).ToList(), resume: head);
            var connected = await clients.NextAsync("ready", TimeSpan.FromMinutes(5));
            Console.WriteLine($"fan-out: {connected.GetProperty("connected").GetInt32()} connections resumed in {connected.GetProperty("ms").GetInt32()} ms");
            var posting = await PostAsync(http, members, rate, TimeSpan.FromSeconds(warmUp), TimeSpan.FromSeconds(seconds));
            await Task.Delay(TimeSpan.FromSeconds(5));
            var report = await clients.ReportAsync();

            var delivered = report.GetProperty("deliveries").GetInt64();
            var expected = posting.Accepted * (long)groupSize;
            var result = new FanoutResult(
                Connections: connected.GetProperty("connected").GetInt32(),
                Groups: groupCount,
                GroupSize: groupSize,
                TargetRate: rate,
                Seconds: seconds,
                WarmupSeconds: warmUp,
                CheckInsAccepted: posting.Accepted,
                CheckInsRefused: posting.Refused,
                PostRate: Math.Round(posting.Accepted / posting.Elapsed.TotalSeconds, 1),
                PostP99Ms: posting.P99Ms,
                Deliveries: delivered,
                ExpectedDeliveries: expected,
                DeliveriesPerSecond: Math.Round(delivered / posting.Elapsed.TotalSeconds),
                Lost: Math.Max(0, expected - delivered),
                Duplicates: report.GetProperty("duplicates").GetInt64(),
                P50Ms: report.GetProperty("p50_ms").GetDouble(),
                P90Ms: report.GetProperty("p90_ms").GetDouble(),
                P99Ms: report.GetProperty("p99_ms").GetDouble(),
                MaxMs: report.GetProperty("max_ms").GetDouble(),
                RecordedToDeliveryP50Ms: report.GetProperty("recorded_p50_ms").GetDouble(),
                RecordedToDeliveryP99Ms: report.GetProperty("recorded_p99_ms").GetDouble(),
                IdleConnections: idle,
                KbPerConnection: Math.Round(heapKb, 1),
                WorkingSetKbPerConnection: Math.Round(workingSetKb, 1));
            Console.WriteLine($"fan-out: {result.CheckInsAccepted} check-ins in {posting.Elapsed.TotalSeconds:F1} s ({result.PostRate}/s, {result.CheckInsRefused} refused, POST p99 {result.PostP99Ms} ms)");
            Console.WriteLine($"fan-out: {delivered} of {expected} deliveries ({result.DeliveriesPerSecond}/s), lost {result.Lost}, duplicates {result.Duplicates}");
            Console.WriteLine($"fan-out: POST to delivery p50 {result.P50Ms} ms, p90 {result.P90Ms} ms, p99 {result.P99Ms} ms, max {result.MaxMs} ms");
            Console.WriteLine($"fan-out: recorded (decided by the service) to delivery p50 {result.RecordedToDeliveryP50Ms} ms, p99 {result.RecordedToDeliveryP99Ms} ms");
            if (report.TryGetProperty("p99_by_second", out var bySecond))
            {
                Console.WriteLine($"fan-out: POST to delivery p99 by second of the run: {string.Join(' ', bySecond.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.Number ? s.GetDouble().ToString("F0", CultureInfo.InvariantCulture) : "-"))}");
            }
            return result;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed record Member(string Token, Guid GoalId);

    private sealed record Posting(long Accepted, long Refused, TimeSpan Elapsed, double P99Ms);

    private sealed record FanoutResult(
        int Connections,
        int Groups,
        int GroupSize,
        int TargetRate,
        int Seconds,
        int WarmupSeconds,
        long CheckInsAccepted,
        long CheckInsRefused,
        double PostRate,
        double PostP99Ms,
        long Deliveries,
        long ExpectedDeliveries,
        double DeliveriesPerSecond,
        long Lost,
        long Duplicates,
        double P50Ms,
        double P90Ms,
        double P99Ms,
        double MaxMs,
        double RecordedToDeliveryP50Ms,
        double RecordedToDeliveryP99Ms,
        int IdleConnections,
        double KbPerConnection,
        double WorkingSetKbPerConnection);

    /// <summary>Coaches create groups (showing individual numbers), members sign up, join with the invite code and set a goal.</summary>
    private static async Task<List<List<Member>>> ArrangeAsync(HttpClient http, int groupCount, int groupSize)
    {
        var groups = new List<Member>[groupCount];
        await Parallel.ForEachAsync(Enumerable.Range(0, groupCount), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (g, ct) =>
        {
            var coach = await RegisterAsync(http, ct);
            var group = await SendAsync(http, coach, HttpMethod.Post, "api/v1/groups", new { name = $"Cohort {g}", timeZoneId = "Europe/Paris", numbersVisibility = "individual" }, ct);
            var groupId = group.GetProperty("groupId").GetGuid();
            var code = (await SendAsync(http, coach, HttpMethod.Post, $"api/v1/groups/{groupId}/invite-code", new { }, ct)).GetProperty("code").GetString();
            var members = new List<Member>();
            for (var i = 0; i < groupSize; i++)
            {
                var token = await RegisterAsync(http, ct);
                await SendAsync(http, token, HttpMethod.Post, "api/v1/groups/join", new { inviteCode = code }, ct);
                var goal = await SendAsync(http, token, HttpMethod.Post, $"api/v1/groups/{groupId}/goals",
                    new { title = "Show up", measure = new { kind = "done" }, cadence = new { kind = "daily" }, visibility = "group" }, ct);
                members.Add(new Member(token, goal.GetProperty("goalId").GetGuid()));
            }

            groups[g] = members;
        });
        return [.. groups];
    }

    /// <summary>
    /// Posts check-ins at <paramref name="rate"/> a second, round the members, for the warm-up and then the measured
    /// duration without a pause, each carrying its send time in the note (the load client measures from it; warm-up
    /// notes start with <c>w:</c>, which it ignores). Posts whose time has come go out at once, whatever is in flight.
    /// Counts and latencies are those of the measured posts.
    /// </summary>
    private static async Task<Posting> PostAsync(HttpClient http, List<Member> members, int rate, TimeSpan warmUp, TimeSpan duration)
    {
        var accepted = 0L;
        var refused = 0L;
        var latencies = new List<double>();
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        var firstMeasured = (long)(rate * warmUp.TotalSeconds);
        var total = firstMeasured + (long)(rate * duration.TotalSeconds);
        for (long i = 0; i < total;)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            // At most MaxInFlight posts outstanding: past that the service is not keeping up, and the rate achieved says so.
            for (; i < Math.Min(due, total) && inFlight.Count(t => !t.IsCompleted) < MaxInFlight; i++)
            {
                var member = members[(int)(i % members.Count)];
                var measured = i >= firstMeasured;
                inFlight.Add(Task.Run(async () =>
                {
                    var sent = Stopwatch.GetTimestamp();
                    var at = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/goals/{member.GoalId}/check-ins")
                    {
                        Content = JsonContent.Create(new { checkInId = Guid.NewGuid(), done = true, note = (measured ? "t:" : "w:") + at.ToString("F3", CultureInfo.InvariantCulture), shareToFeed = true }),
                    };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", member.Token);
                    string? why;
                    try
                    {
                        using var response = await http.SendAsync(request);
                        why = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                    {
                        why = exception.Message;
                    }

                    var elapsed = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    if (!measured)
                    {
                        return;
                    }

                    lock (latencies)
                    {
                        latencies.Add(elapsed);
                        if (why is null)
                        {
                            accepted++;
                        }
                        else if (++refused <= 3)
                        {
                            Console.WriteLine("refused: " + why);
                        }
                    }
                }));
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            await Task.Delay(1);
        }

        await Task.WhenAll(inFlight);
        var elapsedTotal = clock.Elapsed - warmUp;
        latencies.Sort();
        return new Posting(accepted, refused, elapsedTotal, Math.Round(latencies[(int)(latencies.Count * 0.99)], 1));
    }

    private static async Task<string> RegisterAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("api/v1/account/register",
            new { email = $"m-{Guid.NewGuid():N}@example.com", password = Password, displayName = "Bench Member", timeZone = "Europe/Paris" }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
    }

    private static async Task<JsonElement> SendAsync(HttpClient http, string token, HttpMethod method, string url, object body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    private static async Task<(double HeapKb, double WorkingSetKb)> MeasureIdleAsync(Uri hub, List<string> tokens)
    {
        var before = Memory();
        await using var idleClients = await FeedLoadClient.StartAsync(hub, tokens, resume: null);
        var ready = await idleClients.NextAsync("ready", TimeSpan.FromMinutes(5));
        var open = ready.GetProperty("connected").GetInt32();
        Console.WriteLine($"idle: {open} connections open ({ready.GetProperty("failed").GetInt32()} failed) in {ready.GetProperty("ms").GetInt32()} ms");

        // Past the resume window, so every connection is live in its channels.
        await Task.Delay(TimeSpan.FromSeconds(7));
        var after = Memory();
        var heapKb = (after.Heap - before.Heap) / 1024.0 / open;
        var workingSetKb = (after.WorkingSet - before.WorkingSet) / 1024.0 / open;
        Console.WriteLine($"idle: GC heap {before.Heap / 1048576.0:F1} -> {after.Heap / 1048576.0:F1} MB ({heapKb:F1} KB per connection), " +
            $"working set {before.WorkingSet / 1048576.0:F1} -> {after.WorkingSet / 1048576.0:F1} MB ({workingSetKb:F1} KB per connection)");
        return (heapKb, workingSetKb);
    }

    private static (long Heap, long WorkingSet) Memory()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }
}
