using System.Net.Http.Headers;
using System.Net.Http.Json;
using Accountability.Api.Identity.AccountEndpoints;
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

namespace Accountability.Api.Tests.Infrastructure;

/// <summary>
/// The real application (<see cref="Program.CreateApp"/>) on Kestrel at 127.0.0.1 with a free port, on a fresh
/// PostgreSQL database of its own, called over real sockets with real tokens.
/// <para>Use it as a class fixture (<c>IClassFixture&lt;ApiHost&gt;</c>): one host and one database per test class.
/// For other settings derive from it (<c>class StrictHost() : ApiHost(new ApiHostOptions { ... })</c>) or start one
/// inline with <see cref="StartAsync"/> (dispose it).</para>
/// <para>Test defaults differ from production in two ways, both so that tests run fast and independently:
/// rate limits are lifted (set <see cref="ApiHostOptions.ProductionRateLimits"/> to test them) and password
/// hashing uses few iterations.</para>
/// </summary>
public class ApiHost : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>A password that satisfies the rules; <see cref="RegisterAsync"/> uses it unless told otherwise.</summary>
    public const string DefaultPassword = "correct-horse-battery";

    private readonly List<HttpClient> clients = [];
    private WebApplication? app;

    public ApiHost()
        : this(new ApiHostOptions())
    {
    }

    protected ApiHost(ApiHostOptions options) => Options = options;

    public ApiHostOptions Options { get; }

    /// <summary>Connection string of this host's database (read it to inspect tables directly).</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary><c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>An anonymous client (no token).</summary>
    public HttpClient Client { get; private set; } = new();

    /// <summary>Every log entry the application wrote (levels per <see cref="ApiHostOptions.Settings"/> <c>Logging:*</c>).</summary>
    public CapturedLogs Logs { get; } = new();

    public WebApplication App => app ?? throw new InvalidOperationException("The host has not started.");

    public IServiceProvider Services => App.Services;

    /// <summary>Starts a host outside xunit's fixture lifecycle (for example a second instance on the same database).</summary>
    public static async Task<ApiHost> StartAsync(ApiHostOptions options)
    {
        var host = new ApiHost(options);
        await host.InitializeAsync();
        return host;
    }

    public async Task InitializeAsync()
    {
        ConnectionString = Options.ConnectionString
            ?? await (await PostgresServer.SharedAsync()).CreateDatabaseAsync(Options.DatabasePrefix);

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Accountability"] = ConnectionString,
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        };
        if (!Options.ProductionRateLimits)
        {
            foreach (var limit in new[] { "WritesPerMember", "WritesPerAddress", "AuthPerAddress", "FailedLoginsPerAccount", "NudgesPerMember" })
            {
                settings[$"RateLimiting:{limit}:Permits"] = "1000000";
                settings[$"RateLimiting:{limit}:WindowSeconds"] = "60";
            }
        }

        foreach (var (key, value) in Options.Settings)
        {
            settings[key] = value;
        }

        app = Program.CreateApp(["--environment", Options.Environment], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(Logs);
            if (!Options.ProductionPasswordHashing)
            {
                builder.Services.Configure<PasswordHasherOptions>(hashing => hashing.IterationCount = 1_000);
            }

            Options.ConfigureBuilder?.Invoke(builder);
        });
        Options.MapEndpoints?.Invoke(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        Client = CreateClient();
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A client for this host, sending <paramref name="accessToken"/> as a bearer token when given.</summary>
    public HttpClient CreateClient(string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (accessToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        lock (clients)
        {
            clients.Add(client);
        }

        return client;
    }

    /// <summary>A client signed in as <paramref name="member"/> (with the member's current access token).</summary>
    public HttpClient ClientFor(TestMember member) => CreateClient(member.AccessToken);

    /// <summary>Registers a new member (unique e-mail unless given) and returns its real tokens.</summary>
    public async Task<TestMember> RegisterAsync(
        string? email = null,
        string password = DefaultPassword,
        string displayName = "Test Member",
        string timeZone = "Europe/Paris")
    {
        email ??= $"member-{Guid.NewGuid():N}@example.com";
        using var response = await Client.PostAsJsonAsync("api/v1/account/register", new { email, password, displayName, timeZone });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registering {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var tokens = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        return new TestMember(tokens.MemberId, email, password, displayName, tokens.AccessToken, tokens.RefreshToken);
    }

    /// <summary>Signs in and returns the token pair (throws unless 200).</summary>
    public async Task<TokenResponse> LoginAsync(string email, string password = DefaultPassword)
    {
        using var response = await Client.PostAsJsonAsync("api/v1/account/login", new { email, password });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Signing in {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }
}

/// <summary>How an <see cref="ApiHost"/> is set up.</summary>
public sealed class ApiHostOptions
{
    /// <summary>Configuration overrides (keys as in appsettings, <c>:</c>-separated), applied last.</summary>
    public Dictionary<string, string?> Settings { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>An existing database to use (a second instance on the first one's database); default: a fresh one.</summary>
    public string? ConnectionString { get; init; }

    public string DatabasePrefix { get; init; } = "api";

    public string Environment { get; init; } = "Testing";

    /// <summary>Keep the production rate limits (default: lifted, so tests do not throttle each other).</summary>
    public bool ProductionRateLimits { get; init; }

    /// <summary>Keep production password-hashing cost (default: cheap, since tests create many accounts).</summary>
    public bool ProductionPasswordHashing { get; init; }

    /// <summary>Extra services or configuration, after the test defaults and before the application's areas.</summary>
    public Action<WebApplicationBuilder>? ConfigureBuilder { get; init; }

    /// <summary>Extra endpoints for the test (a probe hub, a test command), mapped before the host starts.</summary>
    public Action<WebApplication>? MapEndpoints { get; init; }
}

/// <summary>A registered member and the tokens of its sign-in.</summary>
public sealed record TestMember(Guid Id, string Email, string Password, string DisplayName, string AccessToken, string RefreshToken);
