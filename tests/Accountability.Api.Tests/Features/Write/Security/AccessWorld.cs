using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing.Patterns;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write.Security;

/// <summary>
/// A group full of things to protect, and the people the access rules must refuse, built once per host: a coach,
/// a partner pair (<see cref="Owner"/> and <see cref="Partner"/>), a plain member who is neither staff nor partner
/// (<see cref="Bystander"/>), and an <see cref="Outsider"/> who coaches another group. The owner has a goal with a
/// check-in and a comment; every name, title and note carries <see cref="Secret"/> so a test can prove none of it
/// leaks into a refusal.
/// </summary>
public sealed class AccessWorld
{
    private static readonly ConditionalWeakTable<ApiHost, Task<AccessWorld>> Worlds = [];

    public required string Secret { get; init; }

    public required Guid GroupId { get; init; }

    public required TestMember Coach { get; init; }

    public required TestMember Owner { get; init; }

    public required TestMember Partner { get; init; }

    public required TestMember Bystander { get; init; }

    public required TestMember Outsider { get; init; }

    public required Guid OtherGroupId { get; init; }

    public required Guid GoalId { get; init; }

    public required Guid CheckInId { get; init; }

    public required Guid CommentId { get; init; }

    public required Guid PairId { get; init; }

    public required Guid RequestId { get; init; }

    public static Task<AccessWorld> OfAsync(ApiHost host)
    {
        lock (Worlds)
        {
            return Worlds.GetValue(host, BuildAsync);
        }
    }

    /// <summary>The endpoint's URL with every route value naming this world's things (unknown ones get samples).</summary>
    public string Url(EndpointCatalog.ApiEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.Url(parameter => parameter.Name switch
        {
            "groupId" => GroupId.ToString(),
            "goalId" => GoalId.ToString(),
            "memberId" => Owner.Id.ToString(),
            "itemId" => CheckInId.ToString(),
            "commentId" => CommentId.ToString(),
            "pairId" => PairId.ToString(),
            "requestId" => RequestId.ToString(),
            _ => EndpointCatalog.SampleValue(parameter),
        });
    }

    public static bool Names(EndpointCatalog.ApiEndpoint endpoint, string parameter) =>
        endpoint.Endpoint.RoutePattern.Parameters.Any(p => p.Name == parameter);

    private static async Task<AccessWorld> BuildAsync(ApiHost host)
    {
        var secret = "Secret-" + Guid.NewGuid().ToString("N")[..8];
        var coach = await host.RegisterAsync(displayName: $"{secret} coach");
        var owner = await host.RegisterAsync(displayName: $"{secret} owner");
        var partner = await host.RegisterAsync(displayName: $"{secret} partner");
        var bystander = await host.RegisterAsync(displayName: $"{secret} bystander");
        var outsider = await host.RegisterAsync(displayName: "Outsider");

        var group = await ReadAsync(await host.ClientFor(coach).PostAsJsonAsync("api/v1/groups", new { name = $"{secret} cohort", description = $"{secret} description", timeZoneId = "Europe/Paris" }), HttpStatusCode.Created);
        var groupId = group.GetProperty("groupId").GetGuid();
        var code = (await ReadAsync(await host.ClientFor(coach).PostAsJsonAsync($"api/v1/groups/{groupId}/invite-code", new { }), HttpStatusCode.OK)).GetProperty("code").GetString();
        foreach (var member in new[] { owner, partner, bystander })
        {
            await ReadAsync(await host.ClientFor(member).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = code }), HttpStatusCode.OK);
        }

        var other = await ReadAsync(await host.ClientFor(outsider).PostAsJsonAsync("api/v1/groups", new { name = "Other cohort", timeZoneId = "UTC" }), HttpStatusCode.Created);
        var pair = await ReadAsync(await host.ClientFor(coach).PostAsJsonAsync($"api/v1/groups/{groupId}/pairs", new { firstMemberId = owner.Id, secondMemberId = partner.Id }), HttpStatusCode.Created);
        var goalId = await host.SetGoalAsync(owner, groupId, new { title = $"{secret} goal", why = $"{secret} why", measure = new { kind = "done" }, cadence = new { kind = "daily" } });
        var checkInId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(owner).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new { checkInId, done = true, note = $"{secret} note" }), HttpStatusCode.Created);
        var commentId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(partner).PostAsJsonAsync($"api/v1/groups/{groupId}/items/{checkInId}/comments", new { commentId, text = $"{secret} comment" }), HttpStatusCode.Created);
        var requestId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(bystander).PostAsJsonAsync($"api/v1/groups/{groupId}/partner-requests", new { requestId, targetId = owner.Id, message = $"{secret} message" }), HttpStatusCode.Created);

        return new AccessWorld
        {
            Secret = secret,
            GroupId = groupId,
            Coach = coach,
            Owner = owner,
            Partner = partner,
            Bystander = bystander,
            Outsider = outsider,
            OtherGroupId = other.GetProperty("groupId").GetGuid(),
            GoalId = goalId,
            CheckInId = checkInId,
            CommentId = commentId,
            PairId = pair.GetProperty("pairId").GetGuid(),
            RequestId = requestId,
        };
    }
}
