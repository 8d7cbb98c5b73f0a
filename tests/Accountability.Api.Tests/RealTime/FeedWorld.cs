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
/// Arranges what the feed tests need on a real host: groups, invites, joins and removals through the HTTP API with
/// real tokens; goals, check-ins and moderation as the domain events their commands append (through the event
/// store, the same path the commands take).
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
        var goalId = Guid.NewGuid();
        await Store.AppendAsync(StreamIds.Goal(goalId), ExpectedVersion.NoStream,
        [
            new EventData(new GoalSet(goalId, groupId, member.Id, "Run 5 km", null, GoalMeasure.Number("km", 5), Cadence.Daily,
                new DateOnly(2026, 1, 1), null, null, null, visibility, DateTimeOffset.UtcNow)),
        ]);
        return goalId;
    }

    /// <summary>Posts a check-in on the goal; returns its id and the event's sequence.</summary>
    public async Task<(Guid CheckInId, long Sequence)> CheckInAsync(TestMember member, Guid groupId, Guid goalId, string note = "felt great", bool share = true)
    {
        var checkInId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var result = await Store.AppendAsync(StreamIds.Goal(goalId), ExpectedVersion.Any,
        [
            new EventData(new CheckInPosted(checkInId, goalId, groupId, member.Id, DateOnly.FromDateTime(now.UtcDateTime), true, 5.2m, note,
                [], 4, false, share, now, "Europe/Paris", DateOnly.FromDateTime(now.UtcDateTime))),
        ]);
        return (checkInId, result.LastSequence);
    }

    public async Task<long> HideAsync(Guid groupId, Guid itemId, TestMember coach)
    {
        var result = await Store.AppendAsync(StreamIds.Group(groupId), ExpectedVersion.Any,
            [new EventData(new FeedItemHidden(groupId, itemId, "Off topic", coach.Id, DateTimeOffset.UtcNow))]);
        return result.LastSequence;
    }

    public async Task PairAsync(Guid groupId, TestMember coach, TestMember first, TestMember second)
    {
        await Store.AppendAsync(StreamIds.Group(groupId), ExpectedVersion.Any,
            [new EventData(new PartnersPaired(groupId, Guid.NewGuid(), first.Id, second.Id, null, coach.Id, DateTimeOffset.UtcNow))]);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{what} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
