using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Api.Tests.Features.Write;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Domain.Groups;
using StreamIds = Accountability.Domain.Common.StreamIds;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>The coach's dashboard, the "who needs me today" queue with its reasons, and a member's timeline.</summary>
[Trait("Category", "Read")]
public sealed class CoachViewTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_queue_orders_who_needs_the_coach_by_severity_then_waiting_time_with_a_reason_each_and_leaves_paused_members_out()
    {
        var cohort = await host.CohortAsync(members: 4);
        var (steady, stuck, lapsing, paused) = (cohort.Member(0), cohort.Member(1), cohort.Member(2), cohort.Member(3));
        var steadyGoal = await host.GoalSinceAsync(steady, cohort.GroupId, 20);
        await host.CheckInsAsync(steady, cohort.GroupId, steadyGoal, Enumerable.Range(1, 20).ToArray());

        // Done every day, but yesterday's check-in says "I'm stuck".
        var stuckGoal = await host.GoalSinceAsync(stuck, cohort.GroupId, 10);
        await host.CheckInsAsync(stuck, cohort.GroupId, stuckGoal, Enumerable.Range(2, 9).ToArray());
        var stuckCheckIn = await host.CheckInAsync(stuck, cohort.GroupId, stuckGoal, ReadSteps.DaysAgo(1), stuck: true);

        // Missed the two days before yesterday, which closed within the last 72 hours.
        var lapsingGoal = await host.GoalSinceAsync(lapsing, cohort.GroupId, 10);
        await host.CheckInsAsync(lapsing, cohort.GroupId, lapsingGoal, 10, 9, 8, 7, 6, 5, 4, 1);

        // The same lapse, but covered by a pause declared before it: neutral, never flagged.
        var pausedGoal = await host.GoalSinceAsync(paused, cohort.GroupId, 10);
        await host.CheckInsAsync(paused, cohort.GroupId, pausedGoal, 10, 9, 8, 7, 6, 5, 4);
        await host.PauseAsync(paused, ReadSteps.DaysAgo(3), ReadSteps.Today.AddDays(5), ReadSteps.Evening(ReadSteps.DaysAgo(4)));

        // Joined three days ago and never checked in.
        var silent = await host.RegisterAsync(displayName: "Quiet Quentin", timeZone: ReadSteps.Zone);
        var joinedAt = DateTimeOffset.UtcNow.AddDays(-3);
        await host.AppendAsync(StreamIds.Group(cohort.GroupId), new MemberJoined(cohort.GroupId, silent.Id, joinedAt));
        await host.SettleAsync();

        var queue = await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/coach/queue");
        var entries = queue.Items("entries").ToList();
        Assert.Equal(new[] { stuck.Id, lapsing.Id, silent.Id }, entries.Select(e => e.GetProperty("memberId").GetGuid()).ToArray());
        Assert.Equal(new[] { 4, 3, 2 }, entries.Select(e => e.GetProperty("severity").GetInt32()).ToArray());
        Assert.Equal(new[] { "unanswered-stuck" }, Reasons(entries[0]));
        Assert.Equal(ReadSteps.Evening(ReadSteps.DaysAgo(1)), entries[0].GetProperty("since").GetDateTimeOffset());
        Assert.Equal(new[] { "missed-check-ins", "consistency-drop" }, Reasons(entries[1]));
        Assert.Equal(ReadSteps.Clock.ClosesAt(ReadSteps.DaysAgo(3)), entries[1].GetProperty("since").GetDateTimeOffset());
        Assert.Contains(ReadSteps.DaysAgo(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), entries[1].Items("reasons").First().GetProperty("detail").GetString());
        Assert.Equal(new[] { "never-checked-in" }, Reasons(entries[2]));
        Assert.Equal(joinedAt.ToUnixTimeSeconds(), entries[2].GetProperty("since").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal("Quiet Quentin", entries[2].GetProperty("displayName").GetString());

        // A comment from the coach answers the stuck check-in: that member leaves the queue.
        await host.PostJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/items/{stuckCheckIn}/comments", new { commentId = Guid.NewGuid(), text = "Let's talk tomorrow" }, HttpStatusCode.Created);
        await host.SettleAsync();
        var after = await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/coach/queue");
        Assert.Equal(new[] { lapsing.Id, silent.Id }, after.Items("entries").Select(e => e.GetProperty("memberId").GetGuid()).ToArray());

        // The dashboard shows every member, the paused one marked as such.
        var dashboard = await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/coach/dashboard");
        var members = dashboard.Items("members").ToDictionary(m => m.GetProperty("memberId").GetGuid());
        Assert.Equal(5, members.Count);
        Assert.True(members[paused.Id].GetProperty("paused").GetBoolean());
        Assert.False(members[steady.Id].GetProperty("paused").GetBoolean());
        Assert.Equal(JsonValueKind.Null, members[stuck.Id].GetProperty("openStuck").ValueKind);
        Assert.Equal(JsonValueKind.Null, members[silent.Id].GetProperty("lastCheckInAt").ValueKind);
    }

    [Fact]
    public async Task The_dashboard_shows_each_members_last_check_in_consistency_streaks_open_stuck_nudges_and_pair_health()
    {
        var cohort = await host.CohortAsync(members: 3);
        var (runner, stuck, nudged) = (cohort.Member(0), cohort.Member(1), cohort.Member(2));
        var goal = await host.GoalSinceAsync(runner, cohort.GroupId, 20, title: "Run");
        await host.CheckInsAsync(runner, cohort.GroupId, goal, Enumerable.Range(1, 20).ToArray());
        var stuckGoal = await host.GoalSinceAsync(stuck, cohort.GroupId, 5, title: "Write");
        await host.CheckInsAsync(stuck, cohort.GroupId, stuckGoal, 5, 4, 3, 2);
        var stuckCheckIn = await host.CheckInAsync(stuck, cohort.GroupId, stuckGoal, ReadSteps.DaysAgo(1), stuck: true);
        var nudgedGoal = await host.SetGoalAsync(nudged, cohort.GroupId);
        var pair = await host.PairAsync(cohort, runner, stuck);

        // The coach nudges; the nudged member checks in: answered. A partner's nudge to the stuck member waits.
        await host.PostJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/members/{nudged.Id}/nudges", new { nudgeId = Guid.NewGuid(), message = "How is it going?" }, HttpStatusCode.Created);
        await host.PostJsonAsync(nudged, $"/api/v1/goals/{nudgedGoal}/check-ins", new { checkInId = Guid.NewGuid(), done = true }, HttpStatusCode.Created);
        await host.PostJsonAsync(runner, $"/api/v1/groups/{cohort.GroupId}/members/{stuck.Id}/nudges", new { nudgeId = Guid.NewGuid() }, HttpStatusCode.Created);
        await host.SettleAsync();

        var dashboard = await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/coach/dashboard");
        var members = dashboard.Items("members").ToList();
        Assert.Equal(new[] { runner.Id, stuck.Id, nudged.Id }, members.Select(m => m.GetProperty("memberId").GetGuid()).ToArray());

        var r = members[0];
        Assert.Equal("Member 1", r.GetProperty("displayName").GetString());
        Assert.Equal(ReadSteps.Evening(ReadSteps.DaysAgo(1)), r.GetProperty("lastCheckInAt").GetDateTimeOffset());
        Assert.Equal(6, r.GetProperty("consistency7").GetProperty("done").GetInt32());
        Assert.Equal(6, r.GetProperty("consistency7").GetProperty("due").GetInt32());
        Assert.Equal(20, r.GetProperty("consistency28").GetProperty("done").GetInt32());
        var runGoal = r.Items("goals").Single();
        Assert.Equal(("Run", 20, 20, "day"), (runGoal.GetProperty("title").GetString(), runGoal.GetProperty("currentStreak").GetInt32(), runGoal.GetProperty("bestStreak").GetInt32(), runGoal.GetProperty("unit").GetString()));
        Assert.Equal(new[] { stuck.Id }, r.Items("partners").Select(p => p.GetGuid()).ToArray());
        Assert.Equal((1, 0, 0, 0), Nudges(r));

        var s = members[1];
        Assert.Equal(stuckCheckIn, s.GetProperty("openStuck").GetProperty("checkInId").GetGuid());
        Assert.Equal(ReadSteps.Evening(ReadSteps.DaysAgo(1)), s.GetProperty("openStuck").GetProperty("since").GetDateTimeOffset());
        Assert.Equal(5, s.Items("goals").Single().GetProperty("currentStreak").GetInt32());
        Assert.Equal((0, 0, 1, 0), Nudges(s));

        var n = members[2];
        Assert.Equal((0, 0, 1, 1), Nudges(n));
        Assert.Equal(ReadSteps.Today, n.GetProperty("today").GetString() is { } today ? DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture) : default);
        Assert.True(n.GetProperty("lastCheckInAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        var pairHealth = dashboard.Items("pairs").Single();
        Assert.Equal(pair, pairHealth.GetProperty("pairId").GetGuid());
        Assert.Equal("new", pairHealth.GetProperty("health").GetString());
        Assert.Equal(0, pairHealth.GetProperty("pairStreak").GetInt32());
        Assert.True(pairHealth.GetProperty("lastInteractionAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task Members_get_403_on_coach_views_and_another_groups_coach_gets_404()
    {
        var cohort = await host.CohortAsync(members: 2);
        var other = await host.CohortAsync(members: 1);
        foreach (var view in new[] { "coach/dashboard", "coach/queue" })
        {
            await host.GetJsonAsync(cohort.Member(0), $"/api/v1/groups/{cohort.GroupId}/{view}", HttpStatusCode.Forbidden);
            await host.GetJsonAsync(other.Coach, $"/api/v1/groups/{cohort.GroupId}/{view}", HttpStatusCode.NotFound);
        }

        await host.GetJsonAsync(cohort.Member(0), $"/api/v1/groups/{cohort.GroupId}/members/{cohort.Member(1).Id}/timeline", HttpStatusCode.Forbidden);
        await host.GetJsonAsync(other.Coach, $"/api/v1/groups/{cohort.GroupId}/members/{cohort.Member(1).Id}/timeline", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_members_timeline_lists_what_happened_newest_first_in_pages_for_the_member_and_staff()
    {
        var cohort = await host.CohortAsync(members: 2);
        var (member, partner) = (cohort.Member(0), cohort.Member(1));
        var goal = await host.GoalSinceAsync(member, cohort.GroupId, 3, title: "Stretch");
        await host.CheckInsAsync(member, cohort.GroupId, goal, 3, 2);
        await host.PauseAsync(member, ReadSteps.Today.AddDays(1), ReadSteps.Today.AddDays(3), DateTimeOffset.UtcNow);
        await host.PairAsync(cohort, member, partner);
        await host.PostJsonAsync(partner, $"/api/v1/groups/{cohort.GroupId}/members/{member.Id}/nudges", new { nudgeId = Guid.NewGuid(), message = "Go!" }, HttpStatusCode.Created);
        await host.SettleAsync();

        var expected = new[] { "nudge-received", "paired", "pause-declared", "check-in", "check-in", "goal-set", "time-zone-changed", "joined" };
        var all = await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/members/{member.Id}/timeline");
        Assert.Equal(expected, all.Items("entries").Select(e => e.GetProperty("kind").GetString()!).ToArray());
        var nudge = all.Items("entries").First().GetProperty("data");
        Assert.Equal(partner.Id, nudge.GetProperty("from").GetGuid());
        Assert.Equal("Go!", nudge.GetProperty("message").GetString());
        var checkIn = all.Items("entries").ElementAt(3).GetProperty("data");
        Assert.Equal(goal, checkIn.GetProperty("goalId").GetGuid());
        Assert.Equal(ReadSteps.DaysAgo(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), checkIn.GetProperty("date").GetString());

        var page1 = await host.GetJsonAsync(member, $"/api/v1/groups/{cohort.GroupId}/members/{member.Id}/timeline?limit=4");
        Assert.Equal(expected[..4], page1.Items("entries").Select(e => e.GetProperty("kind").GetString()!).ToArray());
        var page2 = await host.GetJsonAsync(member, $"/api/v1/groups/{cohort.GroupId}/members/{member.Id}/timeline?limit=4&before={page1.GetProperty("nextBefore").GetInt64()}");
        Assert.Equal(expected[4..], page2.Items("entries").Select(e => e.GetProperty("kind").GetString()!).ToArray());
        Assert.Equal(JsonValueKind.Null, page2.GetProperty("nextBefore").ValueKind);
        await host.GetJsonAsync(member, $"/api/v1/groups/{cohort.GroupId}/members/{member.Id}/timeline?limit=0", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_member_who_leaves_drops_out_of_the_dashboard_the_queue_and_the_pairs()
    {
        var cohort = await host.CohortAsync(members: 2);
        var (staying, leaving) = (cohort.Member(0), cohort.Member(1));
        await host.PairAsync(cohort, staying, leaving);
        var goal = await host.GoalSinceAsync(leaving, cohort.GroupId, 10);
        await host.CheckInsAsync(leaving, cohort.GroupId, goal, 10, 9, 8);
        await host.SettleAsync();
        Assert.Equal(2, (await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/coach/dashboard")).Items("members").Count());

        await host.PostJsonAsync(leaving, $"/api/v1/groups/{cohort.GroupId}/leave", new { }, HttpStatusCode.NoContent);
        await host.SettleAsync();

        var dashboard = await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/coach/dashboard");
        Assert.Equal(new[] { staying.Id }, dashboard.Items("members").Select(m => m.GetProperty("memberId").GetGuid()).ToArray());
        Assert.Empty(dashboard.Items("pairs"));
        Assert.Empty(dashboard.Items("members").Single().Items("partners"));
        var queue = await host.GetJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/coach/queue");
        Assert.DoesNotContain(queue.Items("entries"), e => e.GetProperty("memberId").GetGuid() == leaving.Id);
        Assert.Equal(0, await host.ScalarAsync<long>($"SELECT count(*) FROM rm.progress_member_steps WHERE group_id = $1 AND member_id = $2", cohort.GroupId, leaving.Id));
    }

    private static string[] Reasons(JsonElement entry) => entry.Items("reasons").Select(r => r.GetProperty("reason").GetString()!).ToArray();

    private static (int Sent, int SentAnswered, int Received, int ReceivedAnswered) Nudges(JsonElement member)
    {
        var n = member.GetProperty("nudges");
        return (n.GetProperty("sent").GetInt32(), n.GetProperty("sentAnswered").GetInt32(), n.GetProperty("received").GetInt32(), n.GetProperty("receivedAnswered").GetInt32());
    }
}
