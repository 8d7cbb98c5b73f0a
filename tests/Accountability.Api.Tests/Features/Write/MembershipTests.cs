using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Features.Access;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.EventStore.Projections;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static Accountability.Api.Tests.Features.Write.WriteSteps;
using Membership = Accountability.Api.Features.Access.Membership;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>The Membership service every feature asks, the inline access tables behind it, and their rebuilds.</summary>
public sealed class MembershipTests(ApiHost host) : IClassFixture<ApiHost>
{
    private Membership Membership => host.Services.GetRequiredService<Membership>();

    [Fact]
    public async Task Roles_groups_partners_and_active_members_follow_the_group_at_once()
    {
        var cohort = await host.CreateCohortAsync(members: 3);
        var (a, b, c) = (cohort.Member(0), cohort.Member(1), cohort.Member(2));
        await host.PairAsync(cohort, a, b);
        await host.ClientFor(cohort.Coach).PutAsync($"api/v1/groups/{cohort.GroupId}/co-coaches/{c.Id}", null);

        Assert.Equal(GroupRole.Coach, await Membership.RoleInAsync(cohort.GroupId, cohort.Coach.Id, default));
        Assert.Equal(GroupRole.CoCoach, await Membership.RoleInAsync(cohort.GroupId, c.Id, default));
        Assert.Equal(GroupRole.Member, await Membership.RoleInAsync(cohort.GroupId, a.Id, default));
        Assert.Equal([(cohort.GroupId, GroupRole.Member)], await Membership.GroupsOfAsync(a.Id, default));
        Assert.Equal([b.Id], await Membership.PartnersOfAsync(cohort.GroupId, a.Id, default));
        Assert.Equal([a.Id], await Membership.PartnersOfAsync(cohort.GroupId, b.Id, default));
        Assert.Equal(new[] { cohort.Coach.Id, a.Id, b.Id, c.Id }.Order().ToArray(), (await Membership.ActiveMembersAsync(cohort.GroupId, default)).Order().ToArray());

        await host.ClientFor(a).PostAsync($"api/v1/groups/{cohort.GroupId}/leave", null);
        Assert.Null(await Membership.RoleInAsync(cohort.GroupId, a.Id, default));
        Assert.Empty(await Membership.GroupsOfAsync(a.Id, default));
        Assert.Empty(await Membership.PartnersOfAsync(cohort.GroupId, b.Id, default));
        Assert.DoesNotContain(a.Id, await Membership.ActiveMembersAsync(cohort.GroupId, default));
    }

    [Fact]
    public async Task A_mute_counts_until_it_runs_out_or_is_lifted()
    {
        var cohort = await host.CreateCohortAsync(members: 1);
        var member = cohort.Member(0);
        Assert.False(await Membership.IsMutedAsync(cohort.GroupId, member.Id, default));
        await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{member.Id}/mute", new { until = DateTimeOffset.UtcNow.AddHours(2), reason = "Cool off" });
        Assert.True(await Membership.IsMutedAsync(cohort.GroupId, member.Id, default));
        await host.ClientFor(cohort.Coach).DeleteAsync($"api/v1/groups/{cohort.GroupId}/members/{member.Id}/mute");
        Assert.False(await Membership.IsMutedAsync(cohort.GroupId, member.Id, default));
    }

    [Fact]
    public async Task Who_may_see_a_goal_follows_the_domains_visibility_rule()
    {
        var cohort = await host.CreateCohortAsync(members: 3);
        var (owner, partner, other) = (cohort.Member(0), cohort.Member(1), cohort.Member(2));
        await host.PairAsync(cohort, owner, partner);
        var outsider = await host.RegisterAsync();
        var goalId = await host.SetGoalAsync(owner, cohort.GroupId, new { title = "Shared with partners", measure = new { kind = "done" }, cadence = new { kind = "daily" }, visibility = "partners-and-coach" });

        Assert.Equal(new GoalAccess(goalId, cohort.GroupId, owner.Id, GoalVisibility.PartnersAndCoach, GoalStatus.Active), await Membership.GoalAsync(goalId, default));
        Assert.True(await Membership.CanSeeGoalAsync(owner.Id, goalId, default));
        Assert.True(await Membership.CanSeeGoalAsync(cohort.Coach.Id, goalId, default));
        Assert.True(await Membership.CanSeeGoalAsync(partner.Id, goalId, default));
        Assert.False(await Membership.CanSeeGoalAsync(other.Id, goalId, default));
        Assert.False(await Membership.CanSeeGoalAsync(outsider.Id, goalId, default));
        Assert.False(await Membership.CanSeeGoalAsync(owner.Id, Guid.NewGuid(), default));
        Assert.Null(await Membership.GoalAsync(Guid.NewGuid(), default));

        await host.ClientFor(owner).SendJsonAsync(HttpMethod.Put, $"api/v1/goals/{goalId}/visibility", new { visibility = "group" });
        Assert.Equal(Accountability.Domain.Feed.Access.Summary, await Membership.GoalAccessForAsync(other.Id, goalId, default));

        await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{other.Id}/remove", new { reason = "Gone" });
        Assert.False(await Membership.CanSeeGoalAsync(other.Id, goalId, default));
    }

    [Fact]
    public async Task Display_names_come_from_the_accounts()
    {
        var member = await host.RegisterAsync(displayName: "Ada Lovelace");
        var names = host.Services.GetRequiredService<MemberNames>();
        Assert.Equal("Ada Lovelace", await names.DisplayNameAsync(member.Id, default));
        Assert.Null(await names.DisplayNameAsync(Guid.NewGuid(), default));
    }

    [Fact]
    public async Task A_kept_display_name_gives_way_to_a_rename_at_once_and_to_one_made_by_another_process()
    {
        var member = await host.RegisterAsync(displayName: "Ada Lovelace");
        var names = host.Services.GetRequiredService<MemberNames>();
        Assert.Equal("Ada Lovelace", await names.DisplayNameAsync(member.Id, default));

        // Renamed through this process: the answer leaves after the kept name is gone.
        using var renamed = await host.ClientFor(member).PutAsJsonAsync("api/v1/account/profile", new { displayName = "Ada King", timeZone = "Europe/London" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Ada King", await names.DisplayNameAsync(member.Id, default));

        // Renamed by another process (straight in the accounts table): the change notification drops the kept name.
        await using (var connection = new NpgsqlConnection(host.ConnectionString))
        {
            await connection.OpenAsync();
            await using var update = new NpgsqlCommand("UPDATE identity.accounts SET display_name = 'Countess of Lovelace' WHERE id = $1", connection);
            update.Parameters.Add(new NpgsqlParameter { Value = member.Id });
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await names.DisplayNameAsync(member.Id, default) != "Countess of Lovelace" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal("Countess of Lovelace", await names.DisplayNameAsync(member.Id, default));
    }

    [Fact]
    public async Task Rebuilding_every_write_side_table_from_the_log_gives_the_same_rows()
    {
        await ArrangeBusyGroupAsync();
        var admin = host.Services.GetRequiredService<IProjectionAdmin>();
        var names = new[] { "access-groups", "access-group-members", "access-goals", "access-partner-pairs", "member-pauses", "streak-corrections", "check-in-days", "group-items", "partner-requests" };
        var tables = new[] { "rm.groups", "rm.group_members", "rm.goals", "rm.partner_pairs", "rm.pauses", "rm.streak_corrections", "rm.check_in_days", "rm.group_items", "rm.item_reports", "rm.group_comments", "rm.partner_requests", "rm.nudges" };
        var before = await ContentsAsync(tables);
        foreach (var name in names)
        {
            await admin.RebuildAsync(name, TimeSpan.FromMinutes(1));
        }

        var after = await ContentsAsync(tables);
        foreach (var table in tables)
        {
            Assert.True(before[table].Count > 0, $"{table} is empty: the arrangement did not exercise it");
            Assert.Equal(before[table], after[table]);
        }
    }

    private async Task ArrangeBusyGroupAsync()
    {
        var cohort = await host.CreateCohortAsync(members: 6);
        var m = cohort.Members;
        var coach = host.ClientFor(cohort.Coach);
        var pairId = await host.PairAsync(cohort, m[0], m[1]);
        await host.PairAsync(cohort, m[2], m[3]);
        await host.PairAsync(cohort, m[0], m[5]); // still paired at the end: the arrangement needs a current pair of its own
        await host.ClientFor(m[0]).DeleteAsync($"api/v1/groups/{cohort.GroupId}/pairs/{pairId}");
        await coach.PutAsync($"api/v1/groups/{cohort.GroupId}/co-coaches/{m[4].Id}", null);
        await coach.SendJsonAsync(HttpMethod.Patch, $"api/v1/groups/{cohort.GroupId}", new { name = "Renamed", graceMinutes = 90 });
        await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{m[3].Id}/mute", new { until = DateTimeOffset.UtcNow.AddDays(1), reason = "x" });
        await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{m[2].Id}/remove", new { reason = "x" });
        await host.ClientFor(m[1]).PostAsync($"api/v1/groups/{cohort.GroupId}/leave", null);
        await host.ClientFor(m[0]).PutAsync($"api/v1/groups/{cohort.GroupId}/rank-opt-out", null);
        var goalId = await host.SetGoalAsync(m[0], cohort.GroupId);
        var checkInId = Guid.NewGuid();
        await host.ClientFor(m[0]).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId, done = true });
        await host.ClientFor(m[0]).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId = Guid.NewGuid(), done = false });
        await host.ClientFor(m[0]).PostAsJsonAsync($"api/v1/goals/{goalId}/achieve", new { });
        await host.ClientFor(m[4]).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/comments", new { text = "Nice" });
        await host.ClientFor(m[4]).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkInId}/reports", new { reason = "spam" });
        await host.ClientFor(m[0]).PostAsJsonAsync("api/v1/me/pauses", new { pauseId = Guid.NewGuid(), firstDate = Today().AddDays(2), reason = "travel" });
        await host.ClientFor(m[0]).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/partner-requests", new { targetId = m[4].Id });
        await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{m[0].Id}/nudges", new { });
        var past = await host.SetGoalInThePastAsync(m[4], cohort.GroupId, daysAgo: 4);
        await host.CheckInInThePastAsync(m[4], past, cohort.GroupId, daysAgo: 4);
        await ReadAsync(await host.ClientFor(m[4]).PostAsJsonAsync($"api/v1/goals/{past}/corrections", new { correctionId = Guid.NewGuid(), date = Today().AddDays(-3), reason = "Sick" }), HttpStatusCode.Created);
    }

    private async Task<Dictionary<string, List<string>>> ContentsAsync(IEnumerable<string> tables)
    {
        var contents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT t::text FROM {table} t ORDER BY 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }

            contents[table] = rows;
        }

        return contents;
    }
}
