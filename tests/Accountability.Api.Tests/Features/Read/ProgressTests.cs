using System.Net;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Domain.Goals;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>Member progress: streaks, consistency, explain, as of, the day's close, and who sees which figures.</summary>
[Trait("Category", "Read")]
public sealed class ProgressTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_goal_shows_its_current_and_best_streak_consistency_and_when_today_closes()
    {
        var cohort = await host.CohortAsync(members: 1);
        var member = cohort.Member(0);
        var goal = await host.GoalSinceAsync(member, cohort.GroupId, daysAgo: 20);

        // Done 20..15 days ago (6 days), missed 14 days ago, done 13..1 days ago (13 days); today is still open.
        await host.CheckInsAsync(member, cohort.GroupId, goal, 20, 19, 18, 17, 16, 15);
        await host.CheckInsAsync(member, cohort.GroupId, goal, Enumerable.Range(1, 13).ToArray());
        await host.SettleAsync();

        var progress = await host.GetJsonAsync(member, $"/api/v1/goals/{goal}/progress");
        Assert.Equal("full", progress.GetProperty("access").GetString());
        var current = progress.GetProperty("currentStreak");
        Assert.Equal(13, current.GetProperty("length").GetInt32());
        Assert.Equal("day", current.GetProperty("unit").GetString());
        Assert.Equal(ReadSteps.DaysAgo(13), DateOnly.Parse(current.GetProperty("firstDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ReadSteps.DaysAgo(1), DateOnly.Parse(current.GetProperty("lastDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(13, progress.GetProperty("bestStreak").GetProperty("length").GetInt32());
        Assert.Equal(0, progress.GetProperty("trailingMissed").GetInt32());

        // Last 7 days: 6..1 days ago done; today is open and not counted yet. Last 28: 19 of 20 settled days.
        AssertConsistency(progress.GetProperty("consistency7"), 6, 6, 100.0m);
        AssertConsistency(progress.GetProperty("consistency28"), 19, 20, 95.0m);
        AssertConsistency(progress.GetProperty("consistencyAllTime"), 19, 20, 95.0m);

        var today = progress.GetProperty("today");
        Assert.Equal(ReadSteps.Today, DateOnly.Parse(today.GetProperty("date").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ReadSteps.Zone, today.GetProperty("timeZone").GetString());
        Assert.Equal(ReadSteps.Clock.ClosesAt(ReadSteps.Today), today.GetProperty("closesAt").GetDateTimeOffset());
    }

    private static void AssertConsistency(System.Text.Json.JsonElement figure, int done, int due, decimal percent)
    {
        Assert.Equal(done, figure.GetProperty("done").GetInt32());
        Assert.Equal(due, figure.GetProperty("due").GetInt32());
        Assert.Equal(percent, figure.GetProperty("percent").GetDecimal());
    }
}
