using System.Net;
using System.Text.Json;
using Accountability.Api.Features.Admin;
using Accountability.Api.Features.CoachViews;
using Accountability.Api.Features.Feed;
using Accountability.Api.Features.Progress.ReadModel;
using Accountability.Api.Identity.Access;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Api.Tests.Security;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>Projection status, dead letters and rebuilds: for the operators named in configuration, nobody else.</summary>
[Trait("Category", "Read")]
public sealed class AdminTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task An_operator_sees_every_projection_with_its_lag_and_can_rebuild_one_and_members_get_403()
    {
        var operatorMember = await host.RegisterAsync(displayName: "Olga Operator");
        var coach = (await host.CohortAsync(members: 1)).Coach;
        host.App.Configuration[$"{AdminSettings.Section}:MemberIds"] = operatorMember.Id.ToString();
        await host.SettleAsync();

        var status = await host.GetJsonAsync(operatorMember, "/api/v1/admin/projections");
        var projections = status.Items("projections").ToDictionary(p => p.GetProperty("name").GetString()!);
        foreach (var name in new[] { CohortProgressProjection.ProjectionName, FeedProjection.ProjectionName, TimelineProjection.ProjectionName })
        {
            Assert.Equal("async", projections[name].GetProperty("lifecycle").GetString());
            Assert.Equal(0, projections[name].GetProperty("lag").GetInt64());
            Assert.Equal(status.GetProperty("highWaterMark").GetInt64(), projections[name].GetProperty("position").GetInt64());
            Assert.Equal(0, projections[name].GetProperty("deadLetters").GetInt64());
        }

        Assert.Empty((await host.GetJsonAsync(operatorMember, $"/api/v1/admin/projections/{FeedProjection.ProjectionName}/dead-letters")).EnumerateArray());
        await host.GetJsonAsync(operatorMember, "/api/v1/admin/projections/no-such-projection/dead-letters", HttpStatusCode.NotFound);
        await host.GetJsonAsync(operatorMember, $"/api/v1/admin/projections/{FeedProjection.ProjectionName}/dead-letters?limit=0", HttpStatusCode.BadRequest);

        var started = await host.PostJsonAsync(operatorMember, $"/api/v1/admin/projections/{FeedProjection.ProjectionName}/rebuild", new { }, HttpStatusCode.Accepted);
        Assert.Equal("started", started.GetProperty("status").GetString());
        await host.PostJsonAsync(operatorMember, "/api/v1/admin/projections/no-such-projection/rebuild", new { }, HttpStatusCode.NotFound);

        // The rebuild runs in the background: its progress is the projection's status.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement feed;
        do
        {
            await Task.Delay(50);
            var after = await host.GetJsonAsync(operatorMember, "/api/v1/admin/projections");
            feed = after.Items("projections").Single(p => p.GetProperty("name").GetString() == FeedProjection.ProjectionName);
        }
        while ((feed.GetProperty("rebuildRunningHere").GetBoolean() || feed.GetProperty("lag").GetInt64() > 0) && DateTime.UtcNow < deadline);
        Assert.Equal(0, feed.GetProperty("lag").GetInt64());
        Assert.Equal("running", feed.GetProperty("status").GetString());

        await host.GetJsonAsync(coach, "/api/v1/admin/projections", HttpStatusCode.Forbidden);
        await host.GetJsonAsync(coach, $"/api/v1/admin/projections/{FeedProjection.ProjectionName}/dead-letters", HttpStatusCode.Forbidden);
        await host.PostJsonAsync(coach, $"/api/v1/admin/projections/{FeedProjection.ProjectionName}/rebuild", new { }, HttpStatusCode.Forbidden);
    }
}

/// <summary>For the access matrix: a signed-in member who is not an operator is refused the admin endpoints with 403.</summary>
public sealed class ServiceAdminScenario : IAccessRuleScenario
{
    public AccessRule Rule => AdminRules.ServiceAdmin;

    public async Task<DeniedCall> ArrangeAsync(ApiHost host, EndpointCatalog.ApiEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(endpoint);
        var member = await host.RegisterAsync();
        return new DeniedCall(host.ClientFor(member), endpoint.Url(p => p.Name == "name" ? FeedProjection.ProjectionName : EndpointCatalog.SampleValue(p)), HttpStatusCode.Forbidden);
    }
}
