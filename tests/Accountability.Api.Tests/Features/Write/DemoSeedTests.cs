using System.Net;
using Accountability.Api.Demo;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

public sealed class DemoHost() : ApiHost(new ApiHostOptions
{
    DatabasePrefix = "demo",
    Settings = { ["Demo:Enabled"] = "true" },
});

/// <summary>The demo cohort: seeded once on an empty database through the real decisions, never twice.</summary>
public sealed class DemoSeedTests(DemoHost host) : IClassFixture<DemoHost>
{
    private const string Coach = "coach@demo.accountability.test";

    [Fact]
    public async Task An_empty_database_gets_a_living_cohort_the_coach_can_sign_into()
    {
        Assert.True(await host.Services.GetRequiredService<DemoSeedStatus>().Completion.WaitAsync(TimeSpan.FromMinutes(3)));
        var tokens = await host.LoginAsync(Coach, "steady-progress-42");
        var coach = host.CreateClient(tokens.AccessToken);

        var groups = await ReadAsync(await coach.GetAsync("api/v1/groups"), HttpStatusCode.OK);
        var group = Assert.Single(groups.EnumerateArray());
        Assert.Equal("Spring Momentum Cohort", group.GetProperty("name").GetString());
        Assert.Equal("coach", group.GetProperty("yourRole").GetString());
        Assert.Equal(3, group.GetProperty("prompts").GetArrayLength());
        var groupId = group.GetProperty("groupId").GetGuid();

        var roster = await ReadAsync(await coach.GetAsync($"api/v1/groups/{groupId}/members"), HttpStatusCode.OK);
        Assert.Equal(13, roster.EnumerateArray().Count(m => m.GetProperty("status").GetString() == "active"));
        Assert.Equal(5, (await ReadAsync(await coach.GetAsync($"api/v1/groups/{groupId}/pairs"), HttpStatusCode.OK)).GetArrayLength());
        var pending = await ReadAsync(await coach.GetAsync($"api/v1/groups/{groupId}/corrections?status=pending"), HttpStatusCode.OK);
        Assert.Single(pending.EnumerateArray());

        async Task<long> Count(string type) => await host.ScalarAsync<long>("SELECT count(*) FROM es.events WHERE type = $1", type);
        Assert.InRange(await Count("check-in-posted"), 300, 800);
        Assert.True(await Count("win-recorded") >= 5, "streak milestones, a comeback, an unstuck and a goal achieved");
        Assert.True(await Count("group-win-recorded") >= 1);
        Assert.Equal(6, await Count("announcement-posted"));
        Assert.Equal(1, await Count("pause-declared"));
        Assert.Equal(1, await Count("streak-correction-approved"));
        Assert.Equal(1, await Count("goal-achieved"));
        Assert.Equal(1, await Count("goal-abandoned"));
        Assert.True(await Count("kudos-given") >= 50);
        Assert.True(await Count("comment-posted") >= 5);
        Assert.True(await Count("nudge-sent") >= 5);
        Assert.Contains("3", await WinKindsAsync()); // WinKind.Comeback
        Assert.Contains("4", await WinKindsAsync()); // WinKind.Unstuck

        // A member signs in and checks the day of their goal.
        var maya = host.CreateClient((await host.LoginAsync("maya@demo.accountability.test", "steady-progress-42")).AccessToken);
        var today = await ReadAsync(await maya.GetAsync($"api/v1/groups/{groupId}/today"), HttpStatusCode.OK);
        Assert.Equal("Europe/London", today.GetProperty("timeZoneId").GetString());
    }

    [Fact]
    public async Task Starting_again_on_the_same_database_seeds_nothing()
    {
        Assert.True(await host.Services.GetRequiredService<DemoSeedStatus>().Completion.WaitAsync(TimeSpan.FromMinutes(3)));
        var before = await host.EventCountAsync();
        await using var again = await ApiHost.StartAsync(new ApiHostOptions { ConnectionString = host.ConnectionString, Settings = { ["Demo:Enabled"] = "true" } });
        Assert.False(await again.Services.GetRequiredService<DemoSeedStatus>().Completion.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(before, await host.EventCountAsync());
    }

    private async Task<IReadOnlyList<string>> WinKindsAsync()
    {
        var kinds = new List<string>();
        await using var connection = new Npgsql.NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT DISTINCT data->>'kind' FROM es.events WHERE type = 'win-recorded'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            kinds.Add(reader.GetString(0));
        }

        return kinds;
    }
}
