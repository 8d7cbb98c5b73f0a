using System.Net;
using System.Text;
using Accountability.Api.Features.Access;
using Accountability.Api.Identity.Access;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Features.Write.Security;

/// <summary>
/// Every endpoint guarded by a product access rule (whichever feature maps it), called by the people the rule must
/// refuse: anonymous (401), someone from another group (404), a plain member where staff, the owner or a partner
/// is needed (403). No refusal carries a byte of the group's names, titles or notes.
/// </summary>
[Trait("Category", "Security")]
public sealed class WriteAccessTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly AccessRule[] ProductRules =
    [
        AccessRules.GroupMember, AccessRules.GroupStaff, AccessRules.GroupCoach, AccessRules.GoalViewer,
        AccessRules.GoalOwner, AccessRules.MemberSelfOrStaff, AccessRules.PartnerOrSelf,
    ];

    private static readonly AccessRule[] ForbiddenToBystanders =
    [
        AccessRules.GroupStaff, AccessRules.GroupCoach, AccessRules.GoalOwner, AccessRules.MemberSelfOrStaff, AccessRules.PartnerOrSelf,
    ];

    private IEnumerable<(EndpointCatalog.ApiEndpoint Endpoint, IReadOnlyList<AccessRule> Rules)> Guarded() =>
        EndpointCatalog.All(host.Services)
            .Select(e => (e, (IReadOnlyList<AccessRule>)e.Metadata.GetOrderedMetadata<AccessMetadata>().SelectMany(m => m.Rules).ToList()))
            .Where(e => e.Item2.Any(ProductRules.Contains));

    [Fact]
    public void The_write_side_guards_its_endpoints_with_the_product_rules()
    {
        var routes = Guarded().Select(g => g.Endpoint.ToString()).ToList();
        Assert.Contains("POST /api/v1/goals/{goalId:guid}/check-ins", routes);
        Assert.Contains("POST /api/v1/groups/{groupId:guid}/members/{memberId:guid}/nudges", routes);
        Assert.Contains("PATCH /api/v1/groups/{groupId:guid}", routes);
        Assert.True(routes.Count >= 40, $"Only {routes.Count} guarded endpoints: {string.Join(", ", routes)}");
    }

    [Fact]
    public async Task Anonymous_callers_get_401_on_every_guarded_endpoint()
    {
        var world = await AccessWorld.OfAsync(host);
        var failures = new List<string>();
        foreach (var (endpoint, _) in Guarded())
        {
            using var response = await SendAsync(host.Client, endpoint, world);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Unauthorized || body.Contains(world.Secret, StringComparison.Ordinal))
            {
                failures.Add($"{endpoint}: {(int)response.StatusCode} {body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Someone_from_another_group_gets_404_everywhere_and_learns_nothing()
    {
        var world = await AccessWorld.OfAsync(host);
        var outsider = host.ClientFor(world.Outsider);
        var failures = new List<string>();
        foreach (var (endpoint, _) in Guarded())
        {
            using var response = await SendAsync(outsider, endpoint, world);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.NotFound
                || response.Content.Headers.ContentType?.MediaType != "application/problem+json"
                || body.Contains(world.Secret, StringComparison.Ordinal))
            {
                failures.Add($"{endpoint}: {(int)response.StatusCode} {body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_plain_member_gets_403_where_staff_the_owner_or_a_partner_is_needed()
    {
        var world = await AccessWorld.OfAsync(host);
        var bystander = host.ClientFor(world.Bystander);
        var failures = new List<string>();
        foreach (var (endpoint, rules) in Guarded().Where(g => g.Rules.Any(ForbiddenToBystanders.Contains)))
        {
            using var response = await SendAsync(bystander, endpoint, world);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Forbidden || body.Contains(world.Secret, StringComparison.Ordinal))
            {
                failures.Add($"{endpoint} ({string.Join(", ", rules)}): {(int)response.StatusCode} {body}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_partner_passes_the_partner_rule_and_the_bystander_does_not()
    {
        var world = await AccessWorld.OfAsync(host);
        var url = $"api/v1/groups/{world.GroupId}/members/{world.Owner.Id}/nudges";
        using var byPartner = await host.ClientFor(world.Partner).PostAsync(url, new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, byPartner.StatusCode);
        using var byBystander = await host.ClientFor(world.Bystander).PostAsync(url, new StringContent("{}", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblemAsync(byBystander, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_member_who_was_removed_is_shut_out_at_once()
    {
        var world = await AccessWorld.OfAsync(host);
        var removed = await host.RegisterAsync();
        var code = (await WriteSteps.ReadAsync(await host.ClientFor(world.Coach).PostAsync($"api/v1/groups/{world.GroupId}/invite-code", new StringContent("{}", Encoding.UTF8, "application/json")), HttpStatusCode.OK))
            .GetProperty("code").GetString();
        await WriteSteps.ReadAsync(await host.ClientFor(removed).PostAsync("api/v1/groups/join", new StringContent($$"""{"inviteCode":"{{code}}"}""", Encoding.UTF8, "application/json")), HttpStatusCode.OK);
        await WriteSteps.ReadAsync(await host.ClientFor(removed).GetAsync($"api/v1/goals/{world.GoalId}"), HttpStatusCode.OK);

        using var remove = await host.ClientFor(world.Coach).PostAsync($"api/v1/groups/{world.GroupId}/members/{removed.Id}/remove", new StringContent("""{"reason":"Left the program"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        using var goal = await host.ClientFor(removed).GetAsync($"api/v1/goals/{world.GoalId}");
        var problem = await ProblemAssert.IsProblemAsync(goal, HttpStatusCode.NotFound);
        Assert.DoesNotContain(world.Secret, problem.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, EndpointCatalog.ApiEndpoint endpoint, AccessWorld world)
    {
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), world.Url(endpoint).TrimStart('/'));
        if (endpoint.IsWrite)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }
}
