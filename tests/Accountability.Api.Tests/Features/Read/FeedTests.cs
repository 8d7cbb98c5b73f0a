using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Api.Tests.Features.Write;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>The group feed: content, newest-first order, cursor pages, moderation by viewer, numbers visibility, validation.</summary>
[Trait("Category", "Read")]
public sealed class FeedTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task The_feed_lists_shared_check_ins_and_announcements_newest_first_and_pages_by_sequence_without_gaps()
    {
        var cohort = await host.CohortAsync(members: 2);
        var (runner, private_) = (cohort.Member(0), cohort.Member(1));
        var goal = await host.SetGoalAsync(runner, cohort.GroupId);
        var checkIn = await CheckInAsync(runner, goal, note: "Felt great", mood: 5);
        var first = await AnnounceAsync(cohort, "Welcome, everyone");
        var hiddenGoal = await host.SetGoalAsync(private_, cohort.GroupId);
        await CheckInAsync(private_, hiddenGoal, share: false);
        var second = await AnnounceAsync(cohort, "Week two");
        var third = await AnnounceAsync(cohort, "Week three");
        var fourth = await AnnounceAsync(cohort, "Week four");
        await host.SettleAsync();

        var all = await FeedAsync(runner, cohort.GroupId, "limit=100");
        var items = all.Items("items").ToList();
        Assert.Equal(new[] { fourth, third, second, first, checkIn }, items.Select(i => i.GetProperty("itemId").GetGuid()).ToArray());
        var sequences = items.Select(i => i.GetProperty("sequence").GetInt64()).ToArray();
        Assert.Equal(sequences.OrderDescending().ToArray(), sequences);
        Assert.Equal(JsonValueKind.Null, all.GetProperty("nextBefore").ValueKind);

        var shared = items[^1];
        Assert.Equal("check-in", shared.GetProperty("kind").GetString());
        Assert.Equal(runner.Id, shared.GetProperty("authorId").GetGuid());
        Assert.Equal(goal, shared.GetProperty("goalId").GetGuid());
        Assert.Equal("Run 5 km", shared.GetProperty("goalTitle").GetString());
        Assert.True(shared.GetProperty("checkIn").GetProperty("done").GetBoolean());
        Assert.Equal("Felt great", shared.GetProperty("checkIn").GetProperty("note").GetString());
        Assert.Equal(5, shared.GetProperty("checkIn").GetProperty("mood").GetInt32());
        Assert.Equal("full", shared.GetProperty("access").GetString());
        Assert.Equal("announcement", items[0].GetProperty("kind").GetString());
        Assert.Equal("Week four", items[0].GetProperty("text").GetString());
        Assert.Equal(cohort.Coach.Id, items[0].GetProperty("authorId").GetGuid());

        // Older pages with "before".
        var page1 = await FeedAsync(runner, cohort.GroupId, "limit=2");
        Assert.Equal(sequences[..2], Sequences(page1));
        Assert.Equal(sequences[1], page1.GetProperty("nextBefore").GetInt64());
        var page2 = await FeedAsync(runner, cohort.GroupId, $"limit=2&before={sequences[1]}");
        Assert.Equal(sequences[2..4], Sequences(page2));
        var page3 = await FeedAsync(runner, cohort.GroupId, $"limit=2&before={sequences[3]}");
        Assert.Equal(sequences[4..], Sequences(page3));
        Assert.Equal(JsonValueKind.Null, page3.GetProperty("nextBefore").ValueKind);

        // Catching up with "after": the items right after the cursor, still newest first, then the rest.
        var newer1 = await FeedAsync(runner, cohort.GroupId, $"limit=2&after={sequences[4]}");
        Assert.Equal(new[] { sequences[2], sequences[3] }, Sequences(newer1));
        Assert.Equal(sequences[2], newer1.GetProperty("nextAfter").GetInt64());
        var newer2 = await FeedAsync(runner, cohort.GroupId, $"limit=2&after={sequences[2]}");
        Assert.Equal(new[] { sequences[0], sequences[1] }, Sequences(newer2));
        Assert.Equal(JsonValueKind.Null, newer2.GetProperty("nextAfter").ValueKind);
        var window = await FeedAsync(runner, cohort.GroupId, $"after={sequences[4]}&before={sequences[0]}");
        Assert.Equal(sequences[1..4], Sequences(window));
    }

    [Fact]
    public async Task Hidden_and_held_items_and_hidden_comments_disappear_for_members_and_show_with_their_reason_to_staff_and_authors()
    {
        var cohort = await host.CohortAsync(members: 3);
        var (author, commenter, reader) = (cohort.Member(0), cohort.Member(1), cohort.Member(2));
        var goal = await host.SetGoalAsync(author, cohort.GroupId);
        var checkIn = await CheckInAsync(author, goal);
        await Ok(host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkIn}/hide", new { reason = "Off topic" }));
        var reported = await AnnounceAsync(cohort, "Buy my course");
        foreach (var member in cohort.Members)
        {
            await Ok(host.ClientFor(member).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{reported}/reports", new { reason = "spam" }));
        }

        var announcement = await AnnounceAsync(cohort, "Great week");
        var rude = await CommentAsync(cohort.GroupId, commenter, announcement, "You all are slow");
        var kind = await CommentAsync(cohort.GroupId, reader, announcement, "Well done!");
        await Ok(host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/comments/{rude}/hide", new { reason = "Rude" }));
        await Ok(host.ClientFor(commenter).PutAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{announcement}/kudos", new { }));
        await Ok(host.ClientFor(reader).PutAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{announcement}/kudos", new { }));
        await host.SettleAsync();

        // A member sees neither the hidden check-in nor the held announcement, nor the hidden comment.
        var forReader = (await FeedAsync(reader, cohort.GroupId, "")).Items("items").ToList();
        Assert.Equal(new[] { announcement }, forReader.Select(i => i.GetProperty("itemId").GetGuid()).ToArray());
        Assert.Equal(new[] { kind }, forReader[0].Items("comments").Select(c => c.GetProperty("commentId").GetGuid()).ToArray());
        Assert.Equal(2, forReader[0].GetProperty("kudos").GetInt32());
        Assert.True(forReader[0].GetProperty("kudosGiven").GetBoolean());
        Assert.Equal(JsonValueKind.Null, forReader[0].GetProperty("moderation").ValueKind);

        // Authors still see their own hidden content, marked as such.
        var forCommenter = (await FeedAsync(commenter, cohort.GroupId, "")).Items("items").Single();
        var ownComment = forCommenter.Items("comments").First();
        Assert.Equal(rude, ownComment.GetProperty("commentId").GetGuid());
        Assert.Equal("hidden", ownComment.GetProperty("moderation").GetProperty("status").GetString());
        var forAuthor = (await FeedAsync(author, cohort.GroupId, "")).Items("items").ToList();
        Assert.Equal(new[] { announcement, checkIn }, forAuthor.Select(i => i.GetProperty("itemId").GetGuid()).ToArray());
        Assert.Equal("hidden", forAuthor[1].GetProperty("moderation").GetProperty("status").GetString());
        Assert.Equal("Off topic", forAuthor[1].GetProperty("moderation").GetProperty("reason").GetString());
        Assert.False(forAuthor[0].GetProperty("kudosGiven").GetBoolean());

        // Staff see everything: the held item with its report count, hidden content with reason and who hid it.
        var forCoach = (await FeedAsync(cohort.Coach, cohort.GroupId, "")).Items("items").ToList();
        Assert.Equal(new[] { announcement, reported, checkIn }, forCoach.Select(i => i.GetProperty("itemId").GetGuid()).ToArray());
        var held = forCoach[1].GetProperty("moderation");
        Assert.Equal("held", held.GetProperty("status").GetString());
        Assert.Equal(3, held.GetProperty("reports").GetInt32());
        var hidden = forCoach[2].GetProperty("moderation");
        Assert.Equal("hidden", hidden.GetProperty("status").GetString());
        Assert.Equal("Off topic", hidden.GetProperty("reason").GetString());
        Assert.Equal(cohort.Coach.Id, hidden.GetProperty("by").GetGuid());
        var comments = forCoach[0].Items("comments").ToList();
        Assert.Equal(new[] { rude, kind }, comments.Select(c => c.GetProperty("commentId").GetGuid()).ToArray());
        Assert.Equal("Rude", comments[0].GetProperty("moderation").GetProperty("reason").GetString());
        Assert.Equal("visible", forCoach[0].GetProperty("moderation").GetProperty("status").GetString());

        // Restoring brings the item back for everyone.
        await Ok(host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/items/{checkIn}/restore", new { }));
        await host.SettleAsync();
        var afterRestore = (await FeedAsync(reader, cohort.GroupId, "")).Items("items").Select(i => i.GetProperty("itemId").GetGuid()).ToArray();
        Assert.Equal(new[] { announcement, checkIn }, afterRestore);
    }

    [Fact]
    public async Task Without_individual_numbers_others_see_a_check_in_was_done_but_not_what_was_written()
    {
        var cohort = await host.CohortAsync(members: 2, numbersVisibility: "aggregate-only");
        var goal = await host.SetGoalAsync(cohort.Member(0), cohort.GroupId);
        await CheckInAsync(cohort.Member(0), goal, note: "Weighed 81.5 kg", mood: 2);
        await host.SettleAsync();

        var other = (await FeedAsync(cohort.Member(1), cohort.GroupId, "")).Items("items").Single();
        Assert.Equal("summary", other.GetProperty("access").GetString());
        Assert.True(other.GetProperty("checkIn").GetProperty("done").GetBoolean());
        Assert.Equal(JsonValueKind.Null, other.GetProperty("checkIn").GetProperty("note").ValueKind);
        Assert.Equal(JsonValueKind.Null, other.GetProperty("checkIn").GetProperty("mood").ValueKind);
        var own = (await FeedAsync(cohort.Member(0), cohort.GroupId, "")).Items("items").Single();
        Assert.Equal("Weighed 81.5 kg", own.GetProperty("checkIn").GetProperty("note").GetString());
        var coach = (await FeedAsync(cohort.Coach, cohort.GroupId, "")).Items("items").Single();
        Assert.Equal("full", coach.GetProperty("access").GetString());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("before=0", "before")]
    [InlineData("after=-1", "after")]
    [InlineData("after=50&before=50", "before")]
    public async Task Invalid_cursors_get_400_naming_the_field(string query, string field)
    {
        var cohort = await host.CohortAsync(members: 1);
        var problem = await host.GetJsonAsync(cohort.Member(0), $"/api/v1/groups/{cohort.GroupId}/feed?{query}", HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Another_groups_member_gets_404()
    {
        var cohort = await host.CohortAsync(members: 1);
        var outsider = (await host.CohortAsync(members: 1)).Member(0);
        await host.GetJsonAsync(outsider, $"/api/v1/groups/{cohort.GroupId}/feed", HttpStatusCode.NotFound);
    }

    private async Task<JsonElement> FeedAsync(TestMember caller, Guid groupId, string query) =>
        await host.GetJsonAsync(caller, $"/api/v1/groups/{groupId}/feed?{query}");

    private static long[] Sequences(JsonElement page) => page.Items("items").Select(i => i.GetProperty("sequence").GetInt64()).ToArray();

    private async Task<Guid> CheckInAsync(TestMember member, Guid goal, string? note = null, int? mood = null, bool share = true)
    {
        var id = Guid.NewGuid();
        await Ok(host.ClientFor(member).PostAsJsonAsync($"api/v1/goals/{goal}/check-ins", new { checkInId = id, done = true, note, mood, shareToFeed = share }));
        return id;
    }

    private async Task<Guid> AnnounceAsync(Cohort cohort, string text)
    {
        var id = Guid.NewGuid();
        await Ok(host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/announcements", new { announcementId = id, text }));
        return id;
    }

    private async Task<Guid> CommentAsync(Guid groupId, TestMember member, Guid item, string text)
    {
        var id = Guid.NewGuid();
        await Ok(host.ClientFor(member).PostAsJsonAsync($"api/v1/groups/{groupId}/items/{item}/comments", new { commentId = id, text }));
        return id;
    }

    private static async Task Ok(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
