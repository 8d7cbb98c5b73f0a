using System.Globalization;
using System.Net;
using System.Text.Json;
using Accountability.Api.Tests.Features.Write;
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
        Assert.Equal(ReadSteps.DaysAgo(13), Date(current.GetProperty("firstDate")));
        Assert.Equal(ReadSteps.DaysAgo(1), Date(current.GetProperty("lastDate")));
        Assert.Equal(13, progress.GetProperty("bestStreak").GetProperty("length").GetInt32());
        Assert.Equal(0, progress.GetProperty("trailingMissed").GetInt32());

        // Last 7 days: 6..1 days ago done; today is open and not counted yet. Last 28: 19 of 20 settled days.
        AssertConsistency(progress.GetProperty("consistency7"), 6, 6, 100.0m);
        AssertConsistency(progress.GetProperty("consistency28"), 19, 20, 95.0m);
        AssertConsistency(progress.GetProperty("consistencyAllTime"), 19, 20, 95.0m);

        var today = progress.GetProperty("today");
        Assert.Equal(ReadSteps.Today, Date(today.GetProperty("date")));
        Assert.Equal(ReadSteps.Zone, today.GetProperty("timeZone").GetString());
        Assert.Equal(ReadSteps.Clock.ClosesAt(ReadSteps.Today), today.GetProperty("closesAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task As_of_a_past_date_shows_the_figures_as_they_stood_when_that_day_closed_and_explain_names_the_check_ins()
    {
        var cohort = await host.CohortAsync(members: 1);
        var member = cohort.Member(0);
        var goal = await host.GoalSinceAsync(member, cohort.GroupId, daysAgo: 10);
        var ids = new Dictionary<int, Guid>();
        foreach (var days in new[] { 10, 9, 8, 7, 6, 4, 3, 2, 1 })
        {
            ids[days] = await host.CheckInAsync(member, cohort.GroupId, goal, ReadSteps.DaysAgo(days));
        }

        await host.SettleAsync();

        var then = await host.GetJsonAsync(member, $"/api/v1/goals/{goal}/progress?asOf={ReadSteps.DaysAgo(6):yyyy-MM-dd}");
        Assert.Equal(ReadSteps.DaysAgo(6), Date(then.GetProperty("asOfDate")));
        Assert.Equal(ReadSteps.DaysAgo(6), Date(then.GetProperty("today").GetProperty("date")));
        Assert.Equal(5, then.GetProperty("currentStreak").GetProperty("length").GetInt32());
        Assert.Equal(5, then.GetProperty("bestStreak").GetProperty("length").GetInt32());
        AssertConsistency(then.GetProperty("consistency7"), 5, 5, 100.0m);
        Assert.Equal(ReadSteps.DaysAgo(6), Date(then.GetProperty("lastCheckInDate")));

        var now = await host.GetJsonAsync(member, $"/api/v1/goals/{goal}/progress");
        Assert.Equal(4, now.GetProperty("currentStreak").GetProperty("length").GetInt32());
        Assert.Equal(5, now.GetProperty("bestStreak").GetProperty("length").GetInt32());
        AssertConsistency(now.GetProperty("consistency28"), 9, 10, 90.0m);

        var explain = await host.GetJsonAsync(member, $"/api/v1/goals/{goal}/progress/explain");
        var figures = explain.Items("figures").ToDictionary(f => f.GetProperty("figure").GetString()!);
        Assert.Equal(
            ["current-streak", "best-streak", "streak-broken-by", "consistency-7", "consistency-28", "baseline-28", "consistency-all-time"],
            explain.Items("figures").Select(f => f.GetProperty("figure").GetString()!).ToArray());
        Assert.Equal(4, figures["current-streak"].GetProperty("value").GetInt32());
        Assert.Equal(new[] { ids[4], ids[3], ids[2], ids[1] }, EvidenceIds(figures["current-streak"]));
        Assert.Equal(new[] { ids[10], ids[9], ids[8], ids[7], ids[6] }, EvidenceIds(figures["best-streak"]));
        var broken = Assert.Single(figures["streak-broken-by"].Items("periods"));
        Assert.Equal("missed", broken.GetProperty("status").GetString());
        Assert.Equal(ReadSteps.DaysAgo(5), Date(broken.GetProperty("firstDate")));
        Assert.Empty(broken.Items("evidence"));
        var evidence = figures["current-streak"].Items("periods").First().Items("evidence").Single();
        Assert.Equal("check-in", evidence.GetProperty("kind").GetString());
        Assert.Equal($"goal-{goal:D}", evidence.GetProperty("streamId").GetString());
        Assert.Equal(9, figures["consistency-28"].GetProperty("consistency").GetProperty("done").GetInt32());
        Assert.Equal(10, figures["consistency-28"].Items("periods").Count());

        // Explain as of a date uses only what was known when it closed.
        var explainThen = await host.GetJsonAsync(member, $"/api/v1/goals/{goal}/progress/explain?asOf={ReadSteps.DaysAgo(6):yyyy-MM-dd}");
        var currentThen = explainThen.Items("figures").First(f => f.GetProperty("figure").GetString() == "current-streak");
        Assert.Equal(new[] { ids[10], ids[9], ids[8], ids[7], ids[6] }, EvidenceIds(currentThen));
    }

    [Fact]
    public async Task Figures_follow_goal_visibility_and_the_groups_numbers_setting_and_outsiders_get_404()
    {
        var cohort = await host.CohortAsync(members: 3, numbersVisibility: "aggregate-only");
        var (owner, partner, other) = (cohort.Member(0), cohort.Member(1), cohort.Member(2));
        await host.PairAsync(cohort, owner, partner);
        var shared = await host.GoalSinceAsync(owner, cohort.GroupId, daysAgo: 3, GoalVisibility.Group, "Run");
        var partnersOnly = await host.GoalSinceAsync(owner, cohort.GroupId, daysAgo: 3, GoalVisibility.PartnersAndCoach, "Sleep");
        var coachOnly = await host.GoalSinceAsync(owner, cohort.GroupId, daysAgo: 3, GoalVisibility.CoachOnly, "Weigh in");
        await host.CheckInsAsync(owner, cohort.GroupId, shared, 3, 2, 1);
        var outsider = (await host.CohortAsync(members: 1)).Member(0);
        await host.SettleAsync();

        var summary = await host.GetJsonAsync(other, $"/api/v1/goals/{shared}/progress");
        Assert.Equal("summary", summary.GetProperty("access").GetString());
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("currentStreak").ValueKind);
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("consistency7").ValueKind);
        Assert.Equal(ReadSteps.DaysAgo(1), Date(summary.GetProperty("lastCheckInDate")));
        await host.GetJsonAsync(other, $"/api/v1/goals/{shared}/progress/explain", HttpStatusCode.Forbidden);
        await host.GetJsonAsync(other, $"/api/v1/goals/{partnersOnly}/progress", HttpStatusCode.NotFound);

        var full = await host.GetJsonAsync(partner, $"/api/v1/goals/{shared}/progress");
        Assert.Equal("full", full.GetProperty("access").GetString());
        Assert.Equal(3, full.GetProperty("currentStreak").GetProperty("length").GetInt32());
        Assert.Equal("full", (await host.GetJsonAsync(partner, $"/api/v1/goals/{partnersOnly}/progress")).GetProperty("access").GetString());
        await host.GetJsonAsync(partner, $"/api/v1/goals/{coachOnly}/progress", HttpStatusCode.NotFound);
        Assert.Equal("full", (await host.GetJsonAsync(cohort.Coach, $"/api/v1/goals/{coachOnly}/progress")).GetProperty("access").GetString());

        await host.GetJsonAsync(outsider, $"/api/v1/goals/{shared}/progress", HttpStatusCode.NotFound);
        await host.GetJsonAsync(outsider, $"/api/v1/goals/{shared}/progress/explain", HttpStatusCode.NotFound);
        await host.GetJsonAsync(outsider, $"/api/v1/groups/{cohort.GroupId}/members/{owner.Id}/progress", HttpStatusCode.NotFound);

        // A member's goals in the group, each at the caller's access; the member's day only for those close to them.
        var byOther = await host.GetJsonAsync(other, $"/api/v1/groups/{cohort.GroupId}/members/{owner.Id}/progress");
        Assert.Equal(new[] { shared }, byOther.Items("goals").Select(g => g.GetProperty("goalId").GetGuid()).ToArray());
        Assert.Equal(JsonValueKind.Null, byOther.GetProperty("today").ValueKind);
        var byPartner = await host.GetJsonAsync(partner, $"/api/v1/groups/{cohort.GroupId}/members/{owner.Id}/progress");
        Assert.Equal(new[] { shared, partnersOnly }, byPartner.Items("goals").Select(g => g.GetProperty("goalId").GetGuid()).ToArray());
        Assert.Equal(ReadSteps.Today, Date(byPartner.GetProperty("today").GetProperty("date")));
        var byCoach = await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/members/{owner.Id}/progress");
        Assert.Equal(new[] { shared, partnersOnly, coachOnly }, byCoach.Items("goals").Select(g => g.GetProperty("goalId").GetGuid()).ToArray());
        Assert.All(byCoach.Items("goals"), g => Assert.Equal("full", g.GetProperty("access").GetString()));
        await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/members/{outsider.Id}/progress", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task As_of_dates_in_the_future_or_malformed_are_refused_with_400()
    {
        var cohort = await host.CohortAsync(members: 1);
        var goal = await host.GoalSinceAsync(cohort.Member(0), cohort.GroupId, daysAgo: 2);
        await host.SettleAsync();

        var future = await host.GetJsonAsync(cohort.Member(0), $"/api/v1/goals/{goal}/progress?asOf={ReadSteps.Today.AddDays(2):yyyy-MM-dd}", HttpStatusCode.BadRequest);
        Assert.True(future.GetProperty("errors").TryGetProperty("asOf", out _));
        await host.GetJsonAsync(cohort.Member(0), $"/api/v1/goals/{goal}/progress?asOf=yesterday", HttpStatusCode.BadRequest);
        await host.GetJsonAsync(cohort.Member(0), $"/api/v1/goals/{goal}/progress?asOf=1999-12-31", HttpStatusCode.BadRequest);
    }

    private static DateOnly Date(JsonElement value) => DateOnly.Parse(value.GetString()!, CultureInfo.InvariantCulture);

    private static Guid[] EvidenceIds(JsonElement figure) =>
        figure.Items("periods").SelectMany(p => p.Items("evidence")).Select(e => e.GetProperty("id").GetGuid()).ToArray();

    private static void AssertConsistency(JsonElement figure, int done, int due, decimal percent)
    {
        Assert.Equal(done, figure.GetProperty("done").GetInt32());
        Assert.Equal(due, figure.GetProperty("due").GetInt32());
        Assert.Equal(percent, figure.GetProperty("percent").GetDecimal());
    }
}
