using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Api.Tests.Infrastructure;
using StreamIds = Accountability.Domain.Common.StreamIds;
using Accountability.Domain.Goals;
using Accountability.Domain.Groups;
using Accountability.EventStore;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.Api.Tests.RealTime;

/// <summary>
/// Arranges what the feed tests need on a real host, through the HTTP API with real tokens: groups, invites, joins,
/// removals, pairs, goals, check-ins and hides. Sequences are read back from the event store.
/// </summary>
public sealed class FeedWorld(ApiHost host)
{
    private IEventStore Store => host.Services.GetRequiredService<IEventStore>();

    public Uri HubUrl => HubUrlOf(host);

    public static Uri HubUrlOf(ApiHost host) => new(host.BaseAddress, "hubs/feed");

    /// <summary>The log's committed head: a client resuming from here gets only what happens next.</summary>
    public Task<long> HeadAsync() => Store.ReadHighWaterMarkAsync();

    public async Task<Guid> CreateGroupAsync(TestMember coach, string numbersVisibility = "individual")
    {
        using var response = await host.ClientFor(coach).PostAsJsonAsync("api/v1/groups", new
        {
            name = "Morning runners",
            timeZoneId = "Europe/Paris",
            numbersVisibility,
        });
        await EnsureAsync(response, "create group");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("groupId").GetGuid();
    }

    /// <summary>Has the coach issue an invite code and each member join with it.</summary>
    public async Task JoinAsync(Guid groupId, TestMember coach, params TestMember[] members)
    {
        using var invite = await host.ClientFor(coach).PostAsJsonAsync($"api/v1/groups/{groupId}/invite-code", new { });
        await EnsureAsync(invite, "issue invite code");
        var code = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        foreach (var member in members)
        {
            using var joined = await host.ClientFor(member).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = code });
            await EnsureAsync(joined, "join");
        }
    }

    public async Task RemoveAsync(Guid groupId, TestMember coach, TestMember member)
    {
        using var response = await host.ClientFor(coach).PostAsJsonAsync($"api/v1/groups/{groupId}/members/{member.Id}/remove", new { reason = "Spam" });
        await EnsureAsync(response, "remove member");
    }

    public async Task<Guid> SetGoalAsync(TestMember member, Guid groupId, GoalVisibility visibility = GoalVisibility.Group)
    {
        using var response = await host.ClientFor(member).PostAsJsonAsync($"api/v1/groups/{groupId}/goals", new
        {
            title = "Run 5 km",
            measure = new { kind = "number", unit = "km", target = 5, direction = "at-least" },
            cadence = new { kind = "daily" },
            visibility = visibility switch
            {
                GoalVisibility.Group => "group",
                GoalVisibility.PartnersAndCoach => "partners-and-coach",
                _ => "coach-only",
            },
        });
        await EnsureAsync(response, "set goal");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("goalId").GetGuid();
    }

    /// <summary>
    /// Posts today's check-in on the goal over HTTP (a second one the same day amends it); returns the check-in's id
    /// and the sequence of the event it appended.
    /// </summary>
    public async Task<(Guid CheckInId, long Sequence)> CheckInAsync(TestMember member, Guid groupId, Guid goalId, string note = "felt great", bool share = true)
    {
        using var response = await host.ClientFor(member).PostAsJsonAsync($"api/v1/goals/{goalId}/check-ins", new
        {
            checkInId = Guid.NewGuid(),
            done = true,
            value = 5.2m,
            note,
            mood = 4,
            shareToFeed = share,
        });
        await EnsureAsync(response, "check in");
        var checkInId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checkInId").GetGuid();
        var stored = (await Store.ReadStreamAsync(StreamIds.Goal(goalId)))
            .Last(e => e.Data is CheckInPosted p && p.CheckInId == checkInId || e.Data is CheckInAmended a && a.CheckInId == checkInId);
        return (checkInId, stored.Sequence);
    }

    public async Task<long> HideAsync(Guid groupId, Guid itemId, TestMember coach)
    {
        using var response = await host.ClientFor(coach).PostAsJsonAsync($"api/v1/groups/{groupId}/items/{itemId}/hide", new { reason = "Off topic" });
        await EnsureAsync(response, "hide item");
        return (await Store.ReadStreamAsync(StreamIds.Group(groupId))).Last(e => e.Data is FeedItemHidden h && h.ItemId == itemId).Sequence;
    }

    public async Task PairAsync(Guid groupId, TestMember coach, TestMember first, TestMember second)
    {
        using var response = await host.ClientFor(coach).PostAsJsonAsync($"api/v1/groups/{groupId}/pairs", new { firstMemberId = first.Id, secondMemberId = second.Id });
        await EnsureAsync(response, "pair partners");
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
