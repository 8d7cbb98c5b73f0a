using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Api.Tests.Features.Write;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>Exports: a member downloads everything they did; a coach downloads the cohort's events.</summary>
[Trait("Category", "Read")]
public sealed class ExportTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_member_downloads_their_own_events_and_the_group_events_that_name_them_and_nobody_elses()
    {
        var (cohort, me, other, myGoal, otherGoal) = await ArrangeAsync();

        using var response = await host.ClientFor(me).GetAsync("api/v1/me/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith($"accountability-member-{me.Id:D}-", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var export = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("member", export.GetProperty("subject").GetProperty("kind").GetString());
        Assert.Equal(me.Id, export.GetProperty("subject").GetProperty("id").GetGuid());
        var events = export.Items("events").ToList();
        Assert.Equal(events.Count, export.GetProperty("count").GetInt32());

        var streams = events.Select(e => e.GetProperty("streamId").GetString()).Distinct().Order().ToArray();
        Assert.Equal(new[] { WriteSteps.Goal(myGoal), WriteSteps.Group(cohort.GroupId), WriteSteps.Member(me.Id) }.Order().ToArray(), streams);
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("goal-set", types);
        Assert.Contains("check-in-posted", types);
        Assert.Contains("pause-declared", types);
        var groupEvents = events.Where(e => e.GetProperty("streamId").GetString() == WriteSteps.Group(cohort.GroupId)).ToList();
        Assert.All(groupEvents, e => Assert.Contains(me.Id.ToString("D"), e.GetProperty("data").GetRawText(), StringComparison.Ordinal));
        Assert.Equal(new[] { "member-joined" }, groupEvents.Select(e => e.GetProperty("type").GetString()).ToArray());
        Assert.DoesNotContain(events, e => e.GetProperty("data").GetRawText().Contains(otherGoal.ToString("D"), StringComparison.Ordinal));
        Assert.DoesNotContain("comment-posted", types);

        var checkIn = events.First(e => e.GetProperty("type").GetString() == "check-in-posted");
        Assert.Equal(myGoal, checkIn.GetProperty("data").GetProperty("goalId").GetGuid());
        Assert.True(checkIn.GetProperty("sequence").GetInt64() > 0);
        Assert.Equal(me.Id.ToString(), checkIn.GetProperty("metadata").GetProperty("userId").GetString());
        _ = other;
    }

    [Fact]
    public async Task The_coach_downloads_the_cohorts_events_and_members_or_other_coaches_cannot()
    {
        var (cohort, me, other, myGoal, otherGoal) = await ArrangeAsync();

        using var response = await host.ClientFor(cohort.Coach).GetAsync($"api/v1/groups/{cohort.GroupId}/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("group", export.GetProperty("subject").GetProperty("kind").GetString());
        var events = export.Items("events").ToList();
        var types = events.Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal(1, types.Count(t => t == "group-created"));
        Assert.Equal(2, types.Count(t => t == "member-joined"));
        Assert.Equal(2, types.Count(t => t == "goal-set"));
        Assert.Contains("comment-posted", types);
        Assert.DoesNotContain("pause-declared", types);
        Assert.Equal(
            new[] { WriteSteps.Group(cohort.GroupId), WriteSteps.Goal(myGoal), WriteSteps.Goal(otherGoal) }.Order().ToArray(),
            events.Select(e => e.GetProperty("streamId").GetString()!).Where(s => !s.StartsWith("member-", StringComparison.Ordinal)).Distinct().Order().ToArray());
        var comment = events.Single(e => e.GetProperty("type").GetString() == "comment-posted");
        Assert.Equal(WriteSteps.Member(other.Id), comment.GetProperty("streamId").GetString());

        using (var forbidden = await host.ClientFor(me).GetAsync($"api/v1/groups/{cohort.GroupId}/export"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        var otherCoach = (await host.CohortAsync(members: 0)).Coach;
        using var hidden = await host.ClientFor(otherCoach).GetAsync($"api/v1/groups/{cohort.GroupId}/export");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    private async Task<(Cohort Cohort, TestMember Me, TestMember Other, Guid MyGoal, Guid OtherGoal)> ArrangeAsync()
    {
        var cohort = await host.CohortAsync(members: 2);
        var (me, other) = (cohort.Member(0), cohort.Member(1));
        var myGoal = await host.SetGoalAsync(me, cohort.GroupId);
        var checkIn = Guid.NewGuid();
        using (var posted = await host.ClientFor(me).PostAsJsonAsync($"api/v1/goals/{myGoal}/check-ins", new { checkInId = checkIn, done = true }))
        {
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }

        await host.PauseAsync(me, ReadSteps.Today.AddDays(2), ReadSteps.Today.AddDays(4), DateTimeOffset.UtcNow);
        var otherGoal = await host.SetGoalAsync(other, cohort.GroupId);
        await host.PostJsonAsync(other, $"/api/v1/groups/{cohort.GroupId}/items/{checkIn}/comments", new { commentId = Guid.NewGuid(), text = "Nice one" }, HttpStatusCode.Created);
        await host.SettleAsync();
        return (cohort, me, other, myGoal, otherGoal);
    }
}
