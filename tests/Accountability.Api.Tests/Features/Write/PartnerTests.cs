using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Features.Partners.Nudges;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>Pairs, partner requests, nudges with budgets, kudos and comments.</summary>
public sealed class PartnerTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_coach_pairs_two_members_who_then_see_each_other_as_partners_and_either_can_end_it()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        using var created = await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/pairs", new { firstMemberId = cohort.Member(0).Id, secondMemberId = cohort.Member(1).Id });
        var pair = await ReadAsync(created, HttpStatusCode.Created);
        var pairId = pair.GetProperty("pairId").GetGuid();
        Assert.Equal($"/api/v1/groups/{cohort.GroupId}/pairs/{pairId}", created.Headers.Location?.OriginalString);

        var single = await ReadAsync(await host.ClientFor(cohort.Member(1)).GetAsync($"api/v1/groups/{cohort.GroupId}/pairs/{pairId}"), HttpStatusCode.OK);
        Assert.Equal(pairId, single.GetProperty("pairId").GetGuid());
        var roster = await ReadAsync(await host.ClientFor(cohort.Member(0)).GetAsync($"api/v1/groups/{cohort.GroupId}/members"), HttpStatusCode.OK);
        Assert.True(roster.EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == cohort.Member(1).Id).GetProperty("isPartner").GetBoolean());

        using var again = await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/pairs", new { firstMemberId = cohort.Member(1).Id, secondMemberId = cohort.Member(0).Id });
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "urn:accountability:problem:partners.already-paired");

        using var ended = await host.ClientFor(cohort.Member(1)).DeleteAsync($"api/v1/groups/{cohort.GroupId}/pairs/{pairId}");
        Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        var pairs = await ReadAsync(await host.ClientFor(cohort.Member(0)).GetAsync($"api/v1/groups/{cohort.GroupId}/pairs"), HttpStatusCode.OK);
        Assert.Equal(0, pairs.GetArrayLength());
    }

    [Fact]
    public async Task Only_staff_pair_members_and_only_partners_or_staff_end_a_pair()
    {
        var cohort = await host.CreateCohortAsync(members: 3);
        using var byMember = await host.ClientFor(cohort.Member(2)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/pairs", new { firstMemberId = cohort.Member(0).Id, secondMemberId = cohort.Member(1).Id });
        await ProblemAssert.IsProblemAsync(byMember, HttpStatusCode.Forbidden);
        var pairId = await host.PairAsync(cohort, cohort.Member(0), cohort.Member(1));
        using var thirdParty = await host.ClientFor(cohort.Member(2)).DeleteAsync($"api/v1/groups/{cohort.GroupId}/pairs/{pairId}");
        await ProblemAssert.IsProblemAsync(thirdParty, HttpStatusCode.Forbidden, "urn:accountability:problem:partners.not-in-pair");
    }

    [Fact]
    public async Task A_member_asks_another_to_partner_and_the_other_accepts()
    {
        var cohort = await host.CreateCohortAsync(members: 3);
        var requestId = Guid.NewGuid();
        using var asked = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests", new { requestId, targetId = cohort.Member(1).Id, message = "Run together?" });
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);

        var incoming = await ReadAsync(await host.ClientFor(cohort.Member(1)).GetAsync($"api/v1/groups/{cohort.GroupId}/partner-requests"), HttpStatusCode.OK);
        Assert.Equal("pending", Assert.Single(incoming.EnumerateArray()).GetProperty("status").GetString());

        using var notTarget = await host.ClientFor(cohort.Member(2)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests/{requestId}/accept", new { });
        await ProblemAssert.IsProblemAsync(notTarget, HttpStatusCode.Forbidden, "urn:accountability:problem:partners.not-request-target");

        var pair = await ReadAsync(await host.ClientFor(cohort.Member(1)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests/{requestId}/accept", new { }), HttpStatusCode.Created);
        Assert.Equal(new[] { cohort.Member(0).Id, cohort.Member(1).Id }.Order().ToArray(),
            new[] { pair.GetProperty("firstMemberId").GetGuid(), pair.GetProperty("secondMemberId").GetGuid() }.Order().ToArray());

        // Accepting again is a no-op; the request now reads as accepted.
        await ReadAsync(await host.ClientFor(cohort.Member(1)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests/{requestId}/accept", new { }), HttpStatusCode.Created);
        Assert.Equal(1, (await host.EventTypesAsync(Group(cohort.GroupId))).Count(t => t == "partners-paired"));
        var mine = await ReadAsync(await host.ClientFor(cohort.Member(0)).GetAsync($"api/v1/groups/{cohort.GroupId}/partner-requests/{requestId}"), HttpStatusCode.OK);
        Assert.Equal("accepted", mine.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_request_can_be_declined_or_withdrawn_and_one_to_yourself_is_a_400()
    {
        var cohort = await host.CreateCohortAsync(members: 3);
        var declinedId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests", new { requestId = declinedId, targetId = cohort.Member(1).Id }), HttpStatusCode.Created);
        using var declined = await host.ClientFor(cohort.Member(1)).PostAsync($"api/v1/groups/{cohort.GroupId}/partner-requests/{declinedId}/decline", null);
        Assert.Equal(HttpStatusCode.NoContent, declined.StatusCode);
        using var acceptAfter = await host.ClientFor(cohort.Member(1)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests/{declinedId}/accept", new { });
        await ProblemAssert.IsProblemAsync(acceptAfter, HttpStatusCode.Conflict, "urn:accountability:problem:partners.request-already-answered");

        var withdrawnId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests", new { requestId = withdrawnId, targetId = cohort.Member(2).Id }), HttpStatusCode.Created);
        using var withdrawn = await host.ClientFor(cohort.Member(0)).PostAsync($"api/v1/groups/{cohort.GroupId}/partner-requests/{withdrawnId}/withdraw", null);
        Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
        using var acceptWithdrawn = await host.ClientFor(cohort.Member(2)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests/{withdrawnId}/accept", new { });
        await ProblemAssert.IsProblemAsync(acceptWithdrawn, HttpStatusCode.Conflict, "urn:accountability:problem:partners.request-withdrawn");

        using var self = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests", new { targetId = cohort.Member(0).Id });
        await ProblemAssert.IsValidationProblemAsync(self, "secondMemberId");
    }

    [Fact]
    public async Task A_partner_nudges_three_times_a_day_and_the_fourth_is_a_429_with_retry_after()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        await host.PairAsync(cohort, cohort.Member(0), cohort.Member(1));
        var sender = host.ClientFor(cohort.Member(0));
        var url = $"api/v1/groups/{cohort.GroupId}/members/{cohort.Member(1).Id}/nudges";
        for (var i = 1; i <= 3; i++)
        {
            var nudge = await ReadAsync(await sender.PostAsJsonAsync(url, new { message = "You got this" }), HttpStatusCode.Created);
            Assert.Equal(3 - i, nudge.GetProperty("remainingToday").GetInt32());
        }

        var before = await host.EventCountAsync(Member(cohort.Member(0).Id));
        using var fourth = await sender.PostAsJsonAsync(url, new { });
        var problem = await ProblemAssert.IsProblemAsync(fourth, HttpStatusCode.TooManyRequests, "urn:accountability:problem:nudge.pair-budget-spent");
        var retryAfter = int.Parse(fourth.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 25 * 3600);
        Assert.True(problem.TryGetProperty("retryAt", out _));
        Assert.Equal(before, await host.EventCountAsync(Member(cohort.Member(0).Id)));
    }

    [Fact]
    public async Task A_receivers_inbox_takes_ten_nudges_a_day_from_everyone()
    {
        var (cohort, url) = await ReceiverWithThreePartnersAsync();
        foreach (var partner in cohort.Members.Skip(1))
        {
            for (var i = 0; i < 3; i++)
            {
                await ReadAsync(await host.ClientFor(partner).PostAsJsonAsync(url, new { }), HttpStatusCode.Created);
            }
        }

        await ReadAsync(await host.ClientFor(cohort.Coach).PostAsJsonAsync(url, new { }), HttpStatusCode.Created);
        using var eleventh = await host.ClientFor(cohort.Coach).PostAsJsonAsync(url, new { });
        await ProblemAssert.IsProblemAsync(eleventh, HttpStatusCode.TooManyRequests, "urn:accountability:problem:nudge.receiver-budget-spent");
        Assert.True(eleventh.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Nudges_sent_to_one_receiver_at_the_same_moment_never_pass_the_inbox_budget()
    {
        // Three partners and the coach, three nudges each left for this receiver, twelve at once: the inbox takes ten.
        var (cohort, url) = await ReceiverWithThreePartnersAsync();
        var senders = cohort.Members.Skip(1).Append(cohort.Coach).ToList();
        var before = await EventsOfAsync(senders);
        var responses = await Task.WhenAll(senders.SelectMany(s => Enumerable.Range(0, 3).Select(async _ =>
        {
            using var response = await host.ClientFor(s).PostAsJsonAsync(url, new { });
            return response.StatusCode;
        })));

        Assert.Equal(10, responses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(2, responses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(10, await EventsOfAsync(senders) - before);
    }

    [Fact]
    public async Task A_nudge_waits_while_another_nudge_to_the_same_receiver_is_being_decided_anywhere()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        await host.PairAsync(cohort, cohort.Member(0), cohort.Member(1));
        var url = $"api/v1/groups/{cohort.GroupId}/members/{cohort.Member(1).Id}/nudges";
        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();

        // What another process holds while it decides a nudge to this receiver.
        var elsewhere = await InboxLock.TakeAsync(dataSource, cohort.Member(1).Id, CancellationToken.None);
        var sending = host.ClientFor(cohort.Member(0)).PostAsJsonAsync(url, new { });
        try
        {
            Assert.NotSame(sending, await Task.WhenAny(sending, Task.Delay(TimeSpan.FromMilliseconds(700))));
        }
        finally
        {
            await elsewhere.DisposeAsync();
        }

        using var sent = await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
    }

    /// <summary>A cohort whose first member is paired with the three others, and the URL that nudges that member.</summary>
    private async Task<(Cohort Cohort, string NudgeUrl)> ReceiverWithThreePartnersAsync()
    {
        var cohort = await host.CreateCohortAsync(members: 4);
        var receiver = cohort.Member(0);
        foreach (var partner in cohort.Members.Skip(1))
        {
            await host.PairAsync(cohort, receiver, partner);
        }

        return (cohort, $"api/v1/groups/{cohort.GroupId}/members/{receiver.Id}/nudges");
    }

    private async Task<long> EventsOfAsync(IEnumerable<TestMember> members)
    {
        var count = 0L;
        foreach (var member in members)
        {
            count += await host.EventCountAsync(Member(member.Id));
        }

        return count;
    }

    [Fact]
    public async Task A_non_partner_cannot_nudge_nobody_nudges_themself_and_a_retried_nudge_counts_once()
    {
        var cohort = await host.CreateCohortAsync(members: 3);
        await host.PairAsync(cohort, cohort.Member(0), cohort.Member(1));
        using var notPartner = await host.ClientFor(cohort.Member(2)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{cohort.Member(0).Id}/nudges", new { });
        await ProblemAssert.IsProblemAsync(notPartner, HttpStatusCode.Forbidden);
        using var self = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{cohort.Member(0).Id}/nudges", new { });
        await ProblemAssert.IsProblemAsync(self, HttpStatusCode.BadRequest, "urn:accountability:problem:nudge.self");

        var nudgeId = Guid.NewGuid();
        var url = $"api/v1/groups/{cohort.GroupId}/members/{cohort.Member(1).Id}/nudges";
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync(url, new { nudgeId }), HttpStatusCode.Created);
        var retried = await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync(url, new { nudgeId }), HttpStatusCode.Created);
        Assert.Equal(2, retried.GetProperty("remainingToday").GetInt32());
        Assert.Equal(1, (await host.EventTypesAsync(Member(cohort.Member(0).Id))).Count(t => t == "nudge-sent"));
    }

    [Fact]
    public async Task Members_give_and_take_back_kudos_on_a_check_in_but_not_on_their_own()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        var checkInId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId, done = true }), HttpStatusCode.Created);

        var url = $"api/v1/groups/{cohort.GroupId}/items/{checkInId}/kudos";
        using (var given = await host.ClientFor(cohort.Member(1)).PutAsync(url, null))
        {
            Assert.Equal(HttpStatusCode.NoContent, given.StatusCode);
        }

        using (var twice = await host.ClientFor(cohort.Member(1)).PutAsync(url, null))
        {
            Assert.Equal(HttpStatusCode.NoContent, twice.StatusCode);
        }

        using var own = await host.ClientFor(cohort.Member(0)).PutAsync(url, null);
        await ProblemAssert.IsProblemAsync(own, HttpStatusCode.BadRequest, "urn:accountability:problem:kudos.own-item");
        using var back = await host.ClientFor(cohort.Member(1)).DeleteAsync(url);
        Assert.Equal(HttpStatusCode.NoContent, back.StatusCode);
        Assert.Equal(new[] { "time-zone-changed", "kudos-given", "kudos-withdrawn" }, await host.EventTypesAsync(Member(cohort.Member(1).Id)));

        using var unknown = await host.ClientFor(cohort.Member(1)).PutAsync($"api/v1/groups/{cohort.GroupId}/items/{Guid.NewGuid()}/kudos", null);
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_check_in_of_a_coach_only_goal_takes_no_kudos_from_other_members()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        var goalId = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId, new { title = "Private", measure = new { kind = "done" }, cadence = new { kind = "daily" }, visibility = "coach-only" });
        var checkInId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId, done = true }), HttpStatusCode.Created);
        using var response = await host.ClientFor(cohort.Member(1)).PutAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/kudos", null);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        using var comment = await host.ClientFor(cohort.Member(1)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/comments", new { text = "Nice" });
        await ProblemAssert.IsProblemAsync(comment, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_member_comments_on_an_item_retries_safely_and_only_the_author_deletes_it()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        var announcementId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/announcements", new { announcementId, text = "Week 2 starts!" }), HttpStatusCode.Created);

        var commentId = Guid.NewGuid();
        var url = $"api/v1/groups/{cohort.GroupId}/items/{announcementId}/comments";
        using var posted = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync(url, new { commentId, text = "Ready" });
        var comment = await ReadAsync(posted, HttpStatusCode.Created);
        Assert.Equal($"/api/v1/groups/{cohort.GroupId}/comments/{commentId}", posted.Headers.Location?.OriginalString);
        Assert.Equal("Ready", comment.GetProperty("text").GetString());
        await ReadAsync(await host.ClientFor(cohort.Member(0)).PostAsJsonAsync(url, new { commentId, text = "Ready" }), HttpStatusCode.Created);
        Assert.Equal(1, (await host.EventTypesAsync(Member(cohort.Member(0).Id))).Count(t => t == "comment-posted"));

        using var empty = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync(url, new { text = "  " });
        await ProblemAssert.IsValidationProblemAsync(empty, "text");

        using var notAuthor = await host.ClientFor(cohort.Member(1)).DeleteAsync($"api/v1/groups/{cohort.GroupId}/comments/{commentId}");
        await ProblemAssert.IsProblemAsync(notAuthor, HttpStatusCode.NotFound, "urn:accountability:problem:comment.not-found");
        using var deleted = await host.ClientFor(cohort.Member(0)).DeleteAsync($"api/v1/groups/{cohort.GroupId}/comments/{commentId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }
}
