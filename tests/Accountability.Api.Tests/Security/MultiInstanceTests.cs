using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Tests.Features.Write;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Testing;

namespace Accountability.Api.Tests.Security;

/// <summary>Two service processes on one database: started together, each accepts the other's tokens.</summary>
[Trait("Category", "Security")]
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private ApiHost first = null!;
    private ApiHost second = null!;

    public async Task InitializeAsync()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("twins");
        // Both start at once on an empty database: the schema and the first keys are created exactly once.
        var hosts = await Task.WhenAll(
            ApiHost.StartAsync(new ApiHostOptions { ConnectionString = database }),
            ApiHost.StartAsync(new ApiHostOptions { ConnectionString = database }));
        (first, second) = (hosts[0], hosts[1]);
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task Tokens_issued_by_one_instance_work_on_the_other()
    {
        var member = await first.RegisterAsync();
        var profile = await second.ClientFor(member).GetFromJsonAsync<ProfileResponse>("api/v1/account/profile");
        Assert.Equal(member.Id, profile!.MemberId);

        using var refreshed = await second.Client.PostAsJsonAsync("api/v1/account/refresh", new { refreshToken = member.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var tokens = (await refreshed.Content.ReadFromJsonAsync<TokenResponse>())!;
        using var back = await first.CreateClient(tokens.AccessToken).GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);

        // Reuse detected on the first instance of a token rotated on the second.
        using var reuse = await first.Client.PostAsJsonAsync("api/v1/account/refresh", new { refreshToken = member.RefreshToken });
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
    }

    [Fact]
    public async Task A_logout_on_one_instance_ends_the_session_on_the_other()
    {
        var member = await second.RegisterAsync();
        using var logout = await second.ClientFor(member).PostAsync("api/v1/account/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var profile = await first.ClientFor(member).GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.Unauthorized, profile.StatusCode);
    }

    [Fact]
    public async Task A_session_the_other_instance_already_knows_ends_there_too_and_its_profile_changes_reach_it()
    {
        // The first instance has checked both sessions and keeps them (no session read per request).
        var member = await second.RegisterAsync();
        var phone = await second.LoginAsync(member.Email, member.Password);
        using (var known = await first.ClientFor(member).GetAsync("api/v1/account/profile"))
        {
            Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await first.CreateClient(phone.AccessToken).GetAsync("api/v1/account/profile")).StatusCode);

        // A profile change made on the second reaches the first's requests.
        using (var changed = await second.ClientFor(member).PutAsJsonAsync("api/v1/account/profile", new { displayName = "Renamed Rita", timeZone = "Asia/Kathmandu" }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        var seen = await EventuallyAsync(async () =>
            (await first.CreateClient(phone.AccessToken).GetFromJsonAsync<ProfileResponse>("api/v1/account/profile"))!.TimeZone == "Asia/Kathmandu");
        Assert.True(seen, "The first instance kept answering with the old profile.");

        // Logging out on the second ends the session on the first; the other session goes on.
        using (var logout = await second.ClientFor(member).PostAsync("api/v1/account/logout", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        var ended = await EventuallyAsync(async () =>
            (await first.ClientFor(member).GetAsync("api/v1/account/profile")).StatusCode == HttpStatusCode.Unauthorized);
        Assert.True(ended, "The first instance kept accepting a session ended on the second.");
        Assert.Equal(HttpStatusCode.OK, (await first.CreateClient(phone.AccessToken).GetAsync("api/v1/account/profile")).StatusCode);
    }

    [Fact]
    public async Task A_member_removed_on_one_instance_cannot_check_in_on_the_other_that_kept_the_group()
    {
        var cohort = await first.CreateCohortAsync(members: 2);
        var member = cohort.Member(0);
        var goal = await first.SetGoalAsync(member, cohort.GroupId);

        // The second instance decides a check-in and keeps the goal's and the group's states in memory.
        var body = new { checkInId = Guid.NewGuid(), done = true };
        using (var posted = await second.ClientFor(member).PostAsJsonAsync($"api/v1/goals/{goal}/check-ins", body))
        {
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        }

        using (var removed = await first.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{member.Id}/remove", new { reason = "Moved on" }))
        {
            Assert.True(removed.IsSuccessStatusCode, $"remove: {(int)removed.StatusCode}");
        }

        // At once, before the second can have heard of it: the check that the group is where it was read refuses.
        var before = await first.EventTypesAsync(WriteSteps.Goal(goal));
        using var after = await second.ClientFor(member).PostAsJsonAsync($"api/v1/goals/{goal}/check-ins", new { checkInId = Guid.NewGuid(), done = false, note = "Still here?" });
        Assert.True(after.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"Expected 403 or 404, got {(int)after.StatusCode}");
        Assert.Equal(before, await first.EventTypesAsync(WriteSteps.Goal(goal)));
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            if (await condition())
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public async Task Both_instances_sign_with_the_one_stored_key()
    {
        var a = await first.RegisterAsync();
        var b = await second.RegisterAsync();
        Assert.Equal(
            new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(a.AccessToken).Kid,
            new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(b.AccessToken).Kid);
    }
}
