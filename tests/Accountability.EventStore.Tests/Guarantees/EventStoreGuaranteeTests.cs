using System.Collections.Concurrent;
using Accountability.EventStore.Reading;
using Accountability.EventStore.Tests.Support;
using Accountability.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.EventStore.Tests.Guarantees;

/// <summary>What the rest of the service trusts the store with, checked on a real PostgreSQL with exact counts.</summary>
[Trait("Category", "EventStoreGuarantees")]
public sealed class EventStoreGuaranteeTests
{
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("after")]
    [InlineData("ahead")]
    public async Task Concurrent_writers_on_one_stream_get_contiguous_versions_and_every_loser_gets_a_concurrency_error_with_nothing_written(string inline)
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), TestStore.Projections(inline));
        const string stream = "account-contended";
        const int writers = 24;
        const int attemptsPerWriter = 15;
        var written = new ConcurrentBag<Guid>();
        var lost = new ConcurrentBag<Guid>();
        var concurrencyErrors = 0;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var attempt = 0; attempt < attemptsPerWriter; attempt++)
            {
                var state = await store.Store.FetchForWritingAsync<int>(stream, (count, _) => count + 1);
                var id = Guid.NewGuid();
                try
                {
                    await store.Store.AppendAsync(stream, state.ExpectedVersion, [new EventData(id, new Deposited(1))]);
                    written.Add(id);
                }
                catch (ConcurrencyException ex)
                {
                    Assert.Equal(stream, ex.StreamId);
                    Assert.Equal(state.Version, ex.Expected.Version);
                    Assert.True(ex.ActualVersion > state.Version);
                    Interlocked.Increment(ref concurrencyErrors);
                    lost.Add(id);
                }
            }
        })));

        Assert.Equal(writers * attemptsPerWriter, written.Count + concurrencyErrors);
        Assert.True(!written.IsEmpty && concurrencyErrors > 0, $"expected both winners and losers, got {written.Count}/{concurrencyErrors}");
        var versions = await store.RowsAsync($"SELECT version FROM es.events WHERE stream_id = '{stream}' ORDER BY version");
        Assert.Equal(Enumerable.Range(1, written.Count).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), versions);
        Assert.Equal(written.Count, await store.ScalarAsync($"SELECT version FROM es.streams WHERE id = '{stream}'"));
        var loserIds = string.Join(',', lost.Select(id => $"'{id}'"));
        Assert.Equal(0, await store.ScalarAsync($"SELECT count(*) FROM es.events WHERE event_id IN ({loserIds})"));

        // Losers are refused before any sequence number is drawn: the sequence has no holes from them.
        Assert.Equal(await store.ScalarAsync("SELECT last_value FROM es.events_seq"), await store.ScalarAsync("SELECT max(seq) FROM es.events"));
        Assert.Equal(written.Count, await store.ScalarAsync($"SELECT total FROM public.stream_totals WHERE stream_id = '{stream}'"));
        Assert.Equal(written.Count, await store.ScalarAsync($"SELECT version FROM public.stream_totals WHERE stream_id = '{stream}'"));
    }

    [Theory]
    [InlineData("after")]
    [InlineData("ahead")]
    public async Task An_append_whose_inline_write_fails_in_PostgreSQL_leaves_nothing_and_the_rest_of_its_batch_goes_through(string inline)
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), TestStore.Projections(inline));
        await store.Store.AppendAsync("account-warm", ExpectedVersion.NoStream, [new EventData(new Deposited(1))]);

        // Sent together, so that they share commits: the negative deposits break the totals' CHECK in their writes.
        var appends = Enumerable.Range(0, 40).Select(i => Task.Run(() => store.Store.AppendAsync(
            $"account-{i}", ExpectedVersion.NoStream, [new EventData(new Deposited(i % 10 == 3 ? -1 : 2)), new EventData(new Deposited(1))]))).ToList();
        await Task.WhenAll(appends.Select(a => a.ContinueWith(_ => { }, TaskScheduler.Default)));

        for (var i = 0; i < appends.Count; i++)
        {
            if (i % 10 == 3)
            {
                var failure = await Assert.ThrowsAsync<EventStoreException>(() => appends[i]);
                Assert.Contains($"account-{i}", failure.Message, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(2, (await appends[i]).Version);
            }
        }

        Assert.Equal(36, await store.ScalarAsync("SELECT count(*) FROM es.streams WHERE id LIKE 'account-%' AND id <> 'account-warm'"));
        Assert.Equal(72, await store.ScalarAsync("SELECT count(*) FROM es.events WHERE stream_id <> 'account-warm'"));
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.events WHERE stream_id IN ('account-3', 'account-13', 'account-23', 'account-33')"));
        Assert.Equal(
            await store.RowsAsync("SELECT id || ':' || version FROM es.streams ORDER BY id"),
            await store.RowsAsync("SELECT stream_id || ':' || version FROM public.stream_totals ORDER BY stream_id"));
        Assert.Equal(36 * 3, await store.ScalarAsync("SELECT sum(total) FROM public.stream_totals WHERE stream_id <> 'account-warm'"));

        // The failed streams can still start, and later appends see no trace of the failures.
        Assert.Equal(1, (await store.Store.AppendAsync("account-3", ExpectedVersion.NoStream, [new EventData(new Deposited(4))])).Version);
        Assert.Equal(4, await store.ScalarAsync("SELECT total FROM public.stream_totals WHERE stream_id = 'account-3'"));
    }

    [Fact]
    public async Task Readers_of_the_log_get_exactly_what_the_database_holds_whether_the_shared_tail_or_PostgreSQL_answers()
    {
        // Pages of 40 keep a tail of 80 events, so readers both inside it and behind it are exercised.
        // No daemon: the test's readers alone move the tail, so it is often behind the head by more than a page.
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), o =>
        {
            TestStore.WithProjections(o);
            o.Daemon.Enabled = false;
            o.Daemon.BatchSize = 40;
        });
        var tail = store.Host.Services.GetRequiredService<EventLogTail>();
        var random = new Random(7);
        string[] deposits = ["deposited"];
        string[] both = ["deposited", "noted"];
        var readers = new (long Position, IReadOnlyCollection<string>? Types, int Max)[]
        {
            (0, null, 25), (0, deposits, 7), (0, both, 40), (0, ["withdrawn"], 3), (0, null, 100),
        };

        for (var round = 0; round < 16; round++)
        {
            // Appends of every type, some rolled back after drawing sequence numbers (holes in the log).
            // Mostly a few appends a round; every fourth round more than the tail holds, so its pages fill up and it lets go.
            var batch = Enumerable.Range(0, round % 4 == 3 ? 100 : 12).Select(i => random.Next(4) switch
            {
                0 => (object)new Noted($"n{round}-{i}"),
                1 => new Withdrawn(1),
                _ => new Deposited(1, Fail: random.Next(10) == 0),
            }).ToList();
            await Task.WhenAll(batch.Select((data, i) => Task.Run(async () =>
            {
                try
                {
                    await store.Store.AppendAsync($"account-{i % 5}", ExpectedVersion.Any, [new EventData(data)]);
                }
                catch (EventStoreException) when (data is Deposited { Fail: true })
                {
                }
            })));

            for (var r = 0; r < readers.Length; r++)
            {
                var (position, types, max) = readers[r];
                var ceiling = await ReadsAsTheDatabaseHoldsAsync(store, position, max, types);

                // Some readers move on a page at a time, some only sometimes, so they spread out over the log.
                readers[r].Position = r % 2 == 0 || round % 3 == 0 ? ceiling : position;
            }

            // And readers anywhere in the log, the tail's edges included.
            var head = await store.ScalarAsync("SELECT max(seq) FROM es.events");
            var (from, to) = tail.Range;
            var edges = new[] { from - 1, from, from + 1, to - 1, to, to + 1, head };
            foreach (var position in edges.Concat(Enumerable.Range(0, 6).Select(_ => (long)random.Next((int)head + 1))).Where(p => p >= 0))
            {
                await ReadsAsTheDatabaseHoldsAsync(store, position, random.Next(1, 60), random.Next(3) == 0 ? null : both);
            }
        }

        var total = await store.ScalarAsync("SELECT count(*) FROM es.events");
        Assert.True(total > 200, $"the log should have grown past the tail ({total} events)");
        Assert.True(await store.ScalarAsync("SELECT last_value FROM es.events_seq") > total, "the log should have holes");
    }

    /// <summary>Reads a page through the store and checks it against the events table; returns its ceiling.</summary>
    private static async Task<long> ReadsAsTheDatabaseHoldsAsync(TestStore store, long position, int max, IReadOnlyCollection<string>? types)
    {
        var page = await store.Store.ReadAllAsync(position, max, types);
        var filter = types is null ? string.Empty : $" AND type IN ({string.Join(',', types.Select(t => $"'{t}'"))})";
        var expected = await store.RowsAsync($"SELECT seq FROM es.events WHERE seq > {position}{filter} ORDER BY seq LIMIT {max}");
        Assert.Equal(expected, page.Events.Select(e => e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(page.Events, e => Assert.True(types is null || types.Contains(e.EventType)));
        Assert.Equal(expected.Count >= max, page.IsFull);
        var ceiling = page.Ceiling(position);
        Assert.Equal(0, await store.ScalarAsync($"SELECT count(*) FROM es.events WHERE seq > {position} AND seq <= {ceiling}{filter} AND seq NOT IN ({string.Join(',', expected.DefaultIfEmpty("0"))})"));
        return ceiling;
    }

    [Fact]
    public async Task An_inline_projection_applied_ahead_of_its_append_cannot_run_commands_and_its_append_then_writes_nothing()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), TestStore.WithProjectionsAhead);

        // Holding the transaction needs a command run in it; a projection that says it only queues writes may not.
        var failure = await Assert.ThrowsAsync<EventStoreException>(() =>
            store.Store.AppendAsync("account-hold", ExpectedVersion.NoStream, [new EventData(new Deposited(1, HoldMs: 10))]));
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.streams"));
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM public.stream_totals"));

        // An append with any version is projected after it, where commands may run.
        await store.Store.AppendAsync("account-hold", ExpectedVersion.Any, [new EventData(new Deposited(1, HoldMs: 10))]);
        Assert.Equal(1, await store.ScalarAsync("SELECT total FROM public.stream_totals WHERE stream_id = 'account-hold'"));
    }

    [Fact]
    public async Task Slow_and_rolled_back_transactions_never_make_the_daemon_skip_or_repeat_an_event()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), TestStore.WithProjections);
        const int writers = 16;
        const int appendsPerWriter = 150;
        var committed = new ConcurrentBag<Guid>();
        var rolledBack = 0;
        var slow = 0;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var i = 0; i < appendsPerWriter; i++)
            {
                // A few appends hold their transaction open 0.2-2 s after drawing sequence numbers; some fail and roll back.
                var hold = random.Next(1000) < 4 ? random.Next(200, 2000) : 0;
                var fail = random.Next(100) < 3;
                if (hold > 0)
                {
                    Interlocked.Increment(ref slow);
                }

                var id = Guid.NewGuid();
                try
                {
                    await store.Store.AppendAsync($"account-{w}-{i % 7}", ExpectedVersion.Any, [new EventData(id, new Deposited(1, hold, fail))]);
                    committed.Add(id);
                }
                catch (EventStoreException) when (fail)
                {
                    Interlocked.Increment(ref rolledBack);
                }
            }
        })));

        await store.Admin.WaitForNonStaleAsync(CatchUp);

        Assert.True(slow > 0 && rolledBack > 0, $"the run must include slow ({slow}) and rolled-back ({rolledBack}) appends");
        Assert.Equal((writers * appendsPerWriter) - rolledBack, committed.Count);
        Assert.Equal(committed.Count, await store.ScalarAsync("SELECT count(*) FROM es.events"));
        Assert.Equal(committed.Count, await store.ScalarAsync("SELECT count(*) FROM public.seen"));
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM (SELECT seq FROM public.seen GROUP BY seq HAVING count(*) > 1) d"));
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.events e WHERE NOT EXISTS (SELECT 1 FROM public.seen s WHERE s.seq = e.seq)"));

        // Rolled-back appends drew sequence numbers: the log has real holes, and the daemon went past them.
        Assert.True(await store.ScalarAsync("SELECT last_value FROM es.events_seq") > committed.Count);
    }

    [Fact]
    public async Task When_the_leaders_connections_are_killed_the_standby_takes_over_and_applies_no_event_twice()
    {
        var database = await TestStore.NewDatabaseAsync();
        await using var first = await TestStore.StartAsync(database, TestStore.WithProjections, node: "node-a");
        await using var second = await TestStore.StartAsync(database, TestStore.WithProjections, node: "node-b");
        await WaitUntilAsync(() => first.Daemon!.IsLeader || second.Daemon!.IsLeader, "a leader is elected");
        var (leader, standby) = first.Daemon!.IsLeader ? (first, second) : (second, first);
        Assert.False(standby.Daemon!.IsLeader);

        using var stop = new CancellationTokenSource();
        var appended = 0;
        var writer = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                await standby.Store.AppendAsync($"account-{i++ % 50}", ExpectedVersion.Any, [new EventData(new Deposited(1))]);
                Interlocked.Increment(ref appended);
            }
        });

        await WaitUntilAsync(async () => await standby.ScalarAsync("SELECT count(*) FROM public.seen") > 200, "the leader projects");
        var leaderNode = leader == first ? "node-a" : "node-b";
        var killed = await standby.ScalarAsync($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name IN ('test-{leaderNode}', 'accountability-daemon {leaderNode}')");
        Assert.True(killed >= 1);

        await WaitUntilAsync(() => standby.Daemon.IsLeader, "the standby takes over");
        await Task.Delay(500);
        await stop.CancelAsync();
        await writer;
        await standby.Admin.WaitForNonStaleAsync(CatchUp);

        var events = await standby.ScalarAsync("SELECT count(*) FROM es.events");
        Assert.Equal(appended, events);
        Assert.Equal(events, await standby.ScalarAsync("SELECT count(*) FROM public.seen"));
        Assert.Equal(events, await standby.ScalarAsync("SELECT count(DISTINCT seq) FROM public.seen"));
        Assert.Equal(events, await standby.ScalarAsync("SELECT sum(movements) FROM public.balances"));
        var standbyNode = leaderNode == "node-a" ? "node-b" : "node-a";
        Assert.Equal(2, await standby.ScalarAsync($"SELECT count(*) FROM es.checkpoints WHERE owner = '{standbyNode}'"));
    }

    [Fact]
    public async Task A_rebuilt_projection_equals_the_live_one_row_for_row()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), TestStore.WithProjections);
        var random = new Random(7);
        for (var round = 0; round < 20; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 25).Select(i => store.Store.AppendAsync(
                $"account-{random.Next(40)}",
                ExpectedVersion.Any,
                [new EventData(new Deposited(random.Next(1, 100))), new EventData(new Withdrawn(random.Next(1, 50))), new EventData(new Noted("x"))])));
        }

        await store.Admin.WaitForNonStaleAsync(CatchUp);
        const string balances = "SELECT stream_id, balance, movements, last_seq FROM public.balances ORDER BY stream_id";
        const string totals = "SELECT stream_id, total, version FROM public.stream_totals ORDER BY stream_id";
        var liveBalances = await store.RowsAsync(balances);
        var liveTotals = await store.RowsAsync(totals);
        var liveSeen = await store.RowsAsync("SELECT seq, stream_id, version FROM public.seen ORDER BY seq");
        Assert.Equal(40, liveBalances.Count);

        // Rebuild while appends go on: the rebuilt rows must still equal what a live projection would hold.
        var concurrent = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await store.Store.AppendAsync($"account-late-{i % 5}", ExpectedVersion.Any, [new EventData(new Deposited(3))]);
            }
        });
        var rebuilt = await store.Admin.RebuildAsync("balances", CatchUp);
        Assert.True(rebuilt.ReplayedUpTo >= 1500);
        await store.Admin.RebuildAsync("stream_totals", CatchUp);
        await store.Admin.RebuildAsync("seen", CatchUp);
        await concurrent;
        await store.Admin.WaitForNonStaleAsync(CatchUp);

        var afterBalances = await store.RowsAsync(balances);
        Assert.Equal(liveBalances, afterBalances.Where(r => !r.StartsWith("account-late", StringComparison.Ordinal)).ToList());
        Assert.Equal(liveTotals, (await store.RowsAsync(totals)).Where(r => !r.StartsWith("account-late", StringComparison.Ordinal)).ToList());
        Assert.Equal(liveSeen, (await store.RowsAsync("SELECT seq, stream_id, version FROM public.seen ORDER BY seq")).Where(r => !r.Contains("account-late", StringComparison.Ordinal)).ToList());
        Assert.Equal(
            await store.RowsAsync("SELECT stream_id, sum(CASE WHEN type = 'deposited' THEN (data->>'amount')::bigint ELSE 0 END) FROM es.events WHERE stream_id LIKE 'account-late%' GROUP BY stream_id ORDER BY stream_id"),
            await store.RowsAsync("SELECT stream_id, total FROM public.stream_totals WHERE stream_id LIKE 'account-late%' ORDER BY stream_id"));
        Assert.Equal(await store.ScalarAsync("SELECT count(*) FROM es.events"), await store.ScalarAsync("SELECT count(*) FROM public.seen"));
        Assert.Equal(300, await store.ScalarAsync("SELECT sum(balance) FROM public.balances WHERE stream_id LIKE 'account-late%'"));
    }

    [Theory]
    [InlineData("after")]
    [InlineData("ahead")]
    public async Task An_append_retried_with_the_same_event_ids_writes_nothing_twice(string inline)
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), TestStore.Projections(inline));
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() };
        EventData[] events = [new(ids[0], new Deposited(5)), new(ids[1], new Withdrawn(2))];

        var first = await store.Store.AppendAsync("account-retry", ExpectedVersion.NoStream, events);
        var retry = await store.Store.AppendAsync("account-retry", ExpectedVersion.NoStream, events);
        var concurrentRetries = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.Store.AppendAsync("account-retry", ExpectedVersion.Any, events)));

        Assert.False(first.AlreadyAppended);
        Assert.True(retry.AlreadyAppended);
        Assert.All(concurrentRetries, r => Assert.True(r.AlreadyAppended));
        Assert.All(concurrentRetries.Append(retry), r => Assert.Equal((first.Version, first.FirstSequence, first.LastSequence), (r.Version, r.FirstSequence, r.LastSequence)));
        Assert.Equal(2, await store.ScalarAsync("SELECT count(*) FROM es.events"));
        Assert.Equal(2, await store.ScalarAsync("SELECT version FROM es.streams WHERE id = 'account-retry'"));
        Assert.Equal(5, await store.ScalarAsync("SELECT total FROM public.stream_totals"));

        // Ten concurrent first attempts of one new append: one writes, nine see it written.
        var id = Guid.NewGuid();
        var racing = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => store.Store.AppendAsync("account-race", ExpectedVersion.Any, [new EventData(id, new Deposited(1))]))));
        Assert.Equal(1, racing.Count(r => !r.AlreadyAppended));
        Assert.Equal(1, await store.ScalarAsync("SELECT count(*) FROM es.events WHERE stream_id = 'account-race'"));

        // The same ids on another stream are refused, and nothing of that append is written.
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.Store.AppendAsync("account-other", ExpectedVersion.Any, events));
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.streams WHERE id = 'account-other'"));
    }

    [Fact]
    public async Task When_PostgreSQL_restarts_appends_fail_cleanly_and_the_daemon_resumes_from_its_checkpoint()
    {
        // Durable commits: an acknowledged append must survive the crash.
        await using var server = await PostgresServer.StartThrowawayAsync(fast: false);
        await using var store = await TestStore.StartAsync(server.ConnectionString, TestStore.WithProjections);
        var committed = new HashSet<Guid>();
        for (var i = 0; i < 200; i++)
        {
            var id = Guid.NewGuid();
            await store.Store.AppendAsync($"account-{i % 10}", ExpectedVersion.Any, [new EventData(id, new Deposited(1))]);
            committed.Add(id);
        }

        await store.Admin.WaitForNonStaleAsync(CatchUp);
        var checkpointBefore = await store.ScalarAsync("SELECT position FROM es.checkpoints WHERE name = 'seen'");

        await server.KillAsync();
        var failures = 0;
        for (var i = 0; i < 5; i++)
        {
            var started = DateTime.UtcNow;
            var failure = await Assert.ThrowsAnyAsync<EventStoreException>(() => store.Store.AppendAsync("account-down", ExpectedVersion.Any, [new EventData(new Deposited(1))]));
            Assert.IsType<EventStoreUnavailableException>(failure);
            Assert.Contains("account-down", failure.Message, StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "an append against a stopped database fails, it does not hang");
            failures++;
        }

        await server.StartAgainAsync();
        for (var i = 0; i < 200; i++)
        {
            var id = Guid.NewGuid();
            await RetryUntilAvailableAsync(() => store.Store.AppendAsync($"account-{i % 10}", ExpectedVersion.Any, [new EventData(id, new Deposited(1))]));
            committed.Add(id);
        }

        await store.Admin.WaitForNonStaleAsync(CatchUp);
        Assert.Equal(5, failures);
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.streams WHERE id = 'account-down'"));
        Assert.Equal(committed.Count, await store.ScalarAsync("SELECT count(*) FROM es.events"));
        Assert.Equal(committed.Count, await store.ScalarAsync("SELECT count(DISTINCT seq) FROM public.seen"));
        Assert.Equal(committed.Count, await store.ScalarAsync("SELECT count(*) FROM public.seen"));
        Assert.True(await store.ScalarAsync("SELECT position FROM es.checkpoints WHERE name = 'seen'") > checkpointBefore);
    }

    private static async Task RetryUntilAvailableAsync(Func<Task> append)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await append();
                return;
            }
            catch (EventStoreUnavailableException) when (attempt < 50)
            {
                await Task.Delay(100);
            }
        }
    }

    internal static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(25);
        }
    }
}
