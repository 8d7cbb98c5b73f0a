using System.Text.Json.Nodes;
using Accountability.EventStore.Projections;
using Accountability.EventStore.Tests.Support;

namespace Accountability.EventStore.Tests;

public sealed class AppendAndReadTests
{
    [Fact]
    public async Task Fetch_for_writing_folds_the_stream_and_returns_the_version_to_expect()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync());
        var empty = await store.Store.FetchForWritingAsync<int>("account-1", Fold);
        Assert.False(empty.Exists);
        Assert.Equal(0, empty.Version);

        var result = await store.Store.AppendAsync("account-1", empty.ExpectedVersion, [new EventData(new Deposited(10)), new EventData(new Withdrawn(3))]);
        Assert.Equal(2, result.Version);
        Assert.Equal(result.FirstSequence + 1, result.LastSequence);

        var state = await store.Store.FetchForWritingAsync<int>("account-1", Fold);
        Assert.Equal((7, 2L), (state.State, state.Version));
        await store.Store.AppendAsync("account-1", state.ExpectedVersion, [new EventData(new Deposited(1))]);
        Assert.Equal(8, await store.Store.AggregateStreamAsync<int>("account-1", Fold));
        Assert.Equal(7, await store.Store.AggregateStreamAsync<int>("account-1", Fold, upToVersion: 2));

        var events = await store.Store.ReadStreamAsync("account-1");
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.Version));
        Assert.Equal(["deposited", "withdrawn", "deposited"], events.Select(e => e.EventType));
        Assert.Equal(new Deposited(10), events[0].Data);
    }

    [Fact]
    public async Task Expected_version_rules_hold_for_new_exact_and_any()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync());
        await store.Store.AppendAsync("account-2", ExpectedVersion.NoStream, [new EventData(new Deposited(1))]);
        var again = await Assert.ThrowsAsync<ConcurrencyException>(() => store.Store.AppendAsync("account-2", ExpectedVersion.NoStream, [new EventData(new Deposited(1))]));
        Assert.Equal(("account-2", 0L, 1L), (again.StreamId, again.Expected.Version, again.ActualVersion));
        Assert.Contains("account-2", again.Message, StringComparison.Ordinal);

        var wrong = await Assert.ThrowsAsync<ConcurrencyException>(() => store.Store.AppendAsync("account-2", ExpectedVersion.Exactly(5), [new EventData(new Deposited(1))]));
        Assert.Equal(1, wrong.ActualVersion);
        var missing = await Assert.ThrowsAsync<ConcurrencyException>(() => store.Store.AppendAsync("account-none", ExpectedVersion.Exactly(1), [new EventData(new Deposited(1))]));
        Assert.Equal(0, missing.ActualVersion);
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.streams WHERE id = 'account-none'"));

        var any = await store.Store.AppendAsync("account-2", ExpectedVersion.Any, [new EventData(new Deposited(1))]);
        Assert.Equal(2, any.Version);
        Assert.Equal(2, await store.ScalarAsync("SELECT count(*) FROM es.events"));

        var several = await store.Store.AppendAsync("account-2", ExpectedVersion.Any, [new EventData(new Deposited(2)), new EventData(new Withdrawn(1))]);
        Assert.Equal((4L, several.FirstSequence + 1), (several.Version, several.LastSequence));
        var exact = await store.Store.AppendAsync("account-2", ExpectedVersion.Exactly(4), [new EventData(new Deposited(3)), new EventData(new Deposited(4))]);
        Assert.Equal(6, exact.Version);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], (await store.Store.ReadStreamAsync("account-2")).Select(e => e.Version));
        Assert.Equal(6, await store.ScalarAsync("SELECT version FROM es.streams WHERE id = 'account-2'"));
        var fresh = await store.Store.AppendAsync("account-new", ExpectedVersion.Any, [new EventData(new Deposited(1))]);
        Assert.Equal(1, fresh.Version);
    }

    [Fact]
    public async Task Bad_appends_are_refused_with_a_message_naming_the_stream_and_the_problem_and_nothing_is_written()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), o => o.MaxEventBytes = 1024);

        async Task<string> Refused(string stream, ExpectedVersion expected, params object[] data)
        {
            var ex = await Assert.ThrowsAsync<InvalidAppendException>(() => store.Store.AppendAsync(stream, expected, data.Select(d => new EventData(d)).ToList()));
            Assert.Equal(stream, ex.StreamId);
            Assert.Contains(stream, ex.Message, StringComparison.Ordinal);
            return ex.Problem;
        }

        Assert.Contains("not registered", await Refused("account-3", ExpectedVersion.Any, new Unregistered("x")), StringComparison.Ordinal);
        Assert.Contains("malformed", await Refused("Not A Stream!", ExpectedVersion.Any, new Deposited(1)), StringComparison.Ordinal);
        Assert.Contains("malformed", await Refused("account-" + new string('x', 300), ExpectedVersion.Any, new Deposited(1)), StringComparison.Ordinal);
        Assert.Contains("negative", await Refused("account-3", ExpectedVersion.Exactly(-2), new Deposited(1)), StringComparison.Ordinal);
        Assert.Contains("over the limit of 1024 bytes", await Refused("account-3", ExpectedVersion.Any, new Noted(new string('n', 2000))), StringComparison.Ordinal);
        Assert.Contains("no events", await Refused("account-3", ExpectedVersion.Any), StringComparison.Ordinal);

        // A valid event next to a bad one: the whole append is refused.
        Assert.Contains("not registered", await Refused("account-3", ExpectedVersion.Any, new Deposited(1), new Unregistered("x")), StringComparison.Ordinal);
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.events"));
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.streams"));
    }

    [Fact]
    public async Task Per_stream_order_equals_global_order_under_concurrent_appends()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync());
        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => store.Store.AppendAsync($"account-{i % 8}", ExpectedVersion.Any, [new EventData(new Deposited(1)), new EventData(new Withdrawn(1))])));
        Assert.Equal(0, await store.ScalarAsync(
            "SELECT count(*) FROM (SELECT stream_id, version, seq, lag(seq) OVER (PARTITION BY stream_id ORDER BY version) AS prev FROM es.events) x WHERE prev >= seq"));
        Assert.Equal(800, await store.ScalarAsync("SELECT count(*) FROM es.events"));
        Assert.Equal(800, await store.ScalarAsync("SELECT sum(version) FROM es.streams") / 1);
    }

    [Fact]
    public async Task Events_stored_under_a_retired_name_are_upcast_and_unknown_names_are_read_as_unknown()
    {
        var database = await TestStore.NewDatabaseAsync();
        await using (var writer = await TestStore.StartAsync(database))
        {
            await writer.Store.AppendAsync("account-old", ExpectedVersion.Any, [new EventData(new Deposited(4))]);
            await writer.ScalarAsync("UPDATE es.events SET type = 'deposit-made-v1', data = '{\"cents\": 400}' WHERE stream_id = 'account-old'");
            await writer.ScalarAsync("INSERT INTO es.streams (id, type, version) VALUES ('account-future', 'account', 1)");
            await writer.ScalarAsync("INSERT INTO es.events (seq, stream_id, version, event_id, type, data) VALUES (nextval('es.events_seq'), 'account-future', 1, gen_random_uuid(), 'from-the-future', '{}')");
        }

        await using var reader = await TestStore.StartAsync(database, o => o.Events.Upcast("deposit-made-v1", "deposited", node =>
            new JsonObject { ["amount"] = node["cents"]!.GetValue<int>() / 100 }));
        var upcast = Assert.Single(await reader.Store.ReadStreamAsync("account-old"));
        Assert.Equal(new Deposited(4), upcast.Data);
        var unknown = Assert.Single(await reader.Store.ReadStreamAsync("account-future"));
        Assert.Equal("from-the-future", Assert.IsType<UnknownEvent>(unknown.Data).TypeName);
    }

    [Fact]
    public async Task A_failing_event_goes_to_the_dead_letters_and_the_projection_goes_on()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), o => o.AddProjection<PickyProjection>(ProjectionLifecycle.Async));
        foreach (var text in new[] { "a", "b", "poison", "c", "d" })
        {
            await store.Store.AppendAsync("notes-1", ExpectedVersion.Any, [new EventData(new Noted(text))]);
        }

        await store.Admin.WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(["a", "b", "c", "d"], await store.RowsAsync("SELECT text FROM public.notes ORDER BY seq"));
        var letter = Assert.Single(await store.Admin.GetDeadLettersAsync("picky"));
        Assert.Equal(("notes-1", "noted", 3L), (letter.StreamId, letter.EventType, letter.Sequence));
        Assert.Contains("poison note", letter.Error, StringComparison.Ordinal);
        var status = Assert.Single(await store.Admin.GetStatusAsync(), s => s.Name == "picky");
        Assert.Equal((0L, 1L, 5L), (status.Lag, status.DeadLetters, status.Position));
    }

    [Fact]
    public async Task Projection_status_reports_lag_until_the_daemon_catches_up()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), o =>
        {
            TestStore.WithProjections(o);
            o.Daemon.Enabled = false;
        });
        await store.Store.AppendAsync("account-lag", ExpectedVersion.Any, [new EventData(new Deposited(1)), new EventData(new Deposited(1))]);
        var stale = await store.Admin.GetStatusAsync();
        Assert.Equal(2, Assert.Single(stale, s => s.Name == "balances").Lag);
        Assert.Equal(0, Assert.Single(stale, s => s.Name == "stream_totals").Lag);
        await Assert.ThrowsAsync<TimeoutException>(() => store.Admin.WaitForNonStaleAsync(TimeSpan.FromMilliseconds(200)));

        await using var daemonHost = await TestStore.StartAsync(store.ConnectionString, TestStore.WithProjections, node: "node-b");
        await daemonHost.Admin.WaitForNonStaleAsync(TimeSpan.FromSeconds(30));
        Assert.All(await store.Admin.GetStatusAsync(), s => Assert.Equal(0, s.Lag));
    }

    [Fact]
    public async Task The_follower_delivers_committed_events_in_order_as_they_arrive()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync());
        await store.Store.AppendAsync("account-f", ExpectedVersion.Any, [new EventData(new Deposited(1))]);
        var head = await store.Store.ReadHighWaterMarkAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<long>();
        var follow = Task.Run(async () =>
        {
            await foreach (var e in store.Follower.FollowAsync(head, store.Follower.TypeNames([typeof(Deposited)]), cancel.Token))
            {
                received.Add(e.Sequence);
                if (received.Count == 50)
                {
                    break;
                }
            }
        });

        var appended = new List<long>();
        for (var i = 0; i < 50; i++)
        {
            appended.Add((await store.Store.AppendAsync("account-f", ExpectedVersion.Any, [new EventData(new Noted("skip me")), new EventData(new Deposited(1))])).LastSequence);
        }

        await follow;
        Assert.Equal(appended, received);
    }

    [Fact]
    public async Task Folded_states_kept_in_memory_follow_appends_made_by_another_process()
    {
        var database = await TestStore.NewDatabaseAsync();
        await using var reading = await TestStore.StartAsync(database, node: "node-a");
        await using var writing = await TestStore.StartAsync(database, node: "node-b");
        await using var uncached = await TestStore.StartAsync(database, o => o.StreamStateCacheSize = 0, node: "node-c");
        static IReadOnlyList<int> History(IReadOnlyList<int>? seen, object e) => [.. seen ?? [], e is Deposited d ? d.Amount : e is Withdrawn w ? -w.Amount : 0];

        await writing.Store.AppendAsync("account-9", ExpectedVersion.NoStream, [new EventData(new Deposited(10)), new EventData(new Withdrawn(4))]);
        Assert.Equal((6, 2L), ((await reading.Store.FetchForWritingAsync<int>("account-9", Fold)).State, (await reading.Store.FetchForWritingAsync<int>("account-9", Fold)).Version));
        Assert.Equal(6, await reading.Store.AggregateStreamAsync<int>("account-9", Fold));
        Assert.Equal([10, -4], await reading.Store.AggregateStreamAsync<IReadOnlyList<int>>("account-9", History));

        // Another process appends: the states this one keeps are folded on from there, never served stale.
        await writing.Store.AppendAsync("account-9", ExpectedVersion.Exactly(2), [new EventData(new Deposited(5))]);
        await writing.Store.AppendAsync("account-9", ExpectedVersion.Any, [new EventData(new Withdrawn(1)), new EventData(new Deposited(7))]);
        var fetched = await reading.Store.FetchForWritingAsync<int>("account-9", Fold);
        Assert.Equal((17, 5L), (fetched.State, fetched.Version));
        Assert.Equal(17, await reading.Store.AggregateStreamAsync<int>("account-9", Fold));
        Assert.Equal([10, -4, 5, -1, 7], await reading.Store.AggregateStreamAsync<IReadOnlyList<int>>("account-9", History));
        Assert.Equal(11, await reading.Store.AggregateStreamAsync<int>("account-9", Fold, upToVersion: 3));

        // The same answers as folding from the first event.
        var fresh = await uncached.Store.FetchForWritingAsync<int>("account-9", Fold);
        Assert.Equal((fresh.State, fresh.Version), (fetched.State, fetched.Version));

        // A stream with no events has no state, and one appended to later starts from its first event.
        Assert.Equal(0, (await reading.Store.FetchForWritingAsync<int>("account-10", Fold)).Version);
        await writing.Store.AppendAsync("account-10", ExpectedVersion.NoStream, [new EventData(new Deposited(3))]);
        Assert.Equal((3, 1L), ((await reading.Store.FetchForWritingAsync<int>("account-10", Fold)).State, 1L));
    }

    [Fact]
    public async Task A_small_state_cache_under_concurrent_readers_drops_old_states_and_answers_right()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync(), o => o.StreamStateCacheSize = 8);
        for (var i = 0; i < 40; i++)
        {
            await store.Store.AppendAsync($"account-c{i}", ExpectedVersion.NoStream, [new EventData(new Deposited(i)), new EventData(new Deposited(1))]);
        }

        // 16 readers over 40 streams with room for 8 states: the cache is trimmed while others add to it.
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(reader => Task.Run(async () =>
        {
            var wrong = 0;
            for (var round = 0; round < 5; round++)
            {
                for (var i = 0; i < 40; i++)
                {
                    var stream = $"account-c{(i + reader) % 40}";
                    var expected = ((i + reader) % 40) + 1;
                    wrong += await store.Store.AggregateStreamAsync<int>(stream, Fold) == expected ? 0 : 1;
                    wrong += (await store.Store.FetchForWritingAsync<int>(stream, Fold)).State == expected ? 0 : 1;
                }
            }

            return wrong;
        })));
        Assert.All(answers, wrong => Assert.Equal(0, wrong));
    }

    private static int Fold(int balance, object e) => e switch
    {
        Deposited d => balance + d.Amount,
        Withdrawn w => balance - w.Amount,
        _ => balance,
    };
}
