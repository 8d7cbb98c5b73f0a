using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Tests.Infrastructure;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>Announcements, hiding and restoring, mutes, reports and holds.</summary>
public sealed class ModerationTests(ApiHost host) : IClassFixture<ApiHost>
{
    private async Task<(Cohort Cohort, Guid CheckInId)> SharedCheckInAsync(int members = 2)
    {
        var cohort = await host.CreateCohortAsync(members: members);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        var checkInId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId, done = true, note = "Long run" }), HttpStatusCode.Created);
        return (cohort, checkInId);
    }

    [Fact]
    public async Task Staff_post_announcements_and_members_cannot()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var announcementId = Guid.NewGuid();
        using var posted = await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/announcements", new { announcementId, text = "  Welcome!  " });
        var announcement = await ReadAsync(posted, HttpStatusCode.Created);
        Assert.Equal("Welcome!", announcement.GetProperty("text").GetString());
        Assert.Equal($"/api/v1/groups/{cohort.GroupId}/items/{announcementId}", posted.Headers.Location?.OriginalString);

        using var byMember = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/announcements", new { text = "Me too" });
        await ProblemAssert.IsProblemAsync(byMember, HttpStatusCode.Forbidden);
        using var empty = await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/announcements", new { text = "" });
        await ProblemAssert.IsValidationProblemAsync(empty, "text");
        Assert.Equal(1, (await host.EventTypesAsync(Group(cohort.GroupId))).Count(t => t == "announcement-posted"));
    }

    [Fact]
    public async Task The_coach_hides_an_item_with_a_reason_which_then_takes_no_kudos_and_restores_it()
    {
        var (cohort, checkInId) = await SharedCheckInAsync();
        var coach = host.ClientFor(cohort.Coach);
        using var noReason = await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/hide", new { reason = "" });
        await ProblemAssert.IsValidationProblemAsync(noReason, "reason");

        using var hidden = await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/hide", new { reason = "Personal data" });
        Assert.Equal(HttpStatusCode.NoContent, hidden.StatusCode);
        using var kudos = await host.ClientFor(cohort.Member(1)).PutAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/kudos", null);
        await ProblemAssert.IsProblemAsync(kudos, HttpStatusCode.NotFound);

        using var restored = await coach.PostAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/restore", null);
        Assert.Equal(HttpStatusCode.NoContent, restored.StatusCode);
        using var again = await coach.PostAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/restore", null);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "urn:accountability:problem:feed.item-not-hidden");
        using var kudosAfter = await host.ClientFor(cohort.Member(1)).PutAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/kudos", null);
        Assert.Equal(HttpStatusCode.NoContent, kudosAfter.StatusCode);
    }

    [Fact]
    public async Task Hiding_an_item_that_is_not_in_the_group_is_a_404_and_members_cannot_hide()
    {
        var (cohort, checkInId) = await SharedCheckInAsync();
        var other = await host.CreateCohortAsync(members: 0);
        using var foreign = await host.ClientFor(other.Coach).PostAsJsonAsync($"api/v1/groups/{other.GroupId}/items/{checkInId}/hide", new { reason = "x" });
        await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.NotFound);
        using var byMember = await host.ClientFor(cohort.Member(1)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/hide", new { reason = "x" });
        await ProblemAssert.IsProblemAsync(byMember, HttpStatusCode.Forbidden);
        Assert.DoesNotContain("feed-item-hidden", await host.EventTypesAsync(Group(other.GroupId)));
    }

    [Fact]
    public async Task Three_reports_hold_an_item_for_the_coach_until_the_reports_are_dismissed()
    {
        var (cohort, checkInId) = await SharedCheckInAsync(members: 5);
        var url = $"api/v1/groups/{cohort.GroupId}/items/{checkInId}/reports";
        using var own = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync(url, new { reason = "spam" });
        await ProblemAssert.IsProblemAsync(own, HttpStatusCode.BadRequest, "urn:accountability:problem:report.own-item");
        using var unknownReason = await host.ClientFor(cohort.Member(1)).PostAsJsonAsync(url, new { reason = "boring" });
        await ProblemAssert.IsValidationProblemAsync(unknownReason, "reason");

        for (var i = 1; i <= 3; i++)
        {
            var report = await ReadAsync(await host.ClientFor(cohort.Member(i)).PostAsJsonAsync(url, new { reason = "inappropriate" }), HttpStatusCode.Created);
            Assert.Equal(i == 3, report.GetProperty("itemHeld").GetBoolean());
        }

        using var twice = await host.ClientFor(cohort.Member(1)).PostAsJsonAsync(url, new { reason = "spam" });
        await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Conflict, "urn:accountability:problem:report.already-filed");

        // Held: hidden from other members, visible to its author and staff.
        using var kudos = await host.ClientFor(cohort.Member(4)).PutAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/kudos", null);
        await ProblemAssert.IsProblemAsync(kudos, HttpStatusCode.NotFound);
        var queue = await ReadAsync(await host.ClientFor(cohort.Coach).GetAsync($"api/v1/groups/{cohort.GroupId}/moderation/reports"), HttpStatusCode.OK);
        var held = Assert.Single(queue.EnumerateArray());
        Assert.Equal("held", held.GetProperty("status").GetString());
        Assert.Equal(3, held.GetProperty("reportsSinceReview").GetInt32());

        using var dismissed = await host.ClientFor(cohort.Coach).PostAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/dismiss-reports", null);
        Assert.Equal(HttpStatusCode.NoContent, dismissed.StatusCode);
        using var kudosAfter = await host.ClientFor(cohort.Member(4)).PutAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/kudos", null);
        Assert.Equal(HttpStatusCode.NoContent, kudosAfter.StatusCode);
        var reviewed = await ReadAsync(await host.ClientFor(cohort.Coach).GetAsync($"api/v1/groups/{cohort.GroupId}/moderation/reports"), HttpStatusCode.OK);
        Assert.Equal("visible", reviewed[0].GetProperty("status").GetString());
        Assert.Equal(0, reviewed[0].GetProperty("reportsSinceReview").GetInt32());

        using var queueByMember = await host.ClientFor(cohort.Member(1)).GetAsync($"api/v1/groups/{cohort.GroupId}/moderation/reports");
        await ProblemAssert.IsProblemAsync(queueByMember, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_muted_member_cannot_comment_or_give_kudos_until_unmuted()
    {
        var (cohort, checkInId) = await SharedCheckInAsync();
        var coach = host.ClientFor(cohort.Coach);
        var muted = cohort.Member(1);
        using var tooLong = await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{muted.Id}/mute", new { until = DateTimeOffset.UtcNow.AddDays(60), reason = "Cool off" });
        await ProblemAssert.IsValidationProblemAsync(tooLong, "until");
        using var mute = await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{muted.Id}/mute", new { until = DateTimeOffset.UtcNow.AddDays(1), reason = "Cool off" });
        Assert.Equal(HttpStatusCode.NoContent, mute.StatusCode);

        using var kudos = await host.ClientFor(muted).PutAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/kudos", null);
        var problem = await ProblemAssert.IsProblemAsync(kudos, HttpStatusCode.Forbidden, "urn:accountability:problem:moderation.member-muted");
        Assert.Contains("until", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var comment = await host.ClientFor(muted).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/comments", new { text = "Hey" });
        await ProblemAssert.IsProblemAsync(comment, HttpStatusCode.Forbidden, "urn:accountability:problem:moderation.member-muted");

        using var unmute = await coach.DeleteAsync($"api/v1/groups/{cohort.GroupId}/members/{muted.Id}/mute");
        Assert.Equal(HttpStatusCode.NoContent, unmute.StatusCode);
        using var kudosAfter = await host.ClientFor(muted).PutAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/kudos", null);
        Assert.Equal(HttpStatusCode.NoContent, kudosAfter.StatusCode);
    }

    [Fact]
    public async Task Nobody_mutes_the_coach_and_a_co_coach_cannot_mute_another_co_coach()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        foreach (var member in cohort.Members)
        {
            await host.ClientFor(cohort.Coach).PutAsync($"api/v1/groups/{cohort.GroupId}/co-coaches/{member.Id}", null);
        }

        using var coach = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{cohort.Coach.Id}/mute", new { until = DateTimeOffset.UtcNow.AddHours(1), reason = "x" });
        await ProblemAssert.IsProblemAsync(coach, HttpStatusCode.Forbidden, "urn:accountability:problem:group.cannot-moderate-coach");
        using var coCoach = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{cohort.Member(1).Id}/mute", new { until = DateTimeOffset.UtcNow.AddHours(1), reason = "x" });
        await ProblemAssert.IsProblemAsync(coCoach, HttpStatusCode.Forbidden, "urn:accountability:problem:group.only-coach-moderates-co-coach");
    }

    [Fact]
    public async Task Staff_hide_and_restore_a_comment()
    {
        var (cohort, checkInId) = await SharedCheckInAsync();
        var commentId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(cohort.Member(1)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/comments", new { commentId, text = "Rude words" }), HttpStatusCode.Created);
        var coach = host.ClientFor(cohort.Coach);
        using var hidden = await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/comments/{commentId}/hide", new { reason = "Language" });
        Assert.Equal(HttpStatusCode.NoContent, hidden.StatusCode);
        using var restored = await coach.PostAsync($"api/v1/groups/{cohort.GroupId}/comments/{commentId}/restore", null);
        Assert.Equal(HttpStatusCode.NoContent, restored.StatusCode);
        using var again = await coach.PostAsync($"api/v1/groups/{cohort.GroupId}/comments/{commentId}/restore", null);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "urn:accountability:problem:feed.comment-not-hidden");
        using var unknown = await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/comments/{Guid.NewGuid()}/hide", new { reason = "x" });
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);
        Assert.Equal(new[] { "comment-hidden", "comment-restored" }, (await host.EventTypesAsync(Group(cohort.GroupId))).Where(t => t.StartsWith("comment", StringComparison.Ordinal)).ToArray());
    }
}
