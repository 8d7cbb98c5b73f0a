using System.Text.Json.Nodes;
using Npgsql;
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
            await foreach (var e in store.Follower.FollowAsync(head, store.Follower.TypeNames([typeof(Deposited)]), gather: null, cancel.Token))
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

    [Fact]
    public async Task Optimistic_fetches_serve_the_kept_state_and_the_append_refuses_it_once_another_process_moved_the_stream()
    {
        var database = await TestStore.NewDatabaseAsync();
        await using var a = await TestStore.StartAsync(database, node: "node-a");
        await using var b = await TestStore.StartAsync(database, node: "node-b");
        await a.Store.AppendAsync("account-o1", ExpectedVersion.NoStream, [new EventData(new Deposited(10))]);

        // Nothing kept yet: an optimistic fetch asks the database.
        var first = await a.Store.FetchForWritingAsync<int>("account-o1", Fold, FetchMode.Optimistic);
        Assert.Equal((10, 1L, true), (first.State, first.Version, first.Confirmed));

        // A decision appended on a fetched state is kept at its new version: the next optimistic fetch needs no read.
        await a.Store.AppendDecisionAsync(first, Fold, [new EventData(new Withdrawn(3))]);
        var kept = await a.Store.FetchForWritingAsync<int>("account-o1", Fold, FetchMode.Optimistic);
        Assert.Equal((7, 2L, false), (kept.State, kept.Version, kept.Confirmed));

        // Another process appends: the kept state is stale, and the append made on it is refused, writing nothing.
        await b.Store.AppendAsync("account-o1", ExpectedVersion.Exactly(2), [new EventData(new Deposited(5))]);
        var stale = await a.Store.FetchForWritingAsync<int>("account-o1", Fold, FetchMode.Optimistic);
        Assert.Equal((7, 2L, false), (stale.State, stale.Version, stale.Confirmed));
        var refused = await Assert.ThrowsAsync<ConcurrencyException>(() => a.Store.AppendDecisionAsync(stale, Fold, [new EventData(new Withdrawn(1))]));
        Assert.Equal(("account-o1", 3L, false), (refused.StreamId, refused.ActualVersion, refused.IsReadConflict));
        Assert.Equal(3, await a.ScalarAsync("SELECT count(*) FROM es.events WHERE stream_id = 'account-o1'"));

        // The latest fetch folds what the other process wrote, and the decision made on it goes through.
        var latest = await a.Store.FetchForWritingAsync<int>("account-o1", Fold, FetchMode.Latest);
        Assert.Equal((12, 3L, true), (latest.State, latest.Version, latest.Confirmed));
        var appended = await a.Store.AppendDecisionAsync(latest, Fold, [new EventData(new Withdrawn(1))]);
        Assert.Equal(4, appended.Version);
        Assert.Equal((11, 4L), ((await b.Store.FetchForWritingAsync<int>("account-o1", Fold)).State, 4L));
        Assert.Equal(11, (await a.Store.FetchForWritingAsync<int>("account-o1", Fold, FetchMode.Optimistic)).State);
    }

    [Fact]
    public async Task An_append_goes_through_only_while_the_streams_its_decision_read_are_at_the_versions_read()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync());
        await store.Store.AppendAsync("rules-1", ExpectedVersion.NoStream, [new EventData(new Deposited(1))]);
        var rules = await store.Store.FetchForWritingAsync<int>("rules-1", Fold);
        var none = await store.Store.FetchForWritingAsync<int>("rules-none", Fold);

        // Both read streams where they were read (one of them still without events): the append goes through.
        var account = await store.Store.FetchForWritingAsync<int>("account-r1", Fold);
        var ok = await store.Store.AppendDecisionAsync(account, Fold, [new EventData(new Deposited(2))], [rules.AsRead(), none.AsRead()]);
        Assert.Equal(1, ok.Version);

        // A read stream moved on: refused, naming it and its version, and nothing is written.
        await store.Store.AppendAsync("rules-1", ExpectedVersion.Exactly(1), [new EventData(new Deposited(1))]);
        account = await store.Store.FetchForWritingAsync<int>("account-r1", Fold);
        var moved = await Assert.ThrowsAsync<ConcurrencyException>(() => store.Store.AppendDecisionAsync(account, Fold, [new EventData(new Deposited(2))], [none.AsRead(), rules.AsRead()]));
        Assert.Equal(("rules-1", 1L, 2L, "account-r1", true), (moved.StreamId, moved.Expected.Version, moved.ActualVersion, moved.AppendedStreamId, moved.IsReadConflict));
        Assert.Contains("rules-1", moved.Message, StringComparison.Ordinal);

        // A stream read as missing that has since been created counts as moved too.
        await store.Store.AppendAsync("rules-none", ExpectedVersion.NoStream, [new EventData(new Deposited(1))]);
        var created = await Assert.ThrowsAsync<ConcurrencyException>(() => store.Store.AppendDecisionAsync(account, Fold, [new EventData(new Deposited(2))], [none.AsRead()]));
        Assert.Equal(("rules-none", 1L), (created.StreamId, created.ActualVersion));
        Assert.Equal(1, await store.ScalarAsync("SELECT version FROM es.streams WHERE id = 'account-r1'"));
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.streams WHERE id = 'account-r2'"));
        await Assert.ThrowsAsync<ConcurrencyException>(() => store.Store.AppendDecisionAsync(
            new StreamState<int>("account-r2", 0, 0), Fold, [new EventData(new Deposited(2))], [none.AsRead()]));
        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.streams WHERE id = 'account-r2'"));
    }

    [Fact]
    public async Task Appends_queued_together_see_the_moves_made_earlier_in_their_own_commit()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync());
        for (var round = 0; round < 20; round++)
        {
            var rulesId = $"rules-b{round}";
            await store.Store.AppendAsync(rulesId, ExpectedVersion.NoStream, [new EventData(new Deposited(1))]);
            var rules = await store.Store.FetchForWritingAsync<int>(rulesId, Fold);

            // Queued in this order without waiting, they usually share one commit: the first reads the rules before
            // they move, the second moves them, the third read them before the move and must be refused.
            var before = store.Store.AppendDecisionAsync(new StreamState<int>($"account-b{round}a", 0, 0), Fold, [new EventData(new Deposited(1))], [rules.AsRead()]);
            var move = store.Store.AppendDecisionAsync(rules, Fold, [new EventData(new Deposited(1))]);
            var after = store.Store.AppendDecisionAsync(new StreamState<int>($"account-b{round}b", 0, 0), Fold, [new EventData(new Deposited(1))], [rules.AsRead()]);
            Assert.Equal(1, (await before).Version);
            Assert.Equal(2, (await move).Version);
            var refused = await Assert.ThrowsAsync<ConcurrencyException>(() => after);
            Assert.Equal((rulesId, 2L), (refused.StreamId, refused.ActualVersion));
        }

        Assert.Equal(0, await store.ScalarAsync("SELECT count(*) FROM es.streams WHERE id LIKE 'account-b%b'"));
        Assert.Equal(20, await store.ScalarAsync("SELECT count(*) FROM es.streams WHERE id LIKE 'account-b%a'"));
    }

    [Fact]
    public async Task The_append_function_decides_a_batch_of_independent_appends_together_as_it_would_one_by_one()
    {
        await using var store = await TestStore.StartAsync(await TestStore.NewDatabaseAsync());
        foreach (var id in new[] { "s1", "s2", "s3", "s4", "r1" })
        {
            await store.Store.AppendAsync(id, ExpectedVersion.NoStream, [new EventData(new Deposited(1))]);
        }

        var next = await store.ScalarAsync("SELECT max(seq) FROM es.events") + 1;

        // Four appends to four existing streams, in no particular id order, with 2, 1, 3 and 1 events, one of them
        // expecting any version and one with a read that holds: all go through, numbered in the batch's order.
        var together = await store.RowsAsync(Batch(
            [("s3", 1, 2), ("s1", 1, 1), ("s2", -1, 3), ("s4", 1, 1)], first: 1, reads: "ARRAY[4], ARRAY['r1'], ARRAY[1::bigint]"));
        Assert.Equal(
            [$"0|3|{next}|{next + 1}", $"0|2|{next + 2}|{next + 2}", $"0|4|{next + 3}|{next + 5}", $"0|2|{next + 6}|{next + 6}"],
            together);
        Assert.Equal(
            [$"{next}|s3|2", $"{next + 1}|s3|3", $"{next + 2}|s1|2", $"{next + 3}|s2|2", $"{next + 4}|s2|3", $"{next + 5}|s2|4", $"{next + 6}|s4|2"],
            await store.RowsAsync($"SELECT seq, stream_id, version FROM es.events WHERE seq >= {next} ORDER BY seq"));
        Assert.Equal(["r1|1", "s1|2", "s2|4", "s3|3", "s4|2"], await store.RowsAsync("SELECT id, version FROM es.streams ORDER BY id"));
        Assert.Equal(7, await store.ScalarAsync($"SELECT count(*) FROM es.events WHERE seq >= {next} AND event_id::text LIKE '00000000-0000-0000-0000-0000000001%'"));

        // One append expecting a stale version and one whose read has moved: the others still go through.
        next += 7;
        var mixed = await store.RowsAsync(Batch(
            [("s1", 2, 1), ("s2", 3, 1), ("s4", 2, 1), ("s3", 3, 1)], first: 20, reads: "ARRAY[3], ARRAY['r1'], ARRAY[0::bigint]"));
        Assert.Equal([$"0|3|{next}|{next}", "1|4|0|0", "4|1|1|0", $"0|4|{next + 1}|{next + 1}"], mixed);

        // The first two appends of the first batch, sent again: recognised as already appended, nothing written twice.
        var retried = await store.RowsAsync(Batch([("s3", 1, 2), ("s1", 1, 1)], first: 1, reads: "'{}'::int[], '{}'::text[], '{}'::bigint[]"));
        Assert.Equal([$"2|3|{next - 7}|{next - 6}", $"2|2|{next - 5}|{next - 5}"], retried);
        Assert.Equal(next + 2, await store.ScalarAsync("SELECT max(seq) FROM es.events") + 1);

        // Sent whole, a batch one of whose appends would not go through is refused before anything is written.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => store.RowsAsync(Batch(
            [("s1", 3, 1), ("s3", 4, 1), ("s4", 9, 1)], first: 40, reads: "'{}'::int[], '{}'::text[], '{}'::bigint[]", whole: true)));
        Assert.Equal("ES001", refused.SqlState);
        Assert.Equal(next + 2, await store.ScalarAsync("SELECT max(seq) FROM es.events") + 1);
        Assert.Equal(["r1|1", "s1|3", "s2|4", "s3|4", "s4|2"], await store.RowsAsync("SELECT id, version FROM es.streams ORDER BY id"));
    }

    /// <summary>A call of the append function for appends given as (stream, expected version, number of events), event ids numbered from <paramref name="first"/>.</summary>
    private static string Batch((string Stream, int Expected, int Count)[] appends, int first, string reads, bool whole = false)
    {
        var events = appends.Sum(a => a.Count);
        var ids = Enumerable.Range(first, events).Select(i => $"'00000000-0000-0000-0000-{256 + i:x12}'");
        const string Amount = """'{"Amount":1}'::jsonb""";
        const string Empty = "'{}'::jsonb";
        return $"""
            SELECT status, stream_version, first_seq, last_seq FROM es.append_batch(
                ARRAY[{string.Join(',', appends.Select(a => $"'{a.Stream}'"))}], array_fill('account'::text, ARRAY[{appends.Length}]),
                ARRAY[{string.Join(',', appends.Select(a => a.Expected))}]::bigint[], ARRAY[{string.Join(',', appends.Select(a => a.Count))}],
                ARRAY[{string.Join(',', ids)}]::uuid[], array_fill('deposited'::text, ARRAY[{events}]),
                array_fill({Amount}, ARRAY[{events}]), array_fill({Empty}, ARRAY[{events}]),
                {reads}, {(whole ? "true" : "false")})
            """;
    }

    private static int Fold(int balance, object e) => e switch
    {
        Deposited d => balance + d.Amount,
        Withdrawn w => balance - w.Amount,
        _ => balance,
    };
}
