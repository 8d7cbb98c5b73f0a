using System.Collections.Concurrent;
using Accountability.EventStore.Projections;
using Accountability.EventStore.Tests.Support;

namespace Accountability.EventStore.Tests;

/// <summary>Handles deposits outside the store (as an outbox relay would): at least once, in order, checkpointed.</summary>
public sealed class DepositRelay : ISubscription
{
    public static readonly ConcurrentQueue<long> Handled = new();
    private static int failuresLeftFor13 = 2;

    public string Name => "deposit-relay";

    public IReadOnlyCollection<Type> EventTypes => [typeof(Deposited)];

    public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            if (((Deposited)e.Data).Amount == 13 && Interlocked.Decrement(ref failuresLeftFor13) >= 0)
            {
                throw new InvalidOperationException("relay target unavailable for 13");
            }

            if (((Deposited)e.Data).Amount == 666)
            {
                throw new InvalidOperationException("this deposit can never be relayed");
            }

            Handled.Enqueue(e.Sequence);
        }

        return Task.CompletedTask;
    }
}

public sealed class SubscriptionAndStartupTests
{
    [Fact]
    public async Task A_subscription_gets_every_event_in_order_and_a_poison_event_is_dead_lettered()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), o => o.AddSubscription<DepositRelay>());
        var expected = new List<long>();
        foreach (var amount in new[] { 1, 2, 13, 4, 666, 6 })
        {
            var result = await store.Store.AppendAsync("account-relay", ExpectedVersion.Any, [new EventData(new Noted("ignored")), new EventData(new Deposited(amount))]);
            if (amount != 666)
            {
                expected.Add(result.LastSequence);
            }
        }

        await store.Admin.WaitForNonStaleAsync(TimeSpan.FromSeconds(30));

        // At least once: a page that failed part-way is retried, so an event may be handled twice, never skipped.
        Assert.Equal(expected, DepositRelay.Handled.Distinct().Order().ToList());
        Assert.Equal(DepositRelay.Handled.Distinct().ToList(), DepositRelay.Handled.Distinct().Order().ToList());
        var letter = Assert.Single(await store.Admin.GetDeadLettersAsync("deposit-relay"));
        Assert.Contains("can never be relayed", letter.Error, StringComparison.Ordinal);
        Assert.Equal(await store.Store.ReadHighWaterMarkAsync(), await store.ScalarAsync("SELECT position FROM es.checkpoints WHERE name = 'deposit-relay'"));
    }

    [Fact]
    public async Task An_async_projection_page_commits_without_waiting_for_the_disk_while_an_append_waits()
    {
        // The test server runs with synchronous commits off; this database asks for them, as production does.
        var database = await TestStore.NewDatabaseAsync();
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand($"ALTER DATABASE \"{connection.Database}\" SET synchronous_commit = on", connection);
            await command.ExecuteNonQueryAsync();
        }

        await using var store = await TestStore.StartAsync(database, o => o
            .AddProjection<AsyncCommitModes>(ProjectionLifecycle.Async)
            .AddProjection<InlineCommitModes>(ProjectionLifecycle.Inline));
        await store.Store.AppendAsync("notes-1", ExpectedVersion.Any, [new EventData(new Noted("a")), new EventData(new Noted("b"))]);
        await store.Store.AppendAsync("notes-2", ExpectedVersion.Any, [new EventData(new Noted("c"))]);
        await store.Admin.WaitForNonStaleAsync(TimeSpan.FromSeconds(30));

        // The page's rows and its checkpoint are lost or kept together, and a lost page is applied again from the log.
        Assert.Equal(["off", "off", "off"], await store.RowsAsync("SELECT mode FROM public.async_commit_modes ORDER BY seq"));
        Assert.Equal(["on", "on", "on"], await store.RowsAsync("SELECT mode FROM public.inline_commit_modes ORDER BY seq"));
    }

    [Fact]
    public async Task Several_processes_starting_at_once_on_an_empty_database_all_come_up_with_one_schema()
    {
        var database = await TestStore.NewDatabaseAsync();
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => TestStore.StartAsync(database, TestStore.WithProjections, node: $"node-{i}"))));
        try
        {
            await Task.WhenAll(stores.Select((s, i) => s.Store.AppendAsync($"account-{i}", ExpectedVersion.NoStream, [new EventData(new Deposited(1))])));
            await stores[0].Admin.WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(4, await stores[0].ScalarAsync("SELECT count(*) FROM es.events"));
            Assert.Equal(2, await stores[0].ScalarAsync("SELECT count(*) FROM es.checkpoints"));
            Assert.Equal(4, await stores[0].ScalarAsync("SELECT count(*) FROM public.seen"));
            Assert.Equal(1, stores.Count(s => s.Daemon!.IsLeader));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }
}

public sealed class DaemonOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_batch_size_below_one_is_refused_and_the_previous_one_kept(int size)
    {
        var options = new DaemonOptions();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.BatchSize = size);
        Assert.Contains("at least 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(5000, options.BatchSize);
    }

    [Fact]
    public void A_negative_batch_window_is_refused_and_zero_turns_gathering_off()
    {
        var options = new DaemonOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.BatchWindow = TimeSpan.FromMilliseconds(-1));
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.BatchWindow);
        options.BatchWindow = TimeSpan.Zero;
        Assert.Equal(TimeSpan.Zero, options.BatchWindow);
    }

    [Fact]
    public void A_caught_up_projection_gathers_twenty_times_as_long_as_its_last_page_took_within_the_two_windows()
    {
        var options = new DaemonOptions();
        Assert.Equal(TimeSpan.FromSeconds(1), options.MaxBatchWindow);
        Assert.Equal(TimeSpan.FromMilliseconds(100), ProjectionAgent.Window(options, TimeSpan.FromMilliseconds(2)));
        Assert.Equal(TimeSpan.FromMilliseconds(400), ProjectionAgent.Window(options, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(TimeSpan.FromSeconds(1), ProjectionAgent.Window(options, TimeSpan.FromMilliseconds(80)));

        // A largest window below the smallest leaves the smallest in force; a negative one is refused.
        options.MaxBatchWindow = TimeSpan.Zero;
        Assert.Equal(TimeSpan.FromMilliseconds(100), ProjectionAgent.Window(options, TimeSpan.FromMilliseconds(20)));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxBatchWindow = TimeSpan.FromMilliseconds(-1));
        Assert.Equal(TimeSpan.Zero, options.MaxBatchWindow);
    }
}
