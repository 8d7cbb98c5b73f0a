using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Tests.Infrastructure;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>Streak corrections: the member asks, a coach approves or rejects; a coach may excuse directly.</summary>
public sealed class CorrectionTests(ApiHost host) : IClassFixture<ApiHost>
{
    /// <summary>A goal set 5 days ago with check-ins on all days but 3 days ago (a missed day that broke the streak).</summary>
    private async Task<(Cohort Cohort, Guid GoalId, DateOnly Missed)> MissedDayAsync()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var member = cohort.Member(0);
        var goalId = await host.SetGoalInThePastAsync(member, cohort.GroupId, daysAgo: 5);
        foreach (var daysAgo in new[] { 5, 4, 2 })
        {
            await host.CheckInInThePastAsync(member, goalId, cohort.GroupId, daysAgo);
        }

        return (cohort, goalId, Today().AddDays(-3));
    }

    [Fact]
    public async Task A_member_asks_to_excuse_a_missed_day_and_the_coach_approves_it()
    {
        var (cohort, goalId, missed) = await MissedDayAsync();
        var correctionId = Guid.NewGuid();
        using var asked = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/corrections", new { correctionId, date = missed, reason = "Flu" });
        var request = await ReadAsync(asked, HttpStatusCode.Created);
        Assert.Equal("pending", request.GetProperty("correction").GetProperty("status").GetString());

        var pending = await ReadAsync(await host.ClientFor(cohort.Coach).GetAsync($"api/v1/groups/{cohort.GroupId}/corrections?status=pending"), HttpStatusCode.OK);
        Assert.Equal(correctionId, Assert.Single(pending.EnumerateArray()).GetProperty("correctionId").GetGuid());

        var approved = await ReadAsync(
            await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals/{goalId}/corrections/{correctionId}/approve", new { note = "Get well" }),
            HttpStatusCode.OK);
        Assert.Equal("approved", approved.GetProperty("correction").GetProperty("status").GetString());
        var one = await ReadAsync(await host.ClientFor(cohort.Member(0)).GetAsync($"api/v1/goals/{goalId}/corrections/{correctionId}"), HttpStatusCode.OK);
        Assert.Equal(missed.ToString("yyyy-MM-dd"), one.GetProperty("date").GetString());
        var mine = await ReadAsync(await host.ClientFor(cohort.Member(0)).GetAsync($"api/v1/goals/{goalId}/corrections"), HttpStatusCode.OK);
        Assert.Equal("approved", mine[0].GetProperty("status").GetString());
        Assert.Equal("Get well", mine[0].GetProperty("note").GetString());

        using var twice = await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals/{goalId}/corrections/{correctionId}/reject", new { });
        await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Conflict, "urn:accountability:problem:streak-correction.not-pending");
    }

    [Fact]
    public async Task The_coach_rejects_a_request_and_a_member_cannot_decide_corrections()
    {
        var (cohort, goalId, missed) = await MissedDayAsync();
        var correctionId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/corrections", new { correctionId, date = missed, reason = "Forgot" }), HttpStatusCode.Created);

        using var byMember = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals/{goalId}/corrections/{correctionId}/approve", new { });
        await ProblemAssert.IsProblemAsync(byMember, HttpStatusCode.Forbidden);

        var rejected = await ReadAsync(await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals/{goalId}/corrections/{correctionId}/reject", new { note = "Forgetting is a miss" }), HttpStatusCode.OK);
        Assert.Equal("rejected", rejected.GetProperty("correction").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_day_that_was_done_or_is_still_open_cannot_be_corrected_and_nothing_is_written()
    {
        var (cohort, goalId, _) = await MissedDayAsync();
        var before = await host.EventCountAsync(Goal(goalId));
        using var done = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/corrections", new { correctionId = Guid.NewGuid(), date = Today().AddDays(-2), reason = "?" });
        await ProblemAssert.IsProblemAsync(done, HttpStatusCode.Conflict, "urn:accountability:problem:streak-correction.day-was-done");
        using var open = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/corrections", new { correctionId = Guid.NewGuid(), date = Today(), reason = "?" });
        await ProblemAssert.IsProblemAsync(open, HttpStatusCode.Conflict, "urn:accountability:problem:streak-correction.day-still-open");
        using var noReason = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/corrections", new { correctionId = Guid.NewGuid(), date = Today().AddDays(-3), reason = "" });
        await ProblemAssert.IsValidationProblemAsync(noReason, "reason");
        Assert.Equal(before, await host.EventCountAsync(Goal(goalId)));
    }

    [Fact]
    public async Task A_coach_excuses_a_missed_day_directly_and_a_coach_of_another_group_gets_404()
    {
        var (cohort, goalId, missed) = await MissedDayAsync();
        var other = await host.CreateCohortAsync(members: 0);
        using var elsewhere = await host.ClientFor(other.Coach).PostAsJsonAsync($"api/v1/groups/{other.GroupId}/goals/{goalId}/corrections", new { correctionId = Guid.NewGuid(), date = missed, reason = "Outage" });
        await ProblemAssert.IsProblemAsync(elsewhere, HttpStatusCode.NotFound, "urn:accountability:problem:goal.not-found");

        var excused = await ReadAsync(
            await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/goals/{goalId}/corrections", new { correctionId = Guid.NewGuid(), date = missed, reason = "App outage" }),
            HttpStatusCode.Created);
        Assert.Equal("approved", excused.GetProperty("correction").GetProperty("status").GetString());
        var types = await host.EventTypesAsync(Goal(goalId));
        Assert.Equal(new[] { "streak-correction-requested", "streak-correction-approved" }, types.Where(t => t.StartsWith("streak", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public async Task Retrying_a_request_with_the_same_correction_id_writes_it_once()
    {
        var (cohort, goalId, missed) = await MissedDayAsync();
        var body = new { correctionId = Guid.NewGuid(), date = missed, reason = "Flu" };
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/corrections", body), HttpStatusCode.Created);
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/corrections", body), HttpStatusCode.Created);
        Assert.Equal(1, (await host.EventTypesAsync(Goal(goalId))).Count(t => t == "streak-correction-requested"));
    }
}
