using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Tests.Infrastructure;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>Concurrent writers on one stream: re-decided on conflict unless the client pinned a version.</summary>
public sealed class ConcurrencyTests(ApiHost host) : IClassFixture<ApiHost>
{
    /// <summary>
    /// Each round of conflicting appends lets at least one writer through, so with three re-decisions four writers
    /// colliding on one stream always all succeed (more may see a 409 and retry with their Idempotency-Key).
    /// </summary>
    [Fact]
    public async Task Members_joining_at_the_same_moment_all_get_in()
    {
        var cohort = await host.CreateCohortAsync(members: 0);
        var members = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => host.RegisterAsync()));
        var responses = await Task.WhenAll(members.Select(m => host.ClientFor(m).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = cohort.InviteCode })));
        var failed = await Task.WhenAll(responses.Where(r => r.StatusCode != HttpStatusCode.OK).Select(r => r.Content.ReadAsStringAsync()));
        Assert.True(failed.Length == 0, string.Join("\n", failed));
        Assert.Equal(4, (await host.EventTypesAsync(Group(cohort.GroupId))).Count(t => t == "member-joined"));
    }

    [Fact]
    public async Task Of_two_writers_pinning_the_same_version_one_wins_and_the_other_gets_412()
    {
        var cohort = await host.CreateCohortAsync(members: 0);
        var coach = host.ClientFor(cohort.Coach);
        var responses = await Task.WhenAll(
            coach.SendJsonAsync(HttpMethod.Patch, $"api/v1/groups/{cohort.GroupId}", new { name = "First" }, ifMatch: "\"2\""),
            coach.SendJsonAsync(HttpMethod.Patch, $"api/v1/groups/{cohort.GroupId}", new { name = "Second" }, ifMatch: "\"2\""));
        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.PreconditionFailed }, responses.Select(r => r.StatusCode).Order().ToArray());
        Assert.Equal(1, (await host.EventTypesAsync(Group(cohort.GroupId))).Count(t => t == "group-details-changed"));
    }

    [Fact]
    public async Task An_if_match_that_is_not_a_version_is_a_412()
    {
        var cohort = await host.CreateCohortAsync(members: 0);
        using var response = await host.ClientFor(cohort.Coach).SendJsonAsync(HttpMethod.Patch, $"api/v1/groups/{cohort.GroupId}", new { name = "X" }, ifMatch: "\"abc\"");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.PreconditionFailed, "urn:accountability:problem:precondition-failed");
    }
}
