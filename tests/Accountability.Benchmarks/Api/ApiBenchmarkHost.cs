using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Benchmarks.EventStore;
using Accountability.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Accountability.Benchmarks.Api;

/// <summary>A clock that can be moved forward, to measure queries at a later "now" than the data's.</summary>
internal sealed class ShiftableTime : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

/// <summary>
/// The real service (<c>Program.CreateApp</c>) on Kestrel at 127.0.0.1, on the benchmark's own durable PostgreSQL:
/// rate limits lifted (one client plays thousands of members) and password hashing cheapened (sign-ups are set-up,
/// not what is measured). Everything else is the production configuration, the projection daemon included.
/// </summary>
internal sealed class ApiBenchmarkHost : IAsyncDisposable
{
    private readonly PostgresServer server;
    private readonly WebApplication app;

    private ApiBenchmarkHost(PostgresServer server, WebApplication app, string connectionString, Uri baseAddress, ShiftableTime time)
    {
        this.server = server;
        this.app = app;
        ConnectionString = connectionString;
        BaseAddress = baseAddress;
        Time = time;
    }

    public string ConnectionString { get; }

    public Uri BaseAddress { get; }

    public ShiftableTime Time { get; }

    public IServiceProvider Services => app.Services;

    public static async Task<ApiBenchmarkHost> StartAsync(string name, bool daemon = true)
    {
        var server = await BenchmarkStore.StartServerAsync();
        var database = await server.CreateDatabaseAsync(name);
        var time = new ShiftableTime();
        var app = Accountability.Api.Program.CreateApp(["--environment", "Benchmark"], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Accountability"] = database,
                ["Logging:LogLevel:Default"] = "Warning",
                ["EventStore:Daemon:Enabled"] = daemon ? "true" : "false",
            };
            foreach (var limit in new[] { "WritesPerMember", "WritesPerAddress", "AuthPerAddress", "FailedLoginsPerAccount", "NudgesPerMember" })
            {
                settings[$"RateLimiting:{limit}:Permits"] = "100000000";
                settings[$"RateLimiting:{limit}:WindowSeconds"] = "60";
            }

            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = 1_000);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new ApiBenchmarkHost(server, app, database, new Uri(address.EndsWith('/') ? address : address + "/"), time);
    }

    public HttpClient Client(string? accessToken = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromMinutes(2),
        };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client;
    }

    /// <summary>Registers an account; returns its member id and access token.</summary>
    public static async Task<(Guid MemberId, string Token)> RegisterAsync(HttpClient anonymous, string displayName, string timeZone)
    {
        using var response = await anonymous.PostAsJsonAsync("api/v1/account/register", new
        {
            email = $"bench-{Guid.NewGuid():N}@example.com",
            password = "correct-horse-battery",
            displayName,
            timeZone,
        });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Register failed: {(int)response.StatusCode} {body}");
        }

        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("memberId").GetGuid(), json.GetProperty("accessToken").GetString()!);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        await server.DisposeAsync();
    }
}

/// <summary>The machine's 1-minute load average (the machine may be shared: figures are read against it).</summary>
internal static class MachineLoad
{
    public static double Now() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture, out var load) ? load : double.NaN;
}

/// <summary>Latency samples and their percentiles.</summary>
internal sealed class Latencies
{
    private readonly List<double> samples = [];

    public int Count => samples.Count;

    /// <summary>All samples of several recorders (one per worker, so recording needs no lock).</summary>
    public static Latencies Merge(IEnumerable<Latencies> parts)
    {
        var merged = new Latencies();
        foreach (var part in parts)
        {
            merged.samples.AddRange(part.samples);
        }

        return merged;
    }

    public async Task<T> TimeAsync<T>(Func<Task<T>> call)
    {
        var watch = Stopwatch.StartNew();
        var result = await call();
        samples.Add(watch.Elapsed.TotalMilliseconds);
        return result;
    }

    public double Percentile(double p)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return Math.Round(sorted[Math.Clamp(rank, 0, sorted.Count - 1)], 2);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {Percentile(50),7:F2} ms  p90 {Percentile(90),7:F2} ms  p99 {Percentile(99),7:F2} ms  max {Percentile(100),7:F2} ms  (n={Count})");
}
