using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Domain.Goals;

namespace Accountability.Api.Tests.RealTime;

/// <summary>Who hears what, with the npm SignalR client in Node against the service on loopback.</summary>
[Trait("Category", "RealTime")]
public sealed class FeedDeliveryTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(700);
    private readonly FeedWorld world = new(host);

    [Fact]
    public async Task A_member_receives_a_group_mates_check_in_and_a_member_of_another_group_receives_nothing()
    {
        var (coach, alice, bob) = (await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, alice, bob);
        var (otherCoach, outsider) = (await host.RegisterAsync(), await host.RegisterAsync());
        var otherGroup = await world.CreateGroupAsync(otherCoach);
        await world.JoinAsync(otherGroup, otherCoach, outsider);
        var goal = await world.SetGoalAsync(alice, group);

        var head = await world.HeadAsync();
        await using var bobClient = await FeedClient.StartAsync(world.HubUrl, bob.AccessToken, head);
        await using var outsiderClient = await FeedClient.StartAsync(world.HubUrl, outsider.AccessToken, head);
        var (checkIn, sequence) = await world.CheckInAsync(alice, group, goal, note: "5.2 km before work");

        var added = await bobClient.WaitForMessageAsync("feedItemAdded", d => d.GetProperty("item").GetProperty("itemId").GetGuid() == checkIn);
        Assert.Equal(sequence, added.Sequence);
        Assert.Equal(group, added.Data.GetProperty("groupId").GetGuid());
        var item = added.Data.GetProperty("item");
        Assert.Equal("checkIn", item.GetProperty("kind").GetString());
        Assert.Equal(alice.Id, item.GetProperty("authorId").GetGuid());
        Assert.Equal(alice.DisplayName, item.GetProperty("authorName").GetString());
        Assert.Equal("5.2 km before work", item.GetProperty("checkIn").GetProperty("note").GetString());

        await Task.Delay(Quiet);
        Assert.DoesNotContain(outsiderClient.Messages, m => m.Data.GetProperty("groupId").GetGuid() == group || m.Sequence == sequence);
    }

    [Fact]
    public async Task Goal_visibility_decides_who_hears_of_a_check_in()
    {
        var (coach, alice, partner, member) = (await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach, numbersVisibility: "aggregate-only");
        await world.JoinAsync(group, coach, alice, partner, member);
        await world.PairAsync(group, coach, alice, partner);
        var shared = await world.SetGoalAsync(alice, group, GoalVisibility.Group);
        var partnersOnly = await world.SetGoalAsync(alice, group, GoalVisibility.PartnersAndCoach);
        var coachOnly = await world.SetGoalAsync(alice, group, GoalVisibility.CoachOnly);

        var head = await world.HeadAsync();
        await using var coachClient = await FeedClient.StartAsync(world.HubUrl, coach.AccessToken, head);
        await using var partnerClient = await FeedClient.StartAsync(world.HubUrl, partner.AccessToken, head);
        await using var memberClient = await FeedClient.StartAsync(world.HubUrl, member.AccessToken, head);
        var (toGroup, groupSequence) = await world.CheckInAsync(alice, group, shared, note: "shared note");
        var (toPartners, partnerSequence) = await world.CheckInAsync(alice, group, partnersOnly, note: "for my partner");
        var (toCoach, coachSequence) = await world.CheckInAsync(alice, group, coachOnly, note: "only the coach");

        // The coach hears of all three, in full, through the coach channel.
        foreach (var (id, sequence) in new[] { (toGroup, groupSequence), (toPartners, partnerSequence), (toCoach, coachSequence) })
        {
            var queued = await coachClient.WaitForMessageAsync("coachQueueChanged", d => CheckInId(d) == id);
            Assert.Equal(sequence, queued.Sequence);
            Assert.Equal("full", queued.Data.GetProperty("checkIn").GetProperty("detail").GetString());
        }

        // The partner: the group one in the feed and in full as a partner; the partners one; never the coach-only one.
        await partnerClient.WaitForMessageAsync("partnerCheckIn", d => CheckInId(d) == toGroup);
        var partnerUpdate = await partnerClient.WaitForMessageAsync("partnerCheckIn", d => CheckInId(d) == toPartners);
        Assert.Equal("for my partner", partnerUpdate.Data.GetProperty("checkIn").GetProperty("note").GetString());

        // A plain member: the group one only, as a summary (this group does not show individual numbers).
        var summary = await memberClient.WaitForMessageAsync("feedItemAdded", IsCheckIn);
        Assert.Equal(toGroup, summary.Data.GetProperty("item").GetProperty("itemId").GetGuid());
        var detail = summary.Data.GetProperty("item").GetProperty("checkIn");
        Assert.Equal("summary", detail.GetProperty("detail").GetString());
        Assert.True(detail.GetProperty("note").ValueKind == JsonValueKind.Null);

        // (Leaderboard notices say only "the board changed as of N", whoever's check-in moved it.)
        await Task.Delay(Quiet);
        Assert.DoesNotContain(partnerClient.Messages, m => m.Sequence == coachSequence && m.Type != "leaderboardChanged");
        Assert.Equal([groupSequence], memberClient.Messages.Where(m => IsCheckIn(m.Data) || m.Type is "partnerCheckIn" or "coachQueueChanged").Select(m => m.Sequence));
    }

    [Fact]
    public async Task A_goal_made_coach_only_stops_reaching_the_group_at_once()
    {
        var (coach, alice, member) = (await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, alice, member);
        var goal = await world.SetGoalAsync(alice, group);
        var head = await world.HeadAsync();
        await using var memberClient = await FeedClient.StartAsync(world.HubUrl, member.AccessToken, head);
        await using var coachClient = await FeedClient.StartAsync(world.HubUrl, coach.AccessToken, head);
        var (checkIn, _) = await world.CheckInAsync(alice, group, goal, note: "shared while it was a group goal");
        await memberClient.WaitForMessageAsync("feedItemAdded", d => d.GetProperty("item").GetProperty("itemId").GetGuid() == checkIn);

        using (var changed = await host.ClientFor(alice).PutAsJsonAsync($"api/v1/goals/{goal}/visibility", new { visibility = "coach-only" }))
        {
            Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());
        }

        var (_, sequence) = await world.CheckInAsync(alice, group, goal, note: "now for the coach only");
        await coachClient.WaitForMessageAsync("coachQueueChanged", d => d.GetProperty("sequence").GetInt64() == sequence);
        await Task.Delay(Quiet);
        Assert.DoesNotContain(memberClient.Messages, m => m.Sequence == sequence && m.Type != "leaderboardChanged");
    }

    [Fact]
    public async Task When_the_coach_hides_an_item_every_connected_member_receives_the_hide()
    {
        var coach = await host.RegisterAsync();
        var members = new[] { await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync() };
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, members);
        var goal = await world.SetGoalAsync(members[0], group);
        var head = await world.HeadAsync();
        var clients = new List<FeedClient>();
        try
        {
            foreach (var person in members.Prepend(coach))
            {
                clients.Add(await FeedClient.StartAsync(world.HubUrl, person.AccessToken, head));
            }

            var (checkIn, _) = await world.CheckInAsync(members[0], group, goal, note: "something off topic");
            await Task.WhenAll(clients.Select(c => c.WaitForMessageAsync("feedItemAdded", IsCheckIn)));
            var hidden = await world.HideAsync(group, checkIn, coach);

            foreach (var client in clients)
            {
                var hide = await client.WaitForMessageAsync("feedItemHidden");
                Assert.Equal(hidden, hide.Sequence);
                Assert.Equal(checkIn, hide.Data.GetProperty("itemId").GetGuid());
                Assert.Equal("Off topic", hide.Data.GetProperty("reason").GetString());
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_item_reported_by_three_members_is_withdrawn_from_everyone_until_the_coach_keeps_it()
    {
        var coach = await host.RegisterAsync();
        var members = new[] { await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync() };
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, members);
        var goal = await world.SetGoalAsync(members[0], group);
        var (checkIn, _) = await world.CheckInAsync(members[0], group, goal, note: "questionable");
        await using var watcher = await FeedClient.StartAsync(world.HubUrl, members[3].AccessToken, await world.HeadAsync());

        foreach (var reporter in members[1..])
        {
            await Ok(host.ClientFor(reporter).PostAsJsonAsync($"api/v1/groups/{group}/items/{checkIn}/reports", new { reason = "spam" }));
        }

        var held = await watcher.WaitForMessageAsync("feedItemHidden");
        Assert.Equal(checkIn, held.Data.GetProperty("itemId").GetGuid());
        Assert.Equal("held-for-review", held.Data.GetProperty("reason").GetString());

        await Ok(host.ClientFor(coach).PostAsync($"api/v1/groups/{group}/items/{checkIn}/dismiss-reports", null));
        var kept = await watcher.WaitForMessageAsync("feedItemRestored");
        Assert.Equal(checkIn, kept.Data.GetProperty("itemId").GetGuid());
        Assert.Single(watcher.Messages, m => m.Type == "feedItemHidden");
    }

    [Fact]
    public async Task A_removed_member_stops_receiving_at_once_and_a_member_who_joins_starts()
    {
        var (coach, alice, removed, staying, newcomer) =
            (await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, alice, removed, staying);
        var goal = await world.SetGoalAsync(alice, group);
        var head = await world.HeadAsync();
        await using var removedClient = await FeedClient.StartAsync(world.HubUrl, removed.AccessToken, head);
        await using var stayingClient = await FeedClient.StartAsync(world.HubUrl, staying.AccessToken, head);
        await using var newcomerClient = await FeedClient.StartAsync(world.HubUrl, newcomer.AccessToken, head);

        await world.RemoveAsync(group, coach, removed);
        var left = await removedClient.WaitForMessageAsync("groupLeft");
        Assert.Equal("removed", left.Data.GetProperty("reason").GetString());
        await world.JoinAsync(group, coach, newcomer);
        await newcomerClient.WaitForMessageAsync("groupJoined", d => d.GetProperty("groupId").GetGuid() == group);

        var (checkIn, sequence) = await world.CheckInAsync(alice, group, goal);
        await stayingClient.WaitForMessageAsync("feedItemAdded", d => d.GetProperty("item").GetProperty("itemId").GetGuid() == checkIn);
        await newcomerClient.WaitForMessageAsync("feedItemAdded", d => d.GetProperty("item").GetProperty("itemId").GetGuid() == checkIn);
        await Task.Delay(Quiet);
        Assert.DoesNotContain(removedClient.Messages, m => m.Sequence >= sequence);

        // Nor can the removed member put themself back in the group's channels.
        var refused = await removedClient.InvokeAsync("Join", group);
        Assert.Equal("invokeError", FeedClient.Event(refused));
        Assert.Contains("Not found", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nudges_reach_their_receiver_only_and_kudos_and_comments_reach_the_group()
    {
        var (coach, alice, bob, carol) = (await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await world.JoinAsync(group, coach, alice, bob, carol);
        await world.PairAsync(group, coach, alice, bob);
        var goal = await world.SetGoalAsync(alice, group);
        var (checkIn, _) = await world.CheckInAsync(alice, group, goal);
        var head = await world.HeadAsync();
        await using var aliceClient = await FeedClient.StartAsync(world.HubUrl, alice.AccessToken, head);
        await using var bobClient = await FeedClient.StartAsync(world.HubUrl, bob.AccessToken, head);
        await using var carolClient = await FeedClient.StartAsync(world.HubUrl, carol.AccessToken, head);
        FeedClient[] everyone = [aliceClient, bobClient, carolClient];

        await Ok(host.ClientFor(bob).PostAsJsonAsync($"api/v1/groups/{group}/members/{alice.Id}/nudges", new { message = "Your run!" }));
        var nudge = await aliceClient.WaitForMessageAsync("nudgeReceived");
        Assert.Equal(bob.Id, nudge.Data.GetProperty("senderId").GetGuid());
        Assert.Equal("Your run!", nudge.Data.GetProperty("message").GetString());

        await Ok(host.ClientFor(carol).PutAsync($"api/v1/groups/{group}/items/{checkIn}/kudos", null));
        var commentId = Guid.NewGuid();
        await Ok(host.ClientFor(carol).PostAsJsonAsync($"api/v1/groups/{group}/items/{checkIn}/comments", new { commentId, text = "Nice pace!" }));
        await Ok(host.ClientFor(coach).PostAsJsonAsync($"api/v1/groups/{group}/comments/{commentId}/hide", new { reason = "Spoilers" }));
        await Ok(host.ClientFor(coach).PostAsync($"api/v1/groups/{group}/comments/{commentId}/restore", null));
        foreach (var client in everyone)
        {
            var kudos = await client.WaitForMessageAsync("kudos");
            Assert.Equal((carol.Id, checkIn, true), (kudos.Data.GetProperty("giverId").GetGuid(), kudos.Data.GetProperty("itemId").GetGuid(), kudos.Data.GetProperty("given").GetBoolean()));
            var comment = await client.WaitForMessageAsync("comment");
            Assert.Equal("Nice pace!", comment.Data.GetProperty("text").GetString());
            Assert.True(comment.Sequence > kudos.Sequence);
            Assert.Equal(commentId, (await client.WaitForMessageAsync("commentHidden")).Data.GetProperty("commentId").GetGuid());
            Assert.Equal(commentId, (await client.WaitForMessageAsync("commentRestored")).Data.GetProperty("commentId").GetGuid());
        }

        Assert.DoesNotContain(bobClient.Messages, m => m.Type == "nudgeReceived");
        Assert.DoesNotContain(carolClient.Messages, m => m.Type == "nudgeReceived");
    }

    [Fact]
    public async Task A_client_cannot_join_the_channels_of_a_group_it_is_not_in()
    {
        var (coach, outsider) = (await host.RegisterAsync(), await host.RegisterAsync());
        var group = await world.CreateGroupAsync(coach);
        await using var client = await FeedClient.StartAsync(world.HubUrl, outsider.AccessToken, await world.HeadAsync());

        var refused = await client.InvokeAsync("Join", group);
        Assert.Equal("invokeError", FeedClient.Event(refused));
        var unknown = await client.InvokeAsync("Join", Guid.NewGuid());
        Assert.Equal(refused.GetProperty("message").GetString(), unknown.GetProperty("message").GetString());

        var goal = await world.SetGoalAsync(coach, group);
        await world.CheckInAsync(coach, group, goal);
        await Task.Delay(Quiet);
        Assert.Empty(client.Messages);
    }

    private static async Task Ok(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    internal static bool IsCheckIn(JsonElement data) =>
        data.TryGetProperty("item", out var item) && item.GetProperty("kind").GetString() == "checkIn";

    private static Guid? CheckInId(JsonElement data) =>
        data.TryGetProperty("checkIn", out var checkIn) && checkIn.ValueKind == JsonValueKind.Object ? checkIn.GetProperty("checkInId").GetGuid() : null;
}
