using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Tests.Infrastructure;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

public sealed class NudgeLimitHost() : ApiHost(new ApiHostOptions
{
    DatabasePrefix = "nudges",
    Settings = { ["RateLimiting:NudgesPerMember:Permits"] = "2", ["RateLimiting:NudgesPerMember:WindowSeconds"] = "3600" },
});

/// <summary>Besides the domain's daily budgets, the edge limits how fast one member can send nudges at all.</summary>
public sealed class NudgeRateLimitTests(NudgeLimitHost host) : IClassFixture<NudgeLimitHost>
{
    [Fact]
    public async Task Nudging_faster_than_the_nudges_policy_allows_is_a_429_before_any_decision()
    {
        var cohort = await host.CreateCohortAsync(members: 3);
        var coach = host.ClientFor(cohort.Coach);
        await ReadAsync(await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{cohort.Member(0).Id}/nudges", new { }), HttpStatusCode.Created);
        await ReadAsync(await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{cohort.Member(1).Id}/nudges", new { }), HttpStatusCode.Created);
        var before = await host.EventCountAsync(Member(cohort.Coach.Id));
        using var third = await coach.PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/members/{cohort.Member(2).Id}/nudges", new { });
        await ProblemAssert.IsProblemAsync(third, HttpStatusCode.TooManyRequests, "urn:accountability:problem:too-many-requests");
        Assert.True(third.Headers.Contains("Retry-After"));
        Assert.Equal(before, await host.EventCountAsync(Member(cohort.Coach.Id)));
    }
}
