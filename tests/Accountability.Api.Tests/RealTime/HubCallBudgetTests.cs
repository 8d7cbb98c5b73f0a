using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.RealTime;

public sealed class TightHubBudgetHost() : ApiHost(new ApiHostOptions
{
    Settings = new(StringComparer.OrdinalIgnoreCase) { ["RealTime:MaxInvocationsPerMinute"] = "3" },
});

/// <summary>Calls over an open feed connection have a budget of their own: the HTTP rate limits never see them.</summary>
[Trait("Category", "RealTime")]
public sealed class HubCallBudgetTests(TightHubBudgetHost host) : IClassFixture<TightHubBudgetHost>
{
    private readonly FeedWorld world = new(host);

    [Fact]
    public async Task A_connection_that_calls_past_its_budget_is_refused_and_another_connection_is_not()
    {
        var (coach, member) = (await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, member);

        await using var looping = await ConnectAsync(member);
        for (var i = 0; i < 3; i++)
        {
            var channels = await looping.InvokeAsync("Join", group);
            Assert.Contains($"group:{group}", channels.EnumerateArray().Select(c => c.GetString()));
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => looping.InvokeAsync("Join", group));
        Assert.Contains("Too many calls", refused.Message, StringComparison.Ordinal);
        Assert.True(looping.IsOpen, "A refused call leaves the connection open.");

        await using var other = await ConnectAsync(member);
        var joined = await other.InvokeAsync("Join", group);
        Assert.Contains($"group:{group}", joined.EnumerateArray().Select(c => c.GetString()));
    }

    private async Task<HubClient> ConnectAsync(TestMember member)
    {
        var result = await HubClient.ConnectAsync(host.BaseAddress, "/hubs/feed", member.AccessToken);
        return result.Client ?? throw new InvalidOperationException($"Refused: {result.Status}");
    }
}
