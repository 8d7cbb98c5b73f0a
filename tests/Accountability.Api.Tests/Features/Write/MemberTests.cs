using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Tests.Infrastructure;
using static Accountability.Api.Tests.Features.Write.WriteSteps;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>The member's own facts: time zone and pauses.</summary>
public sealed class MemberTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_member_changes_their_time_zone_and_their_profile_follows()
    {
        var member = await host.RegisterAsync(timeZone: "Europe/Paris");
        var client = host.ClientFor(member);
        using var response = await client.SendJsonAsync(HttpMethod.Put, "api/v1/me/time-zone", new { timeZoneId = "America/Chicago" });
        var changed = await ReadAsync(response, HttpStatusCode.OK);
        Assert.Equal("America/Chicago", changed.GetProperty("timeZoneId").GetString());
        Assert.Equal(1, changed.GetProperty("version").GetInt64());

        var profile = await ReadAsync(await client.GetAsync("api/v1/account/profile"), HttpStatusCode.OK);
        Assert.Equal("America/Chicago", profile.GetProperty("timeZone").GetString());

        // The same zone again changes nothing.
        await ReadAsync(await client.SendJsonAsync(HttpMethod.Put, "api/v1/me/time-zone", new { timeZoneId = "America/Chicago" }), HttpStatusCode.OK);
        Assert.Equal(new[] { "time-zone-changed" }, await host.EventTypesAsync(Member(member.Id)));
    }

    [Fact]
    public async Task An_unknown_time_zone_is_a_400_and_changes_nothing()
    {
        var member = await host.RegisterAsync(timeZone: "Europe/Paris");
        using var response = await host.ClientFor(member).SendJsonAsync(HttpMethod.Put, "api/v1/me/time-zone", new { timeZoneId = "Europe/Atlantis" });
        var problem = await ProblemAssert.IsValidationProblemAsync(response, "timeZoneId");
        Assert.Equal("urn:accountability:problem:member.time-zone-unknown", problem.GetProperty("type").GetString());
        Assert.Equal(0, await host.EventCountAsync(Member(member.Id)));
        var profile = await ReadAsync(await host.ClientFor(member).GetAsync("api/v1/account/profile"), HttpStatusCode.OK);
        Assert.Equal("Europe/Paris", profile.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task A_member_declares_a_pause_ahead_and_ends_it_early()
    {
        var member = await host.RegisterAsync();
        var client = host.ClientFor(member);
        var pauseId = Guid.NewGuid();
        var first = Today().AddDays(3);
        using var declared = await client.PostAsJsonAsync("api/v1/me/pauses", new { pauseId, firstDate = first, lastDate = first.AddDays(6), reason = "vacation", note = "Lisbon" });
        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        Assert.Equal($"/api/v1/me/pauses/{pauseId}", declared.Headers.Location?.OriginalString);
        var pause = await ReadAsync(declared, HttpStatusCode.Created);
        Assert.Equal("vacation", pause.GetProperty("reason").GetString());

        var ended = await ReadAsync(await client.PostAsJsonAsync($"api/v1/me/pauses/{pauseId}/end", new { lastPausedDate = first.AddDays(2) }), HttpStatusCode.OK);
        Assert.Equal(first.AddDays(2), DateOnly.Parse(ended.GetProperty("endedAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture));

        var listed = await ReadAsync(await client.GetAsync("api/v1/me/pauses"), HttpStatusCode.OK);
        Assert.Equal(pauseId, listed[0].GetProperty("pauseId").GetGuid());
        Assert.Equal(first.AddDays(2), DateOnly.Parse(listed[0].GetProperty("endedAfter").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new[] { "time-zone-changed", "pause-declared", "pause-ended" }, await host.EventTypesAsync(Member(member.Id)));
    }

    [Fact]
    public async Task Declaring_the_same_pause_twice_writes_it_once_and_reusing_its_id_for_another_is_a_409()
    {
        var member = await host.RegisterAsync();
        var client = host.ClientFor(member);
        var pauseId = Guid.NewGuid();
        var body = new { pauseId, firstDate = Today().AddDays(1), reason = "illness" };
        await ReadAsync(await client.PostAsJsonAsync("api/v1/me/pauses", body), HttpStatusCode.Created);
        await ReadAsync(await client.PostAsJsonAsync("api/v1/me/pauses", body), HttpStatusCode.Created);
        using var other = await client.PostAsJsonAsync("api/v1/me/pauses", new { pauseId, firstDate = Today().AddDays(9), reason = "illness" });
        await ProblemAssert.IsProblemAsync(other, HttpStatusCode.Conflict, "urn:accountability:problem:pause.id-reused");
        Assert.Equal(new[] { "time-zone-changed", "pause-declared" }, await host.EventTypesAsync(Member(member.Id)));
    }

    [Fact]
    public async Task A_pause_in_the_past_or_with_an_unknown_reason_is_a_400_and_overlapping_ones_a_409()
    {
        var member = await host.RegisterAsync();
        var client = host.ClientFor(member);
        using var past = await client.PostAsJsonAsync("api/v1/me/pauses", new { pauseId = Guid.NewGuid(), firstDate = Today().AddDays(-2), reason = "travel" });
        await ProblemAssert.IsValidationProblemAsync(past, "firstDate");

        using var unknown = await client.PostAsJsonAsync("api/v1/me/pauses", new { pauseId = Guid.NewGuid(), firstDate = Today().AddDays(2), reason = "bored" });
        await ProblemAssert.IsValidationProblemAsync(unknown, "reason");

        await ReadAsync(await client.PostAsJsonAsync("api/v1/me/pauses", new { pauseId = Guid.NewGuid(), firstDate = Today().AddDays(10), lastDate = Today().AddDays(20), reason = "work" }), HttpStatusCode.Created);
        var before = await host.EventCountAsync(Member(member.Id));
        using var overlap = await client.PostAsJsonAsync("api/v1/me/pauses", new { pauseId = Guid.NewGuid(), firstDate = Today().AddDays(15), reason = "family" });
        await ProblemAssert.IsProblemAsync(overlap, HttpStatusCode.Conflict, "urn:accountability:problem:pause.overlaps");
        Assert.Equal(before, await host.EventCountAsync(Member(member.Id)));
    }

    [Fact]
    public async Task Ending_a_pause_that_is_not_yours_is_a_404()
    {
        var owner = await host.RegisterAsync();
        var other = await host.RegisterAsync();
        var pauseId = Guid.NewGuid();
        await ReadAsync(await host.ClientFor(owner).PostAsJsonAsync("api/v1/me/pauses", new { pauseId, firstDate = Today().AddDays(1), reason = "other" }), HttpStatusCode.Created);
        using var response = await host.ClientFor(other).PostAsJsonAsync($"api/v1/me/pauses/{pauseId}/end", new { });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "urn:accountability:problem:pause.not-found");
        using var read = await host.ClientFor(other).GetAsync($"api/v1/me/pauses/{pauseId}");
        await ProblemAssert.IsProblemAsync(read, HttpStatusCode.NotFound);
    }
}
