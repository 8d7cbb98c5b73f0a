using System.Net;
using System.Text;
using Accountability.Api.Identity.Access;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.Api.Tests.Security;

/// <summary>
/// A caller that an access rule must refuse on one endpoint, arranged by an <see cref="IAccessRuleScenario"/>:
/// the caller's client, the concrete URL (route values chosen by the scenario), an optional body, and the
/// expected refusal (404 where existence is private, else 403).
/// </summary>
public sealed record DeniedCall(HttpClient Caller, string Url, HttpStatusCode Expected, string? JsonBody = null);

/// <summary>
/// How the access matrix finds a refused caller for a rule. Features add one class per rule they declare
/// (found by reflection; a public parameterless constructor), for example for <c>group-member</c>: register a
/// coach who creates a group, register an outsider, and return the outsider's client with the group's id in the
/// route and <see cref="HttpStatusCode.NotFound"/>; for <c>group-coach</c>: a plain member of the group and 403;
/// for <c>partner</c>: a member of the same group who is not the partner.
/// </summary>
public interface IAccessRuleScenario
{
    AccessRule Rule { get; }

    Task<DeniedCall> ArrangeAsync(ApiHost host, EndpointCatalog.ApiEndpoint endpoint);
}

/// <summary>
/// The authorization matrix over every endpoint the application maps (read from its EndpointDataSource, so new
/// endpoints are covered without edits here): each declares its access, anonymous callers get 401 unless the
/// endpoint is public, every rule has an evaluator, and every rule's refused caller is refused.
/// </summary>
[Trait("Category", "Security")]
public sealed class AccessMatrixTests(ApiHost host) : IClassFixture<ApiHost>
{
    private IReadOnlyList<EndpointCatalog.ApiEndpoint> Endpoints => EndpointCatalog.All(host.Services);

    [Fact]
    public void Every_endpoint_declares_its_access()
    {
        var undeclared = Endpoints
            .Where(e => !e.AllowsAnonymous && e.Metadata.GetMetadata<AccessMetadata>() is null)
            .Select(e => e.ToString())
            .ToList();
        Assert.True(undeclared.Count == 0,
            "Declare .RequireAccess(AccessRule.X) or .AllowAnonymous() on: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void The_application_maps_the_account_endpoints()
    {
        var routes = Endpoints.Select(e => e.ToString()).ToList();
        Assert.Contains("POST /api/v1/account/login", routes);
        Assert.Contains("GET /api/v1/account/profile", routes);
    }

    [Fact]
    public async Task Anonymous_callers_get_401_on_every_endpoint_that_is_not_public()
    {
        var failures = new List<string>();
        foreach (var endpoint in Endpoints)
        {
            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Url().TrimStart('/'));
            if (endpoint.IsWrite)
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await host.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            if (endpoint.AllowsAnonymous)
            {
                if (status is 401 or >= 500)
                {
                    failures.Add($"{endpoint} is public but answered {status}");
                }
            }
            else if (response.StatusCode != HttpStatusCode.Unauthorized
                     || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{endpoint} answered {status} ({response.Content.Headers.ContentType?.MediaType}) to an anonymous caller");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Every_declared_rule_has_an_evaluator()
    {
        using var scope = host.Services.CreateScope();
        var evaluated = scope.ServiceProvider.GetServices<IAccessRuleEvaluator>().Select(e => e.Rule).ToHashSet();
        var missing = DeclaredRules().Where(rule => !evaluated.Contains(rule)).Select(rule => rule.Name).ToList();
        Assert.True(missing.Count == 0, "Register an IAccessRuleEvaluator for: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Every_rule_refuses_its_denied_caller_on_every_endpoint_that_declares_it()
    {
        var scenarios = typeof(AccessMatrixTests).Assembly.GetTypes()
            .Where(t => typeof(IAccessRuleScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (IAccessRuleScenario)Activator.CreateInstance(t)!)
            .ToDictionary(s => s.Rule);

        var failures = new List<string>();
        foreach (var endpoint in Endpoints)
        {
            foreach (var rule in RulesOf(endpoint).Where(r => !r.Equals(AccessRule.Authenticated)))
            {
                if (!scenarios.TryGetValue(rule, out var scenario))
                {
                    failures.Add($"{endpoint}: rule '{rule.Name}' has no IAccessRuleScenario in the tests");
                    continue;
                }

                var call = await scenario.ArrangeAsync(host, endpoint);
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), call.Url.TrimStart('/'));
                if (call.JsonBody is not null || endpoint.IsWrite)
                {
                    request.Content = new StringContent(call.JsonBody ?? "{}", Encoding.UTF8, "application/json");
                }

                using var response = await call.Caller.SendAsync(request);
                if (response.StatusCode != call.Expected || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{endpoint}: rule '{rule.Name}' let a refused caller through with {(int)response.StatusCode}, expected {(int)call.Expected}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private IEnumerable<AccessRule> DeclaredRules() =>
        Endpoints.SelectMany(RulesOf).Where(r => !r.Equals(AccessRule.Authenticated)).Distinct();

    private static IEnumerable<AccessRule> RulesOf(EndpointCatalog.ApiEndpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<AccessMetadata>().SelectMany(m => m.Rules);
}
