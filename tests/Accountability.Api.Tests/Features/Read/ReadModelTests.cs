using System.Net;
using System.Text.Json;
using Accountability.Api.Features.CoachViews;
using Accountability.Api.Features.Feed;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Tests.Features.Write;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Domain.CoachViews;
using Accountability.Domain.Goals;
using Accountability.EventStore.Projections;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Cohort = Accountability.Api.Tests.Features.Write.Cohort;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>
/// Guarantees of the read models themselves: a rebuild from the log writes the live rows again, row for row; and the
/// figures stored per step equal what the domain computes at any instant inside the step.
/// </summary>
[Trait("Category", "Read")]
public sealed class ReadModelTests(ApiHost host) : IClassFixture<ApiHost>
{
    public static TheoryData<string> Projections => new() { CohortProgressProjection.ProjectionName, FeedProjection.ProjectionName, TimelineProjection.ProjectionName };

    [Theory]
    [MemberData(nameof(Projections))]
    public async Task A_rebuilt_projection_equals_the_live_one_row_for_row(string projection)
    {
        await ArrangeAsync();
        var tables = TablesOf(projection);
        var live = await RowsAsync(tables);
        Assert.All(tables, t => Assert.NotEmpty(live[t]));

        await host.Services.GetRequiredService<IProjectionAdmin>().RebuildAsync(projection, TimeSpan.FromSeconds(60));
        await host.SettleAsync();
        var rebuilt = await RowsAsync(tables);

        foreach (var table in tables)
        {
            Assert.True(live[table].SequenceEqual(rebuilt[table]), $"{table}: {live[table].Count} live rows, {rebuilt[table].Count} rebuilt; first difference: " +
                live[table].Except(rebuilt[table]).Concat(rebuilt[table].Except(live[table])).FirstOrDefault());
        }
    }

    [Fact]
    public async Task Step_figures_equal_the_domains_figures_at_any_instant_inside_the_step_and_members_past_their_steps_are_computed()
    {
        var cohort = await ArrangeAsync();
        var reader = host.Services.GetRequiredService<CohortReader>();
        var now = DateTimeOffset.UtcNow;
        foreach (var at in new[] { now, now.AddHours(7), now.AddHours(20), now.AddHours(33), now.AddHours(46), now.AddDays(4) })
        {
            var fromSteps = await reader.CohortAsync(cohort.GroupId, at, withPairs: true, default);
            Assert.NotNull(fromSteps);
            Assert.Equal(cohort.Members.Count + 1, fromSteps.Members.Count);
            foreach (var member in fromSteps.Members)
            {
                var inputs = await reader.MemberAsync(cohort.GroupId, member.MemberId, default);
                var expected = CohortCalculator.FiguresAt(inputs!, at);

                // The queue's input keeps the misses of a 72-hour look-back from the step's start; the queue itself
                // looks back from "now", so compare the queue the domain builds, and every other figure as is.
                Assert.Equal(ReadModelJson.Serialize(expected with { Queue = null! }), ReadModelJson.Serialize(member.Figures with { Queue = null! }));
                Assert.Equal(ReadModelJson.Serialize(CoachQueue.Assess(expected.Queue, at)), ReadModelJson.Serialize(CoachQueue.Assess(member.Figures.Queue, at)));
                Assert.Equal(
                    ReadModelJson.Serialize(expected.Queue with { RecentlyMissed = [] }),
                    ReadModelJson.Serialize(member.Figures.Queue with { RecentlyMissed = [] }));
            }

            var pair = Assert.Single(fromSteps.Pairs);
            var first = await reader.MemberAsync(cohort.GroupId, pair.FirstMemberId, default);
            var second = await reader.MemberAsync(cohort.GroupId, pair.SecondMemberId, default);
            var expectedPair = CohortCalculator.PairAt(first!.Group.Pairs[pair.PairId], first, second!, at);
            Assert.Equal(ReadModelJson.Serialize(expectedPair), ReadModelJson.Serialize(pair.Figures));
        }

        // Steps cover two days ahead: within them a query reads one stored step per member, after them it computes.
        var covered = await host.ScalarAsync<long>(
            $"SELECT count(*) FROM {CohortTables.MemberSteps} WHERE group_id = $1 AND valid_from <= $2 AND valid_to > $2", cohort.GroupId, now.AddHours(46));
        Assert.Equal(cohort.Members.Count + 1, covered);
        var beyond = await host.ScalarAsync<long>(
            $"SELECT count(*) FROM {CohortTables.MemberSteps} WHERE group_id = $1 AND valid_to > $2", cohort.GroupId, now.AddDays(4));
        Assert.Equal(0, beyond);
    }

    [Fact]
    public async Task An_amendment_of_the_note_alone_rewrites_the_check_in_row_and_leaves_the_goal_and_the_steps_as_they_were()
    {
        var cohort = await host.CohortAsync(members: 1);
        var member = cohort.Member(0);
        var goal = await host.SetGoalAsync(member, cohort.GroupId);
        var url = $"/api/v1/goals/{goal}/check-ins";
        await host.PostJsonAsync(member, url, new { checkInId = Guid.NewGuid(), done = true, note = "5 km", mood = 4 }, HttpStatusCode.Created);
        await host.SettleAsync();
        var posted = await FiguresOfAsync(cohort.GroupId, member.Id, goal);

        await host.PostJsonAsync(member, url, new { checkInId = Guid.NewGuid(), done = true, note = "5 km, and it rained", mood = 4 }, HttpStatusCode.OK);
        await host.SettleAsync();
        Assert.Equal(posted, await FiguresOfAsync(cohort.GroupId, member.Id, goal));
        Assert.Equal("5 km, and it rained", await host.ScalarAsync<string>($"SELECT note FROM {CohortTables.CheckIns} WHERE goal_id = $1", goal));

        // Anything the figures read (here the mood) makes the goal and the member's steps move on.
        await host.PostJsonAsync(member, url, new { checkInId = Guid.NewGuid(), done = true, note = "5 km, and it rained", mood = 2 }, HttpStatusCode.OK);
        await host.SettleAsync();
        var moved = await FiguresOfAsync(cohort.GroupId, member.Id, goal);
        Assert.NotEqual(posted.Goal, moved.Goal);
        Assert.NotEqual(posted.Steps, moved.Steps);
    }

    /// <summary>A goal's stored state, and its member's steps and roster row, as text.</summary>
    private async Task<(string Goal, string Steps, string Member)> FiguresOfAsync(Guid groupId, Guid memberId, Guid goalId) =>
        ((await host.ScalarAsync<string>($"SELECT t::text FROM {CohortTables.Goals} t WHERE goal_id = $1", goalId))!,
         (await host.ScalarAsync<string>($"SELECT string_agg(t::text, E'\\n' ORDER BY valid_from) FROM {CohortTables.MemberSteps} t WHERE group_id = $1 AND member_id = $2", groupId, memberId))!,
         (await host.ScalarAsync<string>($"SELECT t::text FROM {CohortTables.Members} t WHERE group_id = $1 AND member_id = $2", groupId, memberId))!);

    /// <summary>A cohort with history in every read model: goals of every visibility, misses, amendments, stuck, pauses, pairs, comments, kudos, reports, hides, nudges.</summary>
    private async Task<Cohort> ArrangeAsync()
    {
        var cohort = await host.CohortAsync(members: 4);
        var (a, b, c, d) = (cohort.Member(0), cohort.Member(1), cohort.Member(2), cohort.Member(3));
        var goalA = await host.GoalSinceAsync(a, cohort.GroupId, 12);
        await host.CheckInsAsync(a, cohort.GroupId, goalA, 12, 11, 10, 8, 7, 6, 5, 4, 3, 2, 1);
        await host.AppendAsync(WriteSteps.Goal(goalA), new CheckInAmended(Guid.NewGuid(), goalA, cohort.GroupId, a.Id, ReadSteps.DaysAgo(2), false, null, "Actually not", [], 2, true, true, ReadSteps.Evening(ReadSteps.DaysAgo(1)), ReadSteps.Zone, ReadSteps.DaysAgo(1)));
        await host.AppendAsync(WriteSteps.Goal(goalA), new CheckInAmended(Guid.NewGuid(), goalA, cohort.GroupId, a.Id, ReadSteps.DaysAgo(3), true, null, "A note alone", [], 4, false, true, ReadSteps.Evening(ReadSteps.DaysAgo(2)), ReadSteps.Zone, ReadSteps.DaysAgo(2)));
        var goalB = await host.GoalSinceAsync(b, cohort.GroupId, 9, GoalVisibility.PartnersAndCoach, cadence: Cadence.TimesAWeek(3));
        await host.CheckInsAsync(b, cohort.GroupId, goalB, 9, 7, 5, 3, 1);
        var goalC = await host.GoalSinceAsync(c, cohort.GroupId, 8);
        await host.CheckInsAsync(c, cohort.GroupId, goalC, 8, 7, 6);
        await host.PauseAsync(c, ReadSteps.DaysAgo(4), ReadSteps.Today.AddDays(2), ReadSteps.Evening(ReadSteps.DaysAgo(5)));
        var stuck = await host.CheckInAsync(d, cohort.GroupId, await host.GoalSinceAsync(d, cohort.GroupId, 2, GoalVisibility.CoachOnly), ReadSteps.DaysAgo(1), stuck: true);
        await host.PairAsync(cohort, a, b);
        var today = await host.SetGoalAsync(a, cohort.GroupId);
        var checkIn = Guid.NewGuid();
        await host.PostJsonAsync(a, $"/api/v1/goals/{today}/check-ins", new { checkInId = checkIn, done = true, note = "Today" }, HttpStatusCode.Created);
        await host.PostJsonAsync(b, $"/api/v1/groups/{cohort.GroupId}/items/{checkIn}/comments", new { commentId = Guid.NewGuid(), text = "Go!" }, HttpStatusCode.Created);
        await host.PutJsonAsync(c, $"/api/v1/groups/{cohort.GroupId}/items/{checkIn}/kudos", new { }, HttpStatusCode.NoContent);
        await host.PostJsonAsync(b, $"/api/v1/groups/{cohort.GroupId}/members/{a.Id}/nudges", new { nudgeId = Guid.NewGuid() }, HttpStatusCode.Created);
        await host.PostJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/items/{stuck}/comments", new { commentId = Guid.NewGuid(), text = "Call me" }, HttpStatusCode.Created);
        var announcement = Guid.NewGuid();
        await host.PostJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/announcements", new { announcementId = announcement, text = "Hello" }, HttpStatusCode.Created);
        await host.PostJsonAsync(d, $"/api/v1/groups/{cohort.GroupId}/items/{announcement}/reports", new { reason = "spam" }, HttpStatusCode.Created);
        await host.PostJsonAsync(cohort.Coach, $"/api/v1/groups/{cohort.GroupId}/items/{checkIn}/hide", new { reason = "Test" }, HttpStatusCode.NoContent);
        await host.SettleAsync();
        return cohort;
    }

    private static IReadOnlyList<string> TablesOf(string projection) => projection switch
    {
        CohortProgressProjection.ProjectionName => CohortTables.All,
        FeedProjection.ProjectionName => FeedTables.All,
        _ => [TimelineProjection.Entries, TimelineProjection.Memberships],
    };

    private async Task<Dictionary<string, List<string>>> RowsAsync(IReadOnlyList<string> tables)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        var rows = new Dictionary<string, List<string>>();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT t::text FROM {table} t ORDER BY 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var list = new List<string>();
            while (await reader.ReadAsync())
            {
                list.Add(reader.GetString(0));
            }

            rows[table] = list;
        }

        return rows;
    }
}
