using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Tests.Infrastructure;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>Goals: set, read as visibility allows, revise from a date, change visibility, achieve, abandon.</summary>
public sealed class GoalTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static object NumberGoal(Guid? goalId = null, string visibility = "group") => new
    {
        goalId,
        title = "Drink water",
        why = "Headaches",
        measure = new { kind = "number", unit = "glasses", target = 8, direction = "at-least" },
        cadence = new { kind = "weekdays", days = new[] { "monday", "wednesday", "friday" } },
        reward = "New bottle",
        consequence = "No dessert",
        visibility,
    };

    [Fact]
    public async Task A_member_sets_a_goal_and_reads_it_back_with_its_etag()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var member = host.ClientFor(cohort.Member(0));
        using var response = await member.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals", NumberGoal());
        var goal = await ReadAsync(response, HttpStatusCode.Created);
        var goalId = goal.GetProperty("goalId").GetGuid();
        Assert.Equal($"/api/v1/goals/{goalId}", response.Headers.Location?.OriginalString);
        Assert.Equal("glasses", goal.GetProperty("measure").GetProperty("unit").GetString());
        Assert.Equal(new[] { "monday", "wednesday", "friday" }, goal.GetProperty("cadence").GetProperty("days").EnumerateArray().Select(d => d.GetString()).ToArray());
        Assert.Equal(Today().ToString("yyyy-MM-dd"), goal.GetProperty("startDate").GetString());
        Assert.Equal("active", goal.GetProperty("status").GetString());

        using var read = await member.GetAsync($"api/v1/goals/{goalId}");
        Assert.Equal("\"1\"", read.Headers.ETag?.Tag);
        var fetched = await ReadAsync(read, HttpStatusCode.OK);
        Assert.Equal("Headaches", fetched.GetProperty("why").GetString());
        Assert.Equal(8m, fetched.GetProperty("measure").GetProperty("target").GetDecimal());
    }

    [Fact]
    public async Task Other_members_see_a_group_goal_without_its_personal_parts_when_the_group_hides_numbers()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId, NumberGoal());
        var seen = await ReadAsync(await host.ClientFor(cohort.Member(1)).GetAsync($"api/v1/goals/{goalId}"), HttpStatusCode.OK);
        Assert.Equal("Drink water", seen.GetProperty("title").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("why").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, seen.GetProperty("measure").GetProperty("target").ValueKind);

        var coachView = await ReadAsync(await host.ClientFor(cohort.Coach).GetAsync($"api/v1/goals/{goalId}"), HttpStatusCode.OK);
        Assert.Equal("Headaches", coachView.GetProperty("why").GetString());
    }

    [Fact]
    public async Task A_coach_only_goal_is_a_404_for_other_members_and_a_partner_sees_a_partners_goal()
    {
        var cohort = await host.CreateCohortAsync(members: 3);
        var secret = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId, NumberGoal(visibility: "coach-only"));
        var shared = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId, NumberGoal(visibility: "partners-and-coach"));
        await host.PairAsync(cohort, cohort.Member(0), cohort.Member(1));

        using var hidden = await host.ClientFor(cohort.Member(2)).GetAsync($"api/v1/goals/{secret}");
        var problem = await ProblemAssert.IsProblemAsync(hidden, HttpStatusCode.NotFound);
        Assert.DoesNotContain("Drink water", problem.ToString(), StringComparison.Ordinal);
        using var notPartner = await host.ClientFor(cohort.Member(2)).GetAsync($"api/v1/goals/{shared}");
        await ProblemAssert.IsProblemAsync(notPartner, HttpStatusCode.NotFound);

        var partnerView = await ReadAsync(await host.ClientFor(cohort.Member(1)).GetAsync($"api/v1/goals/{shared}"), HttpStatusCode.OK);
        Assert.Equal("Headaches", partnerView.GetProperty("why").GetString());
        using var partnerSecret = await host.ClientFor(cohort.Member(1)).GetAsync($"api/v1/goals/{secret}");
        await ProblemAssert.IsProblemAsync(partnerSecret, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_goal_with_an_unknown_cadence_or_a_number_without_target_is_a_400_and_nothing_is_written()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var member = host.ClientFor(cohort.Member(0));
        var before = await host.EventCountAsync();
        using var cadence = await member.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals",
            new { title = "X", measure = new { kind = "done" }, cadence = new { kind = "hourly" } });
        await ProblemAssert.IsValidationProblemAsync(cadence, "cadence");

        using var target = await member.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals",
            new { title = "", measure = new { kind = "number", unit = "km" }, cadence = new { kind = "daily" } });
        var problem = await ProblemAssert.IsValidationProblemAsync(target, "title", "measure.target");
        Assert.Equal("urn:accountability:problem:goal.title-required", problem.GetProperty("type").GetString());
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task Setting_a_goal_in_another_group_is_a_404_and_retrying_with_the_same_goal_id_writes_once()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var other = await host.CreateCohortAsync(members: 0);
        using var elsewhere = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{other.GroupId}/goals", NumberGoal());
        var problem = await ProblemAssert.IsProblemAsync(elsewhere, HttpStatusCode.NotFound);
        Assert.DoesNotContain("Morning runners", problem.ToString(), StringComparison.Ordinal);

        var goalId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals", NumberGoal(goalId)), HttpStatusCode.Created);
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals", NumberGoal(goalId)), HttpStatusCode.Created);
        Assert.Equal(1, await host.EventCountAsync(Goal(goalId)));
    }

    [Fact]
    public async Task The_owner_revises_a_goal_from_tomorrow_and_a_stale_if_match_is_a_412()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var owner = host.ClientFor(cohort.Member(0));
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId, NumberGoal());
        var revised = await ReadAsync(
            await owner.SendJsonAsync(HttpMethod.Patch, $"api/v1/goals/{goalId}", new { effectiveFrom = Today().AddDays(1), cadence = new { kind = "daily" }, reason = "More often" }, ifMatch: "\"1\""),
            HttpStatusCode.OK);
        Assert.Equal("daily", revised.GetProperty("cadence").GetProperty("kind").GetString());
        Assert.Equal(1, revised.GetProperty("revision").GetInt32());
        Assert.Equal(2, revised.GetProperty("version").GetInt64());

        using var stale = await owner.SendJsonAsync(HttpMethod.Patch, $"api/v1/goals/{goalId}", new { title = "Lost" }, ifMatch: "\"1\"");
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "urn:accountability:problem:precondition-failed");

        using var past = await owner.SendJsonAsync(HttpMethod.Patch, $"api/v1/goals/{goalId}", new { effectiveFrom = Today().AddDays(-3), title = "Backdated" });
        await ProblemAssert.IsValidationProblemAsync(past, "effectiveFrom");
        Assert.Equal(new[] { "goal-set", "goal-revised" }, await host.EventTypesAsync(Goal(goalId)));
    }

    [Fact]
    public async Task Only_the_owner_changes_a_goal_others_who_see_it_get_403_and_others_404()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        using var byMember = await host.ClientFor(cohort.Member(1)).SendJsonAsync(HttpMethod.Put, $"api/v1/goals/{goalId}/visibility", new { visibility = "coach-only" });
        await ProblemAssert.IsProblemAsync(byMember, HttpStatusCode.Forbidden);
        using var byCoach = await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/goals/{goalId}/achieve", new { });
        await ProblemAssert.IsProblemAsync(byCoach, HttpStatusCode.Forbidden);
        var outsider = await host.RegisterAsync();
        using var byOutsider = await host.ClientFor(outsider).PostAsJsonAsync($"api/v1/goals/{goalId}/abandon", new { });
        await ProblemAssert.IsProblemAsync(byOutsider, HttpStatusCode.NotFound);
        Assert.Equal(1, await host.EventCountAsync(Goal(goalId)));
    }

    [Fact]
    public async Task Making_a_goal_coach_only_hides_it_from_the_group_at_once()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        await ReadAsync(await host.ClientFor(cohort.Member(1)).GetAsync($"api/v1/goals/{goalId}"), HttpStatusCode.OK);
        var changed = await ReadAsync(await host.ClientFor(cohort.Member(0)).SendJsonAsync(HttpMethod.Put, $"api/v1/goals/{goalId}/visibility", new { visibility = "coach-only" }), HttpStatusCode.OK);
        Assert.Equal("coach-only", changed.GetProperty("visibility").GetString());
        using var hidden = await host.ClientFor(cohort.Member(1)).GetAsync($"api/v1/goals/{goalId}");
        await ProblemAssert.IsProblemAsync(hidden, HttpStatusCode.NotFound);

        using var unknown = await host.ClientFor(cohort.Member(0)).SendJsonAsync(HttpMethod.Put, $"api/v1/goals/{goalId}/visibility", new { visibility = "everyone" });
        await ProblemAssert.IsValidationProblemAsync(unknown, "visibility");
    }

    [Fact]
    public async Task Achieving_a_goal_records_a_win_in_the_same_append_and_achieving_again_changes_nothing()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var owner = host.ClientFor(cohort.Member(0));
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        var closed = await ReadAsync(await owner.PostAsJsonAsync($"api/v1/goals/{goalId}/achieve", new { note = "Did it" }), HttpStatusCode.OK);
        Assert.Equal("achieved", closed.GetProperty("goal").GetProperty("status").GetString());
        Assert.Equal("goal-achieved", closed.GetProperty("wins")[0].GetProperty("kind").GetString());
        Assert.Equal(new[] { "goal-set", "goal-achieved", "win-recorded" }, await host.EventTypesAsync(Goal(goalId)));

        await ReadAsync(await owner.PostAsJsonAsync($"api/v1/goals/{goalId}/achieve", new { }), HttpStatusCode.OK);
        Assert.Equal(3, await host.EventCountAsync(Goal(goalId)));

        using var abandon = await owner.PostAsJsonAsync($"api/v1/goals/{goalId}/abandon", new { reason = "Changed mind" });
        await ProblemAssert.IsProblemAsync(abandon, HttpStatusCode.Conflict, "urn:accountability:problem:goal.closed");
    }

    [Fact]
    public async Task Abandoning_a_goal_closes_it_with_the_reason()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        var closed = await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/abandon", new { reason = "Injury" }), HttpStatusCode.OK);
        Assert.Equal("abandoned", closed.GetProperty("goal").GetProperty("status").GetString());
        Assert.Equal(0, closed.GetProperty("wins").GetArrayLength());
        Assert.Equal("abandoned", await host.ScalarAsync<string>("SELECT status FROM rm.goals WHERE goal_id = $1", goalId));
    }
}
