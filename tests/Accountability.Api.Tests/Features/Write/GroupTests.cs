using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Tests.Infrastructure;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>Groups: creating, settings, invite codes, joining and leaving, roster and roles.</summary>
public sealed class GroupTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_coach_creates_a_group_with_its_settings_and_becomes_its_coach()
    {
        var coach = await host.RegisterAsync(timeZone: "America/New_York");
        var promptId = Guid.NewGuid();
        using var response = await host.ClientFor(coach).PostAsJsonAsync("api/v1/groups", new
        {
            name = "  Spring cohort ",
            description = "Twelve weeks",
            timeZoneId = "America/New_York",
            prompts = new object[] { new { promptId, text = "What went well?" }, new { text = "What will you try tomorrow?" } },
            graceMinutes = 360,
            numbersVisibility = "individual",
            leaderboardBasis = "done-count",
            leaderboardMinimumDue = 5,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var group = await ReadAsync(response, HttpStatusCode.Created);
        var groupId = group.GetProperty("groupId").GetGuid();
        Assert.Equal($"/api/v1/groups/{groupId}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal("Spring cohort", group.GetProperty("name").GetString());
        Assert.Equal(360, group.GetProperty("graceMinutes").GetInt32());
        Assert.Equal("individual", group.GetProperty("numbersVisibility").GetString());
        Assert.Equal("done-count", group.GetProperty("leaderboardRule").GetProperty("basis").GetString());
        Assert.Equal(5, group.GetProperty("leaderboardRule").GetProperty("minimumDue").GetInt32());
        Assert.Equal("coach", group.GetProperty("yourRole").GetString());
        Assert.Equal(coach.Id, group.GetProperty("coachId").GetGuid());
        Assert.Equal(2, group.GetProperty("prompts").GetArrayLength());
        Assert.Equal(promptId, group.GetProperty("prompts")[0].GetProperty("promptId").GetGuid());

        var fetched = await ReadAsync(await host.ClientFor(coach).GetAsync($"api/v1/groups/{groupId}"), HttpStatusCode.OK);
        Assert.Equal("Spring cohort", fetched.GetProperty("name").GetString());
        Assert.Equal(1, fetched.GetProperty("version").GetInt64());
        Assert.Equal(new[] { "group-created" }, await host.EventTypesAsync(Group(groupId)));
        Assert.Equal(new[] { "time-zone-changed" }, await host.EventTypesAsync(Member(coach.Id)));
    }

    [Fact]
    public async Task Creating_a_group_with_bad_settings_is_a_400_naming_every_field_and_writes_nothing()
    {
        var coach = await host.RegisterAsync();
        var before = await host.EventCountAsync();
        using var response = await host.ClientFor(coach).PostAsJsonAsync("api/v1/groups", new
        {
            name = "",
            timeZoneId = "Mars/Olympus",
            graceMinutes = 5000,
        });

        var problem = await ProblemAssert.IsValidationProblemAsync(response, "name", "timeZoneId", "graceMinutes");
        Assert.Equal("urn:accountability:problem:group.name-required", problem.GetProperty("type").GetString());
        Assert.Equal(before, await host.EventCountAsync());
    }

    [Fact]
    public async Task An_unknown_numbers_visibility_is_refused_by_the_validator()
    {
        var coach = await host.RegisterAsync();
        using var response = await host.ClientFor(coach).PostAsJsonAsync("api/v1/groups", new { name = "G", timeZoneId = "UTC", numbersVisibility = "everything" });
        await ProblemAssert.IsValidationProblemAsync(response, "numbersVisibility");
    }

    [Fact]
    public async Task Retrying_a_creation_with_the_same_idempotency_key_creates_one_group()
    {
        var coach = await host.RegisterAsync();
        var client = host.ClientFor(coach);
        var key = Guid.NewGuid().ToString();
        var body = new { name = "Retry club", timeZoneId = "UTC" };
        var first = await ReadAsync(await client.SendJsonAsync(HttpMethod.Post, "api/v1/groups", body, idempotencyKey: key), HttpStatusCode.Created);
        using var second = await client.SendJsonAsync(HttpMethod.Post, "api/v1/groups", body, idempotencyKey: key);
        var replayed = await ReadAsync(second, HttpStatusCode.Created);

        Assert.Equal(first.GetProperty("groupId").GetGuid(), replayed.GetProperty("groupId").GetGuid());
        Assert.Equal(1, await host.EventCountAsync(Group(first.GetProperty("groupId").GetGuid())));
    }

    [Fact]
    public async Task Retrying_a_creation_with_the_same_group_id_writes_nothing_twice()
    {
        var coach = await host.RegisterAsync();
        var client = host.ClientFor(coach);
        var groupId = Guid.NewGuid();
        await ReadAsync(await client.PostAsJsonAsync("api/v1/groups", new { groupId, name = "Same id", timeZoneId = "UTC" }), HttpStatusCode.Created);
        await ReadAsync(await client.PostAsJsonAsync("api/v1/groups", new { groupId, name = "Same id", timeZoneId = "UTC" }), HttpStatusCode.Created);

        Assert.Equal(1, await host.EventCountAsync(Group(groupId)));
    }

    [Fact]
    public async Task Another_coach_reusing_a_group_id_gets_a_409()
    {
        var groupId = Guid.NewGuid();
        var first = await host.RegisterAsync();
        var second = await host.RegisterAsync();
        await ReadAsync(await host.ClientFor(first).PostAsJsonAsync("api/v1/groups", new { groupId, name = "Mine", timeZoneId = "UTC" }), HttpStatusCode.Created);
        using var response = await host.ClientFor(second).PostAsJsonAsync("api/v1/groups", new { groupId, name = "Theirs", timeZoneId = "UTC" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "urn:accountability:problem:group.already-exists");
        Assert.Equal(1, await host.EventCountAsync(Group(groupId)));
    }

    [Fact]
    public async Task A_member_joins_with_the_invite_code_in_any_case_and_with_or_without_the_dash()
    {
        var cohort = await host.CreateCohortAsync(members: 0);
        var member = await host.RegisterAsync(timeZone: "Asia/Tokyo");
        var sloppy = cohort.InviteCode.Replace("-", " ", StringComparison.Ordinal).ToLowerInvariant();
        var joined = await ReadAsync(await host.ClientFor(member).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = sloppy }), HttpStatusCode.OK);

        Assert.Equal(cohort.GroupId, joined.GetProperty("groupId").GetGuid());
        Assert.Equal("member", joined.GetProperty("yourRole").GetString());
        Assert.Equal(JsonValueKindNull, joined.GetProperty("inviteCode").ValueKind);
        Assert.Equal(new[] { "time-zone-changed" }, await host.EventTypesAsync(Member(member.Id)));

        // Joining again changes nothing.
        var before = await host.EventCountAsync(Group(cohort.GroupId));
        await ReadAsync(await host.ClientFor(member).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = cohort.InviteCode }), HttpStatusCode.OK);
        Assert.Equal(before, await host.EventCountAsync(Group(cohort.GroupId)));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task A_code_that_opens_no_group_is_a_404_and_a_malformed_one_a_400()
    {
        var member = await host.RegisterAsync();
        using var unknown = await host.ClientFor(member).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = "ZZZZ-ZZZZ" });
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound, "urn:accountability:problem:invite.code-invalid");

        using var malformed = await host.ClientFor(member).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = "0OIL" });
        await ProblemAssert.IsValidationProblemAsync(malformed, "inviteCode");
    }

    [Fact]
    public async Task A_revoked_code_no_longer_opens_the_group_and_a_new_code_replaces_the_old_one()
    {
        var cohort = await host.CreateCohortAsync(members: 0);
        var coach = host.ClientFor(cohort.Coach);
        var reissued = await ReadAsync(await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/invite-code", new { expiresAt = DateTimeOffset.UtcNow.AddDays(7) }), HttpStatusCode.OK);
        var newCode = reissued.GetProperty("code").GetString()!;
        Assert.NotEqual(cohort.InviteCode, newCode);
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}$", newCode);

        var late = await host.RegisterAsync();
        using var old = await host.ClientFor(late).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = cohort.InviteCode });
        await ProblemAssert.IsProblemAsync(old, HttpStatusCode.NotFound, "urn:accountability:problem:invite.code-invalid");

        using var revoke = await coach.DeleteAsync($"api/v1/groups/{cohort.GroupId}/invite-code");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        using var afterRevoke = await host.ClientFor(late).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = newCode });
        await ProblemAssert.IsProblemAsync(afterRevoke, HttpStatusCode.NotFound, "urn:accountability:problem:invite.code-invalid");
    }

    [Fact]
    public async Task An_invite_expiry_outside_one_hour_to_ninety_days_is_a_400_and_a_member_cannot_issue_codes()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        using var tooSoon = await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/invite-code", new { expiresAt = DateTimeOffset.UtcNow.AddMinutes(5) });
        await ProblemAssert.IsValidationProblemAsync(tooSoon, "expiresAt");

        using var byMember = await host.ClientFor(cohort.Member(0)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/invite-code", new { });
        await ProblemAssert.IsProblemAsync(byMember, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_coach_changes_settings_and_the_etag_guards_against_a_stale_write()
    {
        var cohort = await host.CreateCohortAsync(members: 0);
        var coach = host.ClientFor(cohort.Coach);
        using var read = await coach.GetAsync($"api/v1/groups/{cohort.GroupId}");
        var etag = read.Headers.ETag!.Tag;

        var changed = await ReadAsync(
            await coach.SendJsonAsync(HttpMethod.Patch, $"api/v1/groups/{cohort.GroupId}", new { name = "Evening runners", graceMinutes = 120, numbersVisibility = "hidden" }, ifMatch: etag),
            HttpStatusCode.OK);
        Assert.Equal("Evening runners", changed.GetProperty("name").GetString());
        Assert.Equal(120, changed.GetProperty("graceMinutes").GetInt32());
        Assert.Equal("hidden", changed.GetProperty("numbersVisibility").GetString());
        Assert.Equal("Run before work", changed.GetProperty("description").GetString());

        var before = await host.EventCountAsync(Group(cohort.GroupId));
        using var stale = await coach.SendJsonAsync(HttpMethod.Patch, $"api/v1/groups/{cohort.GroupId}", new { name = "Lost update" }, ifMatch: etag);
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed, "urn:accountability:problem:precondition-failed");
        Assert.Equal(before, await host.EventCountAsync(Group(cohort.GroupId)));
        Assert.Equal(new[] { "group-created", "invite-code-issued", "group-details-changed", "grace-rule-changed", "numbers-visibility-changed" },
            await host.EventTypesAsync(Group(cohort.GroupId)));
    }

    [Fact]
    public async Task Only_the_coach_changes_settings_a_member_gets_403_and_an_outsider_404()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var outsider = await host.RegisterAsync();
        using var byMember = await host.ClientFor(cohort.Member(0)).SendJsonAsync(HttpMethod.Patch, $"api/v1/groups/{cohort.GroupId}", new { name = "Mine now" });
        await ProblemAssert.IsProblemAsync(byMember, HttpStatusCode.Forbidden);
        using var byOutsider = await host.ClientFor(outsider).SendJsonAsync(HttpMethod.Patch, $"api/v1/groups/{cohort.GroupId}", new { name = "Mine now" });
        var problem = await ProblemAssert.IsProblemAsync(byOutsider, HttpStatusCode.NotFound);
        Assert.DoesNotContain("Morning runners", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_leaderboard_rule_gets_a_new_version_when_it_changes()
    {
        var cohort = await host.CreateCohortAsync(members: 0);
        var coach = host.ClientFor(cohort.Coach);
        var changed = await ReadAsync(await coach.SendJsonAsync(HttpMethod.Put, $"api/v1/groups/{cohort.GroupId}/leaderboard-rule", new { basis = "done-count", minimumDue = 4 }), HttpStatusCode.OK);
        Assert.Equal(2, changed.GetProperty("leaderboardRule").GetProperty("version").GetInt32());

        using var invalid = await coach.SendJsonAsync(HttpMethod.Put, $"api/v1/groups/{cohort.GroupId}/leaderboard-rule", new { basis = "done-count", minimumDue = 99 });
        await ProblemAssert.IsValidationProblemAsync(invalid, "leaderboardMinimumDue");
    }

    [Fact]
    public async Task A_member_leaves_and_can_no_longer_see_the_group()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var member = host.ClientFor(cohort.Member(0));
        using var leave = await member.PostAsync($"api/v1/groups/{cohort.GroupId}/leave", null);
        Assert.Equal(HttpStatusCode.NoContent, leave.StatusCode);

        using var read = await member.GetAsync($"api/v1/groups/{cohort.GroupId}");
        await ProblemAssert.IsProblemAsync(read, HttpStatusCode.NotFound);
        var mine = await ReadAsync(await member.GetAsync("api/v1/groups"), HttpStatusCode.OK);
        Assert.Equal(0, mine.GetArrayLength());
    }

    [Fact]
    public async Task The_coach_cannot_leave_without_handing_the_group_over()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        using var leave = await host.ClientFor(cohort.Coach).PostAsync($"api/v1/groups/{cohort.GroupId}/leave", null);
        await ProblemAssert.IsProblemAsync(leave, HttpStatusCode.Conflict, "urn:accountability:problem:group.coach-cannot-leave");

        using var handOver = await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/hand-over", new { newCoachId = cohort.Member(0).Id });
        Assert.Equal(HttpStatusCode.NoContent, handOver.StatusCode);
        var roster = await ReadAsync(await host.ClientFor(cohort.Member(0)).GetAsync($"api/v1/groups/{cohort.GroupId}/members"), HttpStatusCode.OK);
        Assert.Equal("coach", roster.EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == cohort.Member(0).Id).GetProperty("role").GetString());
        Assert.Equal("co-coach", roster.EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == cohort.Coach.Id).GetProperty("role").GetString());
    }

    [Fact]
    public async Task Staff_remove_a_member_with_a_reason_who_then_cannot_rejoin_until_the_coach_reinstates_them()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        var coach = host.ClientFor(cohort.Coach);
        var target = cohort.Member(0);

        using var noReason = await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{target.Id}/remove", new { reason = " " });
        await ProblemAssert.IsValidationProblemAsync(noReason, "reason");

        using var byMember = await host.ClientFor(cohort.Member(1)).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{target.Id}/remove", new { reason = "Spam" });
        await ProblemAssert.IsProblemAsync(byMember, HttpStatusCode.Forbidden);

        using var removed = await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{target.Id}/remove", new { reason = "Repeated spam" });
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var rejoin = await host.ClientFor(target).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = cohort.InviteCode });
        await ProblemAssert.IsProblemAsync(rejoin, HttpStatusCode.Forbidden, "urn:accountability:problem:group.member-removed");

        using var reinstated = await coach.PostAsync($"api/v1/groups/{cohort.GroupId}/members/{target.Id}/reinstate", null);
        Assert.Equal(HttpStatusCode.NoContent, reinstated.StatusCode);
        await ReadAsync(await host.ClientFor(target).GetAsync($"api/v1/groups/{cohort.GroupId}"), HttpStatusCode.OK);

        using var again = await coach.PostAsync($"api/v1/groups/{cohort.GroupId}/members/{target.Id}/reinstate", null);
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict, "urn:accountability:problem:group.member-not-removed");
    }

    [Fact]
    public async Task Removing_someone_who_is_not_in_the_group_is_a_404()
    {
        var cohort = await host.CreateCohortAsync(members: 0);
        var stranger = await host.RegisterAsync();
        using var response = await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{stranger.Id}/remove", new { reason = "?" });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "urn:accountability:problem:group.member-not-found");
    }

    [Fact]
    public async Task The_coach_assigns_and_unassigns_a_co_coach_who_can_then_issue_codes()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var coach = host.ClientFor(cohort.Coach);
        var member = cohort.Member(0);
        using var assign = await coach.PutAsync($"api/v1/groups/{cohort.GroupId}/co-coaches/{member.Id}", null);
        Assert.Equal(HttpStatusCode.NoContent, assign.StatusCode);
        await ReadAsync(await host.ClientFor(member).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/invite-code", new { }), HttpStatusCode.OK);

        using var coCoachAssigns = await host.ClientFor(member).PutAsync($"api/v1/groups/{cohort.GroupId}/co-coaches/{cohort.Coach.Id}", null);
        await ProblemAssert.IsProblemAsync(coCoachAssigns, HttpStatusCode.Forbidden);

        using var unassign = await coach.DeleteAsync($"api/v1/groups/{cohort.GroupId}/co-coaches/{member.Id}");
        Assert.Equal(HttpStatusCode.NoContent, unassign.StatusCode);
        using var noLonger = await host.ClientFor(member).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/invite-code", new { });
        await ProblemAssert.IsProblemAsync(noLonger, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_roster_shows_members_with_names_and_roles_and_staff_also_see_who_left()
    {
        var cohort = await host.CreateCohortAsync(members: 2);
        await host.ClientFor(cohort.Member(1)).PostAsync($"api/v1/groups/{cohort.GroupId}/leave", null);
        var asMember = await ReadAsync(await host.ClientFor(cohort.Member(0)).GetAsync($"api/v1/groups/{cohort.GroupId}/members"), HttpStatusCode.OK);
        Assert.Equal(new[] { "Coach Carla", "Member 1" }, asMember.EnumerateArray().Select(m => m.GetProperty("displayName").GetString()).ToArray());

        var asCoach = await ReadAsync(await host.ClientFor(cohort.Coach).GetAsync($"api/v1/groups/{cohort.GroupId}/members"), HttpStatusCode.OK);
        Assert.Equal(new[] { "active", "active", "left" }, asCoach.EnumerateArray().Select(m => m.GetProperty("status").GetString()).ToArray());
    }

    [Fact]
    public async Task A_member_opts_out_of_public_rank_and_back_in()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var member = host.ClientFor(cohort.Member(0));
        using var optOut = await member.PutAsync($"api/v1/groups/{cohort.GroupId}/rank-opt-out", null);
        Assert.Equal(HttpStatusCode.NoContent, optOut.StatusCode);
        Assert.True(await host.ScalarAsync<bool>("SELECT opted_out_of_rank FROM rm.group_members WHERE group_id = $1 AND member_id = $2", cohort.GroupId, cohort.Member(0).Id));
        using var optIn = await member.DeleteAsync($"api/v1/groups/{cohort.GroupId}/rank-opt-out");
        Assert.Equal(HttpStatusCode.NoContent, optIn.StatusCode);
        Assert.False(await host.ScalarAsync<bool>("SELECT opted_out_of_rank FROM rm.group_members WHERE group_id = $1 AND member_id = $2", cohort.GroupId, cohort.Member(0).Id));
    }
}
