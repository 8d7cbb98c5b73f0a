using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Tests.Infrastructure;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>Check-ins: one per goal and local date, amended by posting again; the open window; wins in the same append.</summary>
public sealed class CheckInTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_member_checks_in_for_today_and_learns_when_the_day_closes()
    {
        var cohort = await host.CreateCohortAsync(members: 1, settings: new
        {
            name = "Prompted",
            timeZoneId = "Europe/Paris",
            prompts = new[] { new { promptId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), text = "What helped?" } },
        });
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        var checkInId = Guid.NewGuid();
        using var response = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new
        {
            checkInId,
            done = true,
            note = "Easy 5k",
            answers = new[] { new { promptId = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"), text = "Music" } },
            mood = 4,
        });

        var checkIn = await ReadAsync(response, HttpStatusCode.Created);
        var today = Today();
        Assert.Equal($"/api/v1/goals/{goalId}/check-ins/{today:yyyy-MM-dd}", response.Headers.Location?.OriginalString);
        Assert.Equal(today.ToString("yyyy-MM-dd"), checkIn.GetProperty("date").GetString());
        Assert.True(checkIn.GetProperty("done").GetBoolean());
        Assert.Equal("Music", checkIn.GetProperty("answers")[0].GetProperty("text").GetString());
        Assert.Equal("Europe/Paris", checkIn.GetProperty("timeZoneId").GetString());
        Assert.False(checkIn.GetProperty("amended").GetBoolean());
        var closes = checkIn.GetProperty("dayClosesAt").GetDateTimeOffset();
        var parisNoonTomorrow = TimeZoneInfo.ConvertTime(closes, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        Assert.Equal((today.AddDays(1), 12, 0), (DateOnly.FromDateTime(parisNoonTomorrow.DateTime), parisNoonTomorrow.Hour, parisNoonTomorrow.Minute));
        Assert.Equal(new[] { "goal-set", "check-in-posted" }, await host.EventTypesAsync(Goal(goalId)));
    }

    [Fact]
    public async Task Posting_again_for_the_same_date_amends_the_check_in_and_keeps_its_history()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        var client = host.ClientFor(cohort.Member(0));
        await ReadAsync(await client.PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId = Guid.NewGuid(), done = false }), HttpStatusCode.Created);
        var amended = await ReadAsync(await client.PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId = Guid.NewGuid(), done = true, note = "Late run" }), HttpStatusCode.OK);
        Assert.True(amended.GetProperty("amended").GetBoolean());
        Assert.True(amended.GetProperty("done").GetBoolean());
        Assert.Equal(new[] { "goal-set", "check-in-posted", "check-in-amended" }, await host.EventTypesAsync(Goal(goalId)));
    }

    [Fact]
    public async Task Retrying_with_the_same_check_in_id_or_idempotency_key_writes_one_event()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        var client = host.ClientFor(cohort.Member(0));
        var body = new { checkInId = Guid.NewGuid(), done = true };
        var key = Guid.NewGuid().ToString();
        await ReadAsync(await client.SendJsonAsync(HttpMethod.Post, $"api/v1/goals/{goalId}/check-ins", body, idempotencyKey: key), HttpStatusCode.Created);
        using var replay = await client.SendJsonAsync(HttpMethod.Post, $"api/v1/goals/{goalId}/check-ins", body, idempotencyKey: key);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        await ReadAsync(await client.PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", body), HttpStatusCode.OK);
        Assert.Equal(2, await host.EventCountAsync(Goal(goalId)));
    }

    [Fact]
    public async Task A_future_date_is_refused_saying_which_day_it_is_and_nothing_is_written()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        using var response = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins",
            new { checkInId = Guid.NewGuid(), date = Today().AddDays(2), done = true });
        var problem = await ProblemAssert.IsValidationProblemAsync(response, "date");
        Assert.Equal("urn:accountability:problem:check-in.future-date", problem.GetProperty("type").GetString());
        Assert.Contains("has not begun", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await host.EventCountAsync(Goal(goalId)));
    }

    [Fact]
    public async Task A_date_past_the_grace_window_is_refused_saying_when_the_day_closed()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var goalId = await host.SetGoalInThePastAsync(cohort.Member(0), cohort.GroupId, daysAgo: 5);
        var closedDay = Today().AddDays(-3);
        using var response = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins",
            new { checkInId = Guid.NewGuid(), date = closedDay, done = true });
        var problem = await ProblemAssert.IsValidationProblemAsync(response, "date");
        Assert.Equal("urn:accountability:problem:check-in.outside-grace-window", problem.GetProperty("type").GetString());
        Assert.StartsWith($"{closedDay:yyyy-MM-dd} closed at {closedDay.AddDays(1):yyyy-MM-dd} 12:00 Europe/Paris", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await host.EventCountAsync(Goal(goalId)));
    }

    [Fact]
    public async Task A_number_goal_needs_a_value_and_done_follows_the_target()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId, new
        {
            title = "Read",
            measure = new { kind = "number", unit = "pages", target = 20 },
            cadence = new { kind = "daily" },
        });
        var client = host.ClientFor(cohort.Member(0));
        using var missing = await client.PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId = Guid.NewGuid(), done = true, mood = 9 });
        await ProblemAssert.IsValidationProblemAsync(missing, "value", "mood");

        var met = await ReadAsync(await client.PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId = Guid.NewGuid(), value = 25 }), HttpStatusCode.Created);
        Assert.True(met.GetProperty("done").GetBoolean());
        Assert.Equal(25m, met.GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task An_answer_to_a_question_the_group_does_not_ask_is_a_400()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        using var response = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins",
            new { checkInId = Guid.NewGuid(), done = true, answers = new[] { new { promptId = Guid.NewGuid(), text = "?" } } });
        await ProblemAssert.IsValidationProblemAsync(response, "answers[0].promptId");
    }

    [Fact]
    public async Task Only_the_owner_checks_in_a_member_who_sees_the_goal_gets_403_and_an_outsider_404()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        using var byMember = await host.ClientFor(cohort.Member(1)).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId = Guid.NewGuid(), done = true });
        await ProblemAssert.IsProblemAsync(byMember, HttpStatusCode.Forbidden);
        var outsider = await host.RegisterAsync();
        using var byOutsider = await host.ClientFor(outsider).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId = Guid.NewGuid(), done = true });
        await ProblemAssert.IsProblemAsync(byOutsider, HttpStatusCode.NotFound);
        Assert.Equal(1, await host.EventCountAsync(Goal(goalId)));
    }

    [Fact]
    public async Task The_seventh_day_in_a_row_records_a_streak_milestone_win_in_the_same_append()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var member = cohort.Member(0);
        var goalId = await host.SetGoalInThePastAsync(member, cohort.GroupId, daysAgo: 6);
        for (var daysAgo = 6; daysAgo >= 1; daysAgo--)
        {
            await host.CheckInInThePastAsync(member, goalId, cohort.GroupId, daysAgo);
        }

        var checkIn = await ReadAsync(await host.ClientFor(member).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId = Guid.NewGuid(), done = true }), HttpStatusCode.Created);
        var win = Assert.Single(checkIn.GetProperty("wins").EnumerateArray());
        Assert.Equal("streak-milestone", win.GetProperty("kind").GetString());
        Assert.Equal(7, win.GetProperty("value").GetInt32());
        Assert.Equal("7-day streak", win.GetProperty("summary").GetString());
        var types = await host.EventTypesAsync(Goal(goalId));
        Assert.Equal(new[] { "check-in-posted", "win-recorded" }, types.TakeLast(2).ToArray());
        Assert.Equal(1, await host.ScalarAsync<long>("SELECT count(*) FROM rm.group_items WHERE group_id = $1 AND kind = 'win'", cohort.GroupId));
    }

    [Fact]
    public async Task Checking_in_again_after_being_stuck_records_an_unstuck_win()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var member = cohort.Member(0);
        var goalId = await host.SetGoalInThePastAsync(member, cohort.GroupId, daysAgo: 2);
        await host.CheckInInThePastAsync(member, goalId, cohort.GroupId, daysAgo: 1, done: false, stuck: true);
        var checkIn = await ReadAsync(await host.ClientFor(member).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId = Guid.NewGuid(), done = true }), HttpStatusCode.Created);
        Assert.Contains(checkIn.GetProperty("wins").EnumerateArray(), w => w.GetProperty("kind").GetString() == "unstuck");
    }

    [Fact]
    public async Task Eighty_percent_of_the_group_checked_in_today_is_a_group_win_recorded_once()
    {
        var cohort = await host.CreateCohortAsync(members: 3);
        var goals = new List<Guid>();
        foreach (var member in cohort.Members)
        {
            goals.Add(await host.SetGoalAsync(member, cohort.GroupId));
        }

        for (var i = 0; i < 3; i++)
        {
            await ReadAsync(await host.ClientFor(cohort.Member(i)).PostAsJsonAsync($"api/v1/goals/{goals[i]}/check-ins", new { checkInId = Guid.NewGuid(), done = true }), HttpStatusCode.Created);
        }

        var types = await host.EventTypesAsync(Group(cohort.GroupId));
        Assert.Equal(1, types.Count(t => t == "group-win-recorded"));
        Assert.Equal("group-win-recorded", types[^1]);
    }

    [Fact]
    public async Task Today_says_when_the_members_day_closes_in_the_group()
    {
        var cohort = await host.CreateCohortAsync(members: 1, timeZone: "Asia/Tokyo");
        var today = await ReadAsync(await host.ClientFor(cohort.Member(0)).GetAsync($"api/v1/groups/{cohort.GroupId}/today"), HttpStatusCode.OK);
        Assert.Equal(Today("Asia/Tokyo").ToString("yyyy-MM-dd"), today.GetProperty("date").GetString());
        Assert.Equal("Asia/Tokyo", today.GetProperty("timeZoneId").GetString());
        Assert.Equal(720, today.GetProperty("graceMinutes").GetInt32());
        var closes = TimeZoneInfo.ConvertTime(today.GetProperty("closesAt").GetDateTimeOffset(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        Assert.Equal(12, closes.Hour);
        Assert.Contains(today.GetProperty("openDates").EnumerateArray(), d => d.GetProperty("date").GetString() == today.GetProperty("date").GetString());
        Assert.False(string.IsNullOrEmpty(today.GetProperty("tzdbVersion").GetString()));

        var outsider = await host.RegisterAsync();
        using var hidden = await host.ClientFor(outsider).GetAsync($"api/v1/groups/{cohort.GroupId}/today");
        await ProblemAssert.IsProblemAsync(hidden, HttpStatusCode.NotFound);
    }
}
