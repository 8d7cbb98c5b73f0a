using Accountability.Api.Features.Partners.Nudges;
using Accountability.Api.Infrastructure.Database;
using Accountability.Api.Infrastructure.Http;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Accountability.Api.Tests.Security;

/// <summary>
/// The service's database pools stay small unless told otherwise, and nothing waits for a lock while holding a pooled
/// connection that the lock's holder may need.
/// </summary>
public sealed class ConnectionPoolTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public void A_pool_is_capped_by_default_by_the_setting_and_never_over_what_the_connection_string_says()
    {
        static NpgsqlConnectionStringBuilder Pool(string connectionString, string? setting = null, bool keepName = false) =>
            new(DatabaseSetup.PoolConnectionString(
                new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ConnectionStrings:Accountability"] = connectionString,
                    ["Database:MaxPoolSize"] = setting,
                }).Build(),
                "accountability-test",
                keepName));

        Assert.Equal(DatabaseSetup.DefaultMaxPoolSize, Pool("Host=db;Database=a").MaxPoolSize);
        Assert.Equal("accountability-test", Pool("Host=db;Database=a").ApplicationName);
        Assert.Equal(7, Pool("Host=db;Database=a", "7").MaxPoolSize);
        Assert.Equal(100, Pool("Host=db;Database=a;Maximum Pool Size=100", "7").MaxPoolSize);
        Assert.Equal(50, Pool("Host=db;Database=a;MaxPoolSize=50").MaxPoolSize);
        Assert.Equal(60, Pool("Host=db;Database=a;maximum pool size=60").MaxPoolSize);
        Assert.Equal("mine", Pool("Host=db;Database=a;Application Name=mine", keepName: true).ApplicationName);
        Assert.Equal("accountability-test", Pool("Host=db;Database=a;Application Name=mine").ApplicationName);
    }

    [Fact]
    public void The_running_service_uses_capped_pools()
    {
        Assert.Equal(DatabaseSetup.DefaultMaxPoolSize, new NpgsqlConnectionStringBuilder(host.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString).MaxPoolSize);
        Assert.Equal(DatabaseSetup.DefaultMaxPoolSize, new NpgsqlConnectionStringBuilder(host.Services.GetRequiredService<EdgeDataSource>().DataSource.ConnectionString).MaxPoolSize);
    }

    [Fact]
    public async Task A_sender_waiting_for_a_busy_inbox_holds_no_connection_and_gets_the_lock_once_it_is_free()
    {
        // Two connections in all: the holder's lock connection and one more.
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(host.ConnectionString) { MaxPoolSize = 2, Timeout = 3 }.ConnectionString);
        var receiver = Guid.NewGuid();
        var held = await InboxLock.TakeAsync(dataSource, receiver, CancellationToken.None);
        var waiting = InboxLock.TakeAsync(dataSource, receiver, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);

        // The holder can still write: the waiter is not sitting on the pool's second connection.
        await using (var write = await dataSource.OpenConnectionAsync())
        await using (var command = new NpgsqlCommand("SELECT 1", write))
        {
            Assert.Equal(1, await command.ExecuteScalarAsync());
        }

        await held.DisposeAsync();
        await using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
