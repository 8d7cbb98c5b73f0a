using Accountability.Api.Tests.Infrastructure;
using Accountability.Domain;
using Accountability.Domain.Goals;
using Accountability.EventStore;
using Accountability.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.Api.Tests.RealTime;

/// <summary>
/// Several service processes on one database, each with its own relay, hub and connections: the event log is the
/// backplane. Clients are dropped and resume on whichever process they reach next.
/// </summary>
[Trait("Category", "RealTime")]
public sealed class MultiProcessFeedTests : IAsyncLifetime
{
    private ApiHost first = null!;
    private ApiHost second = null!;

    public async Task InitializeAsync()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("feed");
        first = await ApiHost.StartAsync(new ApiHostOptions { ConnectionString = database });
        second = await ApiHost.StartAsync(new ApiHostOptions { ConnectionString = database });
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_check_in_posted_to_one_instance_reaches_a_client_of_the_other()
    {
        var world = new FeedWorld(first);
        var (coach, alice, bob) = (await first.RegisterAsync(), await first.RegisterAsync(), await second.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, alice, bob);
        var goal = await world.SetGoalAsync(alice, group);

        await using var bobOnSecond = await FeedClient.StartAsync(FeedWorld.HubUrlOf(second), bob.AccessToken, await world.HeadAsync());
        var (checkIn, sequence) = await world.CheckInAsync(alice, group, goal);

        var added = await bobOnSecond.WaitForMessageAsync("feedItemAdded", d => d.GetProperty("item").GetProperty("itemId").GetGuid() == checkIn);
        Assert.Equal(sequence, added.Sequence);
    }

    [Fact]
    public async Task A_check_in_reaches_a_client_of_a_separate_service_process()
    {
        await using var process = await ServiceProcess.StartAsync(first.ConnectionString);
        var world = new FeedWorld(first);
        var (coach, alice, bob) = (await first.RegisterAsync(), await first.RegisterAsync(), await first.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, alice, bob);
        var goal = await world.SetGoalAsync(alice, group);

        await using var bobOnProcess = await FeedClient.StartAsync(new Uri(process.BaseAddress, "hubs/feed"), bob.AccessToken, await world.HeadAsync());
        Assert.Contains(bobOnProcess.Lines, l => FeedClient.Event(l) == "resumed");
        var (checkIn, sequence) = await world.CheckInAsync(alice, group, goal);

        var added = await bobOnProcess.WaitForMessageAsync("feedItemAdded", d => d.GetProperty("item").GetProperty("itemId").GetGuid() == checkIn);
        Assert.Equal(sequence, added.Sequence);
    }

    [Fact]
    public async Task Clients_dropped_and_resumed_on_either_process_while_check_ins_continue_miss_nothing_and_get_nothing_twice()
    {
        var worlds = new[] { new FeedWorld(first), new FeedWorld(second) };
        var coach = await first.RegisterAsync();
        var authors = new[] { await first.RegisterAsync(), await second.RegisterAsync() };
        var readers = new[] { await first.RegisterAsync(), await first.RegisterAsync(), await second.RegisterAsync() };
        var group = await worlds[0].CreateGroupAsync(coach);
        await worlds[0].JoinAsync(group, coach, [.. authors, .. readers]);
        var goals = new[] { await worlds[0].SetGoalAsync(authors[0], group), await worlds[1].SetGoalAsync(authors[1], group) };
        var start = await worlds[0].HeadAsync();
        var hubs = new[] { FeedWorld.HubUrlOf(first), FeedWorld.HubUrlOf(second) };

        var clients = new List<FeedClient>();
        try
        {
            for (var i = 0; i < readers.Length; i++)
            {
                clients.Add(await FeedClient.StartAsync(i % 2 == 0 ? hubs : [.. hubs.Reverse()], readers[i].AccessToken, start));
            }

            // Check-ins on both processes all along; every client is dropped five times meanwhile, each time after
            // a few more check-ins, and resumes on the other process from the last sequence it saw.
            using var posting = new CancellationTokenSource();
            var posted = 0;
            var poster = Task.Run(async () =>
            {
                for (var i = 0; !posting.IsCancellationRequested; i++)
                {
                    await worlds[i % 2].CheckInAsync(authors[i % 2], group, goals[i % 2], note: $"check-in {i}");
                    Interlocked.Increment(ref posted);
                    await Task.Delay(10);
                }
            });
            async Task AfterMoreCheckIns(int more)
            {
                var target = Volatile.Read(ref posted) + more;
                await Task.Delay(250);
                while (Volatile.Read(ref posted) < target && !poster.IsCompleted)
                {
                    await Task.Delay(20);
                }
            }

            for (var round = 0; round < 5; round++)
            {
                await AfterMoreCheckIns(6);
                foreach (var client in clients)
                {
                    await client.SendAsync(new { cmd = "drop", pauseMs = 120 });
                }
            }

            await AfterMoreCheckIns(6);
            await posting.CancelAsync();
            await poster;

            // What each reader may see: every check-in event of the group since it started (all shared, all on
            // group goals; the first of the day is posted, the others amend it).
            var store = first.Services.GetRequiredService<IEventStore>();
            var page = await store.ReadAllAsync(start, 100_000, [DomainEvents.NameOf(EmptyCheckIn), DomainEvents.NameOf(EmptyAmendment)]);
            var expected = page.Events
                .Where(e => e.Data is CheckInPosted p && p.GroupId == group || e.Data is CheckInAmended a && a.GroupId == group)
                .Select(e => e.Sequence)
                .ToList();
            Assert.True(expected.Count >= 36, $"only {expected.Count} check-ins were posted");

            foreach (var client in clients)
            {
                await client.WaitForMessageAsync("feedItemAmended", d => d.GetProperty("sequence").GetInt64() == expected[^1], TimeSpan.FromSeconds(15));
                var checkIns = client.Messages.Where(m => m.Type is "feedItemAdded" or "feedItemAmended" && FeedDeliveryTests.IsCheckIn(m.Data)).ToList();
                Assert.True(checkIns.Count == expected.Count, $"expected {expected.Count}, got {checkIns.Count}:\n{client.Dump()}");
                Assert.Equal(expected, checkIns.Select(m => m.Sequence));

                // Nothing twice, whatever its kind (wins come with some check-ins), and everything in order.
                var ordered = client.Messages.Where(m => m.Type != "leaderboardChanged").ToList();
                Assert.Equal(ordered.Count, ordered.Select(m => (m.Type, m.Sequence, m.Data.GetRawText())).Distinct().Count());
                Assert.Equal(ordered.Select(m => m.Sequence).Order(), ordered.Select(m => m.Sequence));
                Assert.Equal(6, client.Lines.Count(l => FeedClient.Event(l) == "resumed"));
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static readonly CheckInPosted EmptyCheckIn =
        new(Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, default, false, null, null, [], null, false, false, default, "UTC", default);

    private static readonly CheckInAmended EmptyAmendment =
        new(Guid.Empty, Guid.Empty, Guid.Empty, Guid.Empty, default, false, null, null, [], null, false, false, default, "UTC", default);
}
