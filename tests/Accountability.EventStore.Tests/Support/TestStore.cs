using Accountability.EventStore.Projections;
using Accountability.EventStore.Reading;
using Accountability.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Accountability.EventStore.Tests.Support;

/// <summary>A real host running the event store against a real PostgreSQL database of its own.</summary>
public sealed class TestStore : IAsyncDisposable
{
    private TestStore(IHost host, string connectionString)
    {
        Host = host;
        ConnectionString = connectionString;
    }

    public IHost Host { get; }

    /// <summary>Connections for the test's own queries: unpooled, so a database restart leaves none broken.</summary>
    private string QueryConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString;

    public string ConnectionString { get; }

    public IEventStore Store => Host.Services.GetRequiredService<IEventStore>();

    public IProjectionAdmin Admin => Host.Services.GetRequiredService<IProjectionAdmin>();

    public EventLogFollower Follower => Host.Services.GetRequiredService<EventLogFollower>();

    internal ProjectionDaemon? Daemon => Host.Services.GetService<ProjectionDaemon>();

    /// <summary>A fresh database on the shared test server.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        var server = await PostgresServer.SharedAsync();
        return await server.CreateDatabaseAsync("es");
    }

    public static async Task<TestStore> StartAsync(string connectionString, Action<EventStoreOptions>? configure = null, string node = "node-a")
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = $"test-{node}" };
        var hostBuilder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        hostBuilder.Logging.ClearProviders();
        hostBuilder.Services.AddEventStore(options =>
        {
            options.ConnectionString = builder.ConnectionString;
            options.Events.Register<Deposited>("deposited").Register<Withdrawn>("withdrawn").Register<Noted>("noted");
            options.Daemon.NodeName = node;
            options.Daemon.PollInterval = TimeSpan.FromMilliseconds(500);
            options.Daemon.LeadershipInterval = TimeSpan.FromMilliseconds(300);
            options.Daemon.RetryDelay = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(options);
        });
        var host = hostBuilder.Build();
        await host.StartAsync();
        return new TestStore(host, builder.ConnectionString);
    }

    public static void WithProjections(EventStoreOptions options) =>
        options.AddProjection<SeenProjection>(ProjectionLifecycle.Async)
            .AddProjection<BalanceProjection>(ProjectionLifecycle.Async)
            .AddProjection<StreamTotalProjection>(ProjectionLifecycle.Inline);

    /// <summary>As <see cref="WithProjections"/>, with the inline totals applied ahead of the append, in its round trip.</summary>
    public static void WithProjectionsAhead(EventStoreOptions options) =>
        options.AddProjection<SeenProjection>(ProjectionLifecycle.Async)
            .AddProjection<BalanceProjection>(ProjectionLifecycle.Async)
            .AddProjection<StreamTotalAheadProjection>(ProjectionLifecycle.Inline);

    /// <summary>The projections a test runs with: inline ones applied after the append ("after") or ahead of it ("ahead").</summary>
    public static Action<EventStoreOptions> Projections(string inline) => inline switch
    {
        "after" => WithProjections,
        "ahead" => WithProjectionsAhead,
        _ => throw new ArgumentOutOfRangeException(nameof(inline), inline, "after or ahead"),
    };

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(QueryConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(QueryConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join('|', values));
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Host.Dispose();
    }
}
