using System.Net;
using Accountability.Api.Identity.Access;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.Api.Tests.Security;

/// <summary>Test-only rules with evaluators, the way features plug theirs in.</summary>
public sealed class AccessRuleHost : ApiHost
{
    public static readonly AccessRule Owner = new("test-owner", "the member named in the route");
    public static readonly AccessRule CoachOnly = new("test-coach-only", "nobody in this test");
    public static readonly AccessRule WithoutEvaluator = new("test-no-evaluator", "a rule nobody evaluates");

    public AccessRuleHost()
        : base(new ApiHostOptions
        {
            ConfigureBuilder = builder =>
            {
                builder.Services.AddScoped<IAccessRuleEvaluator, OwnerEvaluator>();
                builder.Services.AddScoped<IAccessRuleEvaluator, NobodyIsCoach>();
            },
            MapEndpoints = app =>
            {
                app.MapGet("/api/v1/test/owners/{ownerId:guid}", (Guid ownerId) => TypedResults.Ok(new { ownerId })).RequireAccess(Owner);
                app.MapPost("/api/v1/test/coach-actions", () => TypedResults.NoContent()).RequireAccess(CoachOnly);
                app.MapGet("/api/v1/test/unevaluated", () => TypedResults.Ok()).RequireAccess(WithoutEvaluator);
            },
        })
    {
    }

    private sealed class OwnerEvaluator : IAccessRuleEvaluator
    {
        public AccessRule Rule => Owner;

        public ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(Guid.TryParse(context.RouteValues["ownerId"]?.ToString(), out var owner) && owner == context.MemberId
                ? AccessDecision.Allow
                : AccessDecision.Hide);
    }

    private sealed class NobodyIsCoach : IAccessRuleEvaluator
    {
        public AccessRule Rule => CoachOnly;

        public ValueTask<AccessDecision> EvaluateAsync(AccessContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AccessDecision.Forbid);
    }
}

/// <summary>Rule evaluators decide allow, 403 or 404; a rule without an evaluator refuses everyone.</summary>
[Trait("Category", "Security")]
public sealed class AccessRuleTests(AccessRuleHost host) : IClassFixture<AccessRuleHost>
{
    [Fact]
    public async Task An_allowing_rule_lets_the_member_through()
    {
        var member = await host.RegisterAsync();
        using var response = await host.ClientFor(member).GetAsync($"api/v1/test/owners/{member.Id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_hiding_rule_answers_404_as_if_the_resource_did_not_exist()
    {
        var member = await host.RegisterAsync();
        var other = await host.RegisterAsync();
        using var response = await host.ClientFor(member).GetAsync($"api/v1/test/owners/{other.Id}");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task A_forbidding_rule_answers_403_before_the_body_is_read()
    {
        var member = await host.RegisterAsync();
        using var content = new StringContent("{ not even json", System.Text.Encoding.UTF8, "application/json");
        using var response = await host.ClientFor(member).PostAsync("api/v1/test/coach-actions", content);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden, ProblemTypes.Forbidden);
    }

    [Fact]
    public async Task A_rule_without_an_evaluator_refuses_everyone()
    {
        var member = await host.RegisterAsync();
        using var response = await host.ClientFor(member).GetAsync("api/v1/test/unevaluated");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Anonymous_callers_get_401_before_any_rule_runs()
    {
        using var response = await host.Client.GetAsync($"api/v1/test/owners/{Guid.NewGuid()}");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }
}
