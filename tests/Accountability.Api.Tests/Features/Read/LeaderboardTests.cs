using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Api.Tests.Features.Write;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>Boards: rank by consistency against each member's own plan, ties, rule versions, opt-outs, numbers visibility.</summary>
[Trait("Category", "Read")]
public sealed class LeaderboardTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Members_rank_by_consistency_then_streak_then_who_reached_it_first_and_a_new_rule_re_ranks_the_history()
    {
        var cohort = await host.CohortAsync(members: 5);
        var (perfect, late, early, newcomer, beginner) = (cohort.Member(0), cohort.Member(1), cohort.Member(2), cohort.Member(3), cohort.Member(4));
        await DaysDoneAsync(cohort, perfect, since: 10, skip: null);
        await DaysDoneAsync(cohort, late, since: 10, skip: 5);
        await DaysDoneAsync(cohort, early, since: 10, skip: 5, yesterdayEarlier: true);
        await DaysDoneAsync(cohort, newcomer, since: 3, skip: null);
        await DaysDoneAsync(cohort, beginner, since: 2, skip: null);
        await DaysDoneAsync(cohort, cohort.Coach, since: 10, skip: null);
        await host.SettleAsync();

        var board = await BoardAsync(late, cohort.GroupId);
        Assert.Equal("rolling-4-weeks", board.GetProperty("window").GetString());
        Assert.Equal(1, board.GetProperty("rule").GetProperty("version").GetInt32());
        Assert.Equal("consistency", board.GetProperty("rule").GetProperty("basis").GetString());
        AssertRows(board,
            (1, perfect, 10, 10, 10),
            (2, newcomer, 3, 3, 3),
            (3, early, 9, 10, 4),
            (4, late, 9, 10, 4),
            (null, beginner, 2, 2, 2));
        Assert.Equal(late.Id, board.GetProperty("you").GetProperty("memberId").GetGuid());
        Assert.Equal(4, board.GetProperty("you").GetProperty("rank").GetInt32());
        Assert.Equal(90.0m, board.GetProperty("you").GetProperty("percent").GetDecimal());
        var group = board.GetProperty("group");
        Assert.Equal(5, group.GetProperty("members").GetInt32());
        Assert.Equal(33, group.GetProperty("done").GetInt32());
        Assert.Equal(35, group.GetProperty("due").GetInt32());

        // The coach changes the rule: the whole history is ranked by done count now.
        var rule = await host.PutJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/leaderboard-rule", new { basis = "done-count", minimumDue = 3 }, HttpStatusCode.OK);
        Assert.Equal(2, rule.GetProperty("leaderboardRule").GetProperty("version").GetInt32());
        await host.SettleAsync();
        var recomputed = await BoardAsync(late, cohort.GroupId, "all-time");
        Assert.Equal(2, recomputed.GetProperty("rule").GetProperty("version").GetInt32());
        Assert.Equal("done-count", recomputed.GetProperty("rule").GetProperty("basis").GetString());
        AssertRows(recomputed,
            (1, perfect, 10, 10, 10),
            (2, early, 9, 10, 4),
            (3, late, 9, 10, 4),
            (4, newcomer, 3, 3, 3),
            (null, beginner, 2, 2, 2));

        // This week counts Monday to today in each member's own dates (today is still open).
        var week = await BoardAsync(perfect, cohort.GroupId, "this-week");
        var monday = ReadSteps.Today.AddDays(-(((int)ReadSteps.Today.DayOfWeek + 6) % 7));
        var perfectRow = week.Items("rows").Single(r => r.GetProperty("memberId").GetGuid() == perfect.Id);
        var expectedDue = Math.Min((ReadSteps.Today.DayNumber - monday.DayNumber), 10);
        Assert.Equal(expectedDue, perfectRow.GetProperty("due").GetInt32());
        Assert.Equal(expectedDue, perfectRow.GetProperty("done").GetInt32());
    }

    [Fact]
    public async Task A_member_who_opts_out_is_left_out_of_everyone_elses_board_but_sees_where_they_would_be()
    {
        var cohort = await host.CohortAsync(members: 3);
        var (first, second, third) = (cohort.Member(0), cohort.Member(1), cohort.Member(2));
        await DaysDoneAsync(cohort, first, since: 10, skip: null);
        await DaysDoneAsync(cohort, second, since: 10, skip: 5);
        await DaysDoneAsync(cohort, third, since: 10, skip: 4);
        using (var optOut = await host.ClientFor(second).PutAsync($"api/v1/groups/{cohort.GroupId}/rank-opt-out", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, optOut.StatusCode);
        }

        await host.SettleAsync();

        var others = await BoardAsync(first, cohort.GroupId);
        AssertRows(others, (1, first, 10, 10, 10), (2, third, 9, 10, 3));
        Assert.Equal(1, others.GetProperty("hiddenCount").GetInt32());

        var own = await BoardAsync(second, cohort.GroupId);
        AssertRows(own, (1, first, 10, 10, 10), (2, second, 9, 10, 4), (2, third, 9, 10, 3));
        Assert.True(own.Items("rows").ElementAt(1).GetProperty("hiddenFromOthers").GetBoolean());
        Assert.False(own.Items("rows").ElementAt(2).GetProperty("hiddenFromOthers").GetBoolean());
        Assert.Equal(0, own.GetProperty("hiddenCount").GetInt32());
    }

    [Fact]
    public async Task The_groups_numbers_visibility_decides_what_members_see_of_each_other_while_staff_see_everything()
    {
        var aggregate = await host.CohortAsync(members: 2, numbersVisibility: "aggregate-only");
        await DaysDoneAsync(aggregate, aggregate.Member(0), since: 10, skip: null);
        await DaysDoneAsync(aggregate, aggregate.Member(1), since: 10, skip: 5);
        var hidden = await host.CohortAsync(members: 2, numbersVisibility: "hidden");
        await DaysDoneAsync(hidden, hidden.Member(0), since: 10, skip: null);
        await DaysDoneAsync(hidden, hidden.Member(1), since: 10, skip: 5);
        await host.SettleAsync();

        var byMember = await BoardAsync(aggregate.Member(1), aggregate.GroupId);
        Assert.Equal("aggregate-only", byMember.GetProperty("numbersVisibility").GetString());
        var rows = byMember.Items("rows").ToList();
        Assert.Equal(new[] { aggregate.Member(0).Id, aggregate.Member(1).Id }, rows.Select(r => r.GetProperty("memberId").GetGuid()).ToArray());
        Assert.Equal(1, rows[0].GetProperty("rank").GetInt32());
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("percent").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[0].GetProperty("currentStreak").ValueKind);
        Assert.Equal(90.0m, rows[1].GetProperty("percent").GetDecimal());
        Assert.Equal(95.0m, byMember.GetProperty("group").GetProperty("percent").GetDecimal());

        var hiddenForMember = await BoardAsync(hidden.Member(1), hidden.GroupId);
        Assert.Equal(new[] { hidden.Member(1).Id }, hiddenForMember.Items("rows").Select(r => r.GetProperty("memberId").GetGuid()).ToArray());
        Assert.Equal(2, hiddenForMember.Items("rows").Single().GetProperty("rank").GetInt32());
        Assert.Equal(JsonValueKind.Null, hiddenForMember.GetProperty("group").ValueKind);

        var hiddenForCoach = await BoardAsync(hidden.Coach, hidden.GroupId);
        AssertRows(hiddenForCoach, (1, hidden.Member(0), 10, 10, 10), (2, hidden.Member(1), 9, 10, 4));
        Assert.Equal(JsonValueKind.Null, hiddenForCoach.GetProperty("you").ValueKind);
        Assert.Equal(95.0m, hiddenForCoach.GetProperty("group").GetProperty("percent").GetDecimal());
    }

    [Fact]
    public async Task An_unknown_window_gets_400_and_another_groups_member_gets_404()
    {
        var cohort = await host.CohortAsync(members: 1);
        var outsider = (await host.CohortAsync(members: 1)).Member(0);
        var problem = await host.GetJsonAsync(cohort.Member(0), $"/api/v1/groups/{cohort.GroupId}/leaderboard?window=forever", HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("window", out _));
        await host.GetJsonAsync(outsider, $"/api/v1/groups/{cohort.GroupId}/leaderboard", HttpStatusCode.NotFound);
    }

    /// <summary>A daily goal since <paramref name="since"/> days ago, done every day up to yesterday except <paramref name="skip"/> days ago.</summary>
    private async Task DaysDoneAsync(Cohort cohort, TestMember member, int since, int? skip, bool yesterdayEarlier = false)
    {
        var goal = await host.GoalSinceAsync(member, cohort.GroupId, since);
        for (var days = since; days >= 1; days--)
        {
            if (days == skip)
            {
                continue;
            }

            var at = ReadSteps.Evening(ReadSteps.DaysAgo(days));
            await host.CheckInAsync(member, cohort.GroupId, goal, ReadSteps.DaysAgo(days), at: days == 1 && yesterdayEarlier ? at.AddHours(-2) : at);
        }
    }

    private async Task<JsonElement> BoardAsync(TestMember viewer, Guid groupId, string? window = null) =>
        await host.GetJsonAsync(viewer, $"/api/v1/groups/{groupId}/leaderboard{(window is null ? string.Empty : "?window=" + window)}");

    private static void AssertRows(JsonElement board, params (int? Rank, TestMember Member, int Done, int Due, int Streak)[] expected)
    {
        var rows = board.Items("rows").ToList();
        Assert.Equal(
            expected.Select(e => $"{e.Rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"} {e.Member.DisplayName} {e.Done}/{e.Due} streak {e.Streak}").ToArray(),
            rows.Select(r => $"{(r.GetProperty("rank").ValueKind == JsonValueKind.Null ? "-" : r.GetProperty("rank").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture))} {r.GetProperty("displayName").GetString()} {r.GetProperty("done").GetInt32()}/{r.GetProperty("due").GetInt32()} streak {r.GetProperty("currentStreak").GetInt32()}").ToArray());
        Assert.Equal(expected.Select(e => e.Member.Id).ToArray(), rows.Select(r => r.GetProperty("memberId").GetGuid()).ToArray());
    }
}
