using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.RealTime;

/// <summary>Request logging at its most verbose, and a short catch-up limit so "too far behind" is quick to reach.</summary>
public sealed class VerboseFeedHost() : ApiHost(new ApiHostOptions
{
    Settings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        ["RealTime:MaxCatchUpEvents"] = "60",
    },
});

/// <summary>Who may connect and catch up, what they get over HTTP, and what never reaches the logs.</summary>
[Trait("Category", "RealTime")]
public sealed class FeedAccessTests(VerboseFeedHost host) : IClassFixture<VerboseFeedHost>
{
    private readonly FeedWorld world = new(host);

    [Fact]
    public async Task A_hub_connect_with_a_bad_or_missing_token_is_refused()
    {
        var member = await host.RegisterAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await HubClient.ConnectAsync(host.BaseAddress, "/hubs/feed", member.AccessToken + "x")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await HubClient.ConnectAsync(host.BaseAddress, "/hubs/feed", null)).Status);

        await using var node = await FeedClient.StartAsync(world.HubUrl, "not-a-token", resumeFrom: null);
        var error = Assert.Single(node.Lines, l => FeedClient.Event(l) == "error");
        Assert.Equal("start", error.GetProperty("stage").GetString());
        Assert.DoesNotContain(node.Lines, l => FeedClient.Event(l) == "connected");
    }

    [Fact]
    public async Task A_token_in_the_hub_query_string_never_appears_in_the_logs()
    {
        var member = await host.RegisterAsync();
        await using (var node = await FeedClient.StartAsync(world.HubUrl, member.AccessToken, await world.HeadAsync()))
        {
            Assert.Contains(node.Lines, l => FeedClient.Event(l) == "resumed");
        }

        await using (await FeedClient.StartAsync(world.HubUrl, member.AccessToken + "x", resumeFrom: null))
        {
        }

        var logs = host.Logs.AllText();
        Assert.Contains("/hubs/feed", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(member.AccessToken, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(member.AccessToken.Split('.')[2], logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_http_catch_up_returns_the_messages_resume_sends_page_by_page()
    {
        var (coach, alice, bob) = (await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, alice, bob);
        var goal = await world.SetGoalAsync(alice, group);
        var start = await world.HeadAsync();
        var checkIns = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            checkIns.Add((await world.CheckInAsync(alice, group, goal, note: $"take {i}")).CheckInId);
        }

        await world.HideAsync(group, checkIns[^1], coach);

        // Over HTTP, three at a time, following "next" while "more".
        var overHttp = new List<(string Type, long Sequence)>();
        var bobHttp = host.ClientFor(bob);
        var after = start;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 10, "the pages never ended");
            var page = await bobHttp.GetFromJsonAsync<JsonElement>($"api/v1/feed/updates?after={after}&limit=3");
            Assert.False(page.GetProperty("reloadRequired").GetBoolean());
            var messages = page.GetProperty("messages").EnumerateArray().ToList();
            Assert.True(messages.Count <= 3);
            overHttp.AddRange(messages.Select(m => (m.GetProperty("type").GetString()!, m.GetProperty("sequence").GetInt64())));
            Assert.All(messages, m => Assert.Equal(m.GetProperty("sequence").GetInt64(), m.GetProperty("data").GetProperty("sequence").GetInt64()));
            after = page.GetProperty("next").GetInt64();
            if (!page.GetProperty("more").GetBoolean())
            {
                break;
            }
        }

        // Over the hub, in one resume.
        await using var node = await FeedClient.StartAsync(world.HubUrl, bob.AccessToken, start);
        var resumed = Assert.Single(node.Lines, l => FeedClient.Event(l) == "resumed").GetProperty("result");
        var overHub = node.Messages.Select(m => (m.Type, m.Sequence)).ToList();
        Assert.Equal(overHub.Count, resumed.GetProperty("sent").GetInt32());

        // Leaderboard notices are coalesced per page, so they are compared apart.
        static List<(string, long)> Ordered(IEnumerable<(string Type, long Sequence)> messages) =>
            messages.Where(m => m.Type != "leaderboardChanged").ToList();
        Assert.Equal(Ordered(overHub), Ordered(overHttp));
        Assert.True(overHttp.Count(m => m.Type is "feedItemAdded" or "feedItemAmended") >= 7);
        Assert.Single(overHttp, m => m.Type == "feedItemHidden");
        Assert.Contains(overHttp, m => m.Type == "leaderboardChanged");
        Assert.Equal(overHttp.Select(m => m.Sequence).Order(), overHttp.Where(m => m.Type != "leaderboardChanged").Select(m => m.Sequence).Concat(overHttp.Where(m => m.Type == "leaderboardChanged").Select(m => m.Sequence)).Order());
    }

    [Fact]
    public async Task The_http_catch_up_refuses_strangers_and_bad_input()
    {
        var (coach, outsider) = (await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);

        using var anonymous = await host.Client.GetAsync("api/v1/feed/updates?after=0");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var badToken = await host.CreateClient(outsider.AccessToken + "x").GetAsync("api/v1/feed/updates?after=0");
        Assert.Equal(HttpStatusCode.Unauthorized, badToken.StatusCode);

        var outsiderHttp = host.ClientFor(outsider);
        foreach (var groupId in new[] { group, Guid.NewGuid() })
        {
            using var hidden = await outsiderHttp.GetAsync($"api/v1/feed/updates?after=0&groupId={groupId}");
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
            Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType?.MediaType);
        }

        foreach (var query in new[] { "after=-1", "after=0&limit=0", "after=0&limit=100000", "after=abc" })
        {
            using var invalid = await outsiderHttp.GetAsync("api/v1/feed/updates?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        // The coach's own group: fine, and only its messages.
        using var response = await host.ClientFor(coach).GetAsync($"api/v1/feed/updates?after={Math.Max(0, await world.HeadAsync() - 5)}&groupId={group}");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var mine = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.All(mine.GetProperty("messages").EnumerateArray(), m => Assert.Equal(group, m.GetProperty("data").GetProperty("groupId").GetGuid()));
    }

    [Fact]
    public async Task A_client_too_far_behind_is_told_to_reload_and_goes_live_from_now()
    {
        var (coach, alice, bob) = (await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, alice, bob);
        var goal = await world.SetGoalAsync(alice, group);
        var start = await world.HeadAsync();
        for (var i = 0; i < 61; i++)
        {
            await world.CheckInAsync(alice, group, goal, note: $"take {i}");
        }

        var page = await host.ClientFor(bob).GetFromJsonAsync<JsonElement>($"api/v1/feed/updates?after={start}");
        Assert.True(page.GetProperty("reloadRequired").GetBoolean());
        Assert.Empty(page.GetProperty("messages").EnumerateArray());

        await using var node = await FeedClient.StartAsync(world.HubUrl, bob.AccessToken, start);
        var resumed = Assert.Single(node.Lines, l => FeedClient.Event(l) == "resumed").GetProperty("result");
        Assert.True(resumed.GetProperty("reloadRequired").GetBoolean());
        Assert.Equal(0, resumed.GetProperty("sent").GetInt32());
        var (checkIn, sequence) = await world.CheckInAsync(alice, group, goal, note: "live");
        var live = await node.WaitForMessageAsync("feedItemAmended", FeedDeliveryTests.IsCheckIn);
        Assert.Equal(sequence, live.Sequence);
        Assert.Equal(checkIn, live.Data.GetProperty("item").GetProperty("itemId").GetGuid());

        // Resume is once per connection.
        var again = await node.InvokeAsync("Resume", 0);
        Assert.Equal("invokeError", FeedClient.Event(again));
    }
}
