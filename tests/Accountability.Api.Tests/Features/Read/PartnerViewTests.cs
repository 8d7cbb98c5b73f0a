using System.Globalization;
using System.Net;
using System.Text.Json;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using StreamIds = Accountability.Domain.Common.StreamIds;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>What a partner sees of the other: shared goals, recent check-ins as written, and the pair streak.</summary>
[Trait("Category", "Read")]
public sealed class PartnerViewTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_partner_sees_the_goals_shared_with_partners_their_recent_check_ins_and_the_pair_streak()
    {
        var cohort = await host.CohortAsync(members: 3);
        var (owner, partner, other) = (cohort.Member(0), cohort.Member(1), cohort.Member(2));
        var run = await host.GoalSinceAsync(owner, cohort.GroupId, 6, GoalVisibility.Group, "Run");
        var sleep = await host.GoalSinceAsync(owner, cohort.GroupId, 6, GoalVisibility.PartnersAndCoach, "Sleep 8 hours");
        var weigh = await host.GoalSinceAsync(owner, cohort.GroupId, 6, GoalVisibility.CoachOnly, "Weigh in");
        for (var days = 6; days >= 1; days--)
        {
            await host.CheckInAsync(owner, cohort.GroupId, run, ReadSteps.DaysAgo(days), note: $"Run {days} days ago");
            await host.CheckInAsync(owner, cohort.GroupId, weigh, ReadSteps.DaysAgo(days), note: "81 kg");
        }

        await host.CheckInAsync(owner, cohort.GroupId, sleep, ReadSteps.DaysAgo(2), done: false, stuck: true, note: "Baby woke up");
        var partnerGoal = await host.GoalSinceAsync(partner, cohort.GroupId, 6);
        await host.CheckInsAsync(partner, cohort.GroupId, partnerGoal, 6, 5, 4, 3, 2, 1);
        var pairId = Guid.NewGuid();
        var pairedAt = ReadSteps.Clock.StartsAt(ReadSteps.DaysAgo(6)).AddHours(9);
        await host.AppendAsync(StreamIds.Group(cohort.GroupId), new PartnersPaired(cohort.GroupId, pairId, owner.Id, partner.Id, null, cohort.Coach.Id, pairedAt));
        var outsider = (await host.CohortAsync(members: 1)).Member(0);
        await host.SettleAsync();

        var view = await host.GetJsonAsync(partner, $"/api/v1/groups/{cohort.GroupId}/partners/{owner.Id}/view");
        Assert.Equal("Member 1", view.GetProperty("displayName").GetString());
        Assert.Equal(ReadSteps.Today, Date(view.GetProperty("today").GetProperty("date")));
        var goals = view.Items("goals").ToList();
        Assert.Equal(new[] { run, sleep }, goals.Select(g => g.GetProperty("goalId").GetGuid()).ToArray());
        Assert.Equal(6, goals[0].GetProperty("currentStreak").GetProperty("length").GetInt32());
        Assert.Equal(6, goals[0].GetProperty("consistency7").GetProperty("done").GetInt32());
        var runCheckIns = goals[0].Items("recentCheckIns").ToList();
        Assert.Equal(Enumerable.Range(1, 6).Select(ReadSteps.DaysAgo).ToArray(), runCheckIns.Select(c => Date(c.GetProperty("date"))).ToArray());
        Assert.Equal("Run 1 days ago", runCheckIns[0].GetProperty("note").GetString());
        var sleepCheckIn = goals[1].Items("recentCheckIns").Single();
        Assert.False(sleepCheckIn.GetProperty("done").GetBoolean());
        Assert.True(sleepCheckIn.GetProperty("stuck").GetBoolean());
        Assert.Equal("Baby woke up", sleepCheckIn.GetProperty("note").GetString());

        var streak = view.GetProperty("pairStreak");
        Assert.Equal(pairId, streak.GetProperty("pairId").GetGuid());
        Assert.Equal(6, streak.GetProperty("current").GetInt32());
        Assert.Equal(6, streak.GetProperty("best").GetInt32());
        Assert.Equal(ReadSteps.DaysAgo(6), Date(streak.GetProperty("since")));
        Assert.Equal(ReadSteps.Today, Date(streak.GetProperty("atRiskDate")));
        Assert.Equal(ReadSteps.Clock.ClosesAt(ReadSteps.Today), streak.GetProperty("saveBy").GetDateTimeOffset());

        // The coach sees every goal and no pair streak; the member sees their own; others: 403; outsiders: 404.
        var byCoach = await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/partners/{owner.Id}/view");
        Assert.Equal(new[] { run, sleep, weigh }, byCoach.Items("goals").Select(g => g.GetProperty("goalId").GetGuid()).ToArray());
        Assert.Equal(JsonValueKind.Null, byCoach.GetProperty("pairStreak").ValueKind);
        var bySelf = await host.GetJsonAsync(owner, $"/api/v1/groups/{cohort.GroupId}/partners/{owner.Id}/view");
        Assert.Equal(3, bySelf.Items("goals").Count());
        await host.GetJsonAsync(other, $"/api/v1/groups/{cohort.GroupId}/partners/{owner.Id}/view", HttpStatusCode.Forbidden);
        await host.GetJsonAsync(outsider, $"/api/v1/groups/{cohort.GroupId}/partners/{owner.Id}/view", HttpStatusCode.NotFound);
    }

    private static DateOnly Date(JsonElement value) => DateOnly.Parse(value.GetString()!, CultureInfo.InvariantCulture);
}
