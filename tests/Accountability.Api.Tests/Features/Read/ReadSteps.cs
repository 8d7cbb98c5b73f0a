using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Api.Tests.Features.Write;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Domain.Common;
using Accountability.Domain.Goals;
using Accountability.Domain.Members;
using Accountability.Domain.Time;
using Accountability.EventStore;
using Accountability.EventStore.Projections;
using Microsoft.Extensions.DependencyInjection;
using StreamIds = Accountability.Domain.Common.StreamIds;

namespace Accountability.Api.Tests.Features.Read;

/// <summary>
/// How the read-side tests arrange a past: groups, joins, pairs and today's actions through the real command
/// endpoints; goals that began days ago and check-ins on past days as domain events appended through the event
/// store (the endpoints rightly refuse to backdate). Then <see cref="SettleAsync"/> waits for every projection.
/// </summary>
public static class ReadSteps
{
    public const string Zone = "Europe/Paris";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static int goalsSet;

    /// <summary>The group's calendar in Paris with the default grace (a day closes at noon the next day).</summary>
    public static DayClock Clock { get; } = DayClock.ForZone(Zone);

    /// <summary>Today's local date in Paris.</summary>
    public static DateOnly Today => Clock.Today(DateTimeOffset.UtcNow);

    public static DateOnly DaysAgo(int days) => Today.AddDays(-days);

    /// <summary>8 pm Paris time on the date: when the check-in of that day is posted.</summary>
    public static DateTimeOffset Evening(DateOnly date) => Clock.StartsAt(date).AddHours(20);

    /// <summary>Waits until every async projection has caught up with the log as it is now.</summary>
    public static Task SettleAsync(this ApiHost host) =>
        host.Services.GetRequiredService<IProjectionAdmin>().WaitForNonStaleAsync(TimeSpan.FromSeconds(60));

    public static Task AppendAsync(this ApiHost host, string streamId, params object[] events) =>
        host.Services.GetRequiredService<IEventStore>().AppendAsync(streamId, ExpectedVersion.Any, events.Select(e => new EventData(e)).ToList());

    /// <summary>A cohort in Paris whose members see each other's numbers unless told otherwise.</summary>
    public static Task<Cohort> CohortAsync(this ApiHost host, int members, string numbersVisibility = "individual", int? minimumDue = null) =>
        host.CreateCohortAsync(members, Zone, new
        {
            name = "Morning runners",
            description = "Run before work",
            timeZoneId = Zone,
            numbersVisibility,
            leaderboardMinimumDue = minimumDue,
        });

    /// <summary>A daily done/not-done goal that began <paramref name="daysAgo"/> days ago.</summary>
    public static async Task<Guid> GoalSinceAsync(
        this ApiHost host, TestMember member, Guid groupId, int daysAgo, GoalVisibility visibility = GoalVisibility.Group, string title = "Run 5 km", Cadence? cadence = null, GoalMeasure? measure = null)
    {
        var goalId = Guid.NewGuid();
        var start = DaysAgo(daysAgo);

        // Goals set one after the other are listed in that order (by when they were set).
        var setAt = Clock.StartsAt(start).AddHours(8).AddSeconds(Interlocked.Increment(ref goalsSet));
        await host.AppendAsync(StreamIds.Goal(goalId), new GoalSet(
            goalId, groupId, member.Id, title, null, measure ?? GoalMeasure.DoneOrNot, cadence ?? Cadence.Daily, start, null, null, null, visibility, setAt));
        return goalId;
    }

    /// <summary>A check-in for <paramref name="date"/>, posted that evening (or at <paramref name="at"/>).</summary>
    public static async Task<Guid> CheckInAsync(
        this ApiHost host, TestMember member, Guid groupId, Guid goalId, DateOnly date, bool done = true, bool stuck = false, bool share = true,
        string? note = null, decimal? value = null, int? mood = 4, DateTimeOffset? at = null, Guid? checkInId = null)
    {
        var id = checkInId ?? Guid.NewGuid();
        var when = at ?? Evening(date);
        await host.AppendAsync(StreamIds.Goal(goalId), new CheckInPosted(id, goalId, groupId, member.Id, date, done, value, note, [], mood, stuck, share, when, Zone, date));
        return id;
    }

    /// <summary>Done check-ins on each of the given days ago.</summary>
    public static async Task CheckInsAsync(this ApiHost host, TestMember member, Guid groupId, Guid goalId, params int[] daysAgo)
    {
        foreach (var days in daysAgo)
        {
            await host.CheckInAsync(member, groupId, goalId, DaysAgo(days));
        }
    }

    public static Task PauseAsync(this ApiHost host, TestMember member, DateOnly first, DateOnly? last, DateTimeOffset declaredAt) =>
        host.AppendAsync(StreamIds.Member(member.Id), new PauseDeclared(Guid.NewGuid(), member.Id, first, last, PauseReason.Vacation, null, declaredAt));

    public static async Task<JsonElement> GetJsonAsync(this ApiHost host, TestMember caller, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await host.ClientFor(caller).GetAsync(url.TrimStart('/'));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            var errors = string.Join("\n", host.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => e.ToString()).TakeLast(3));
            Assert.Fail($"GET {url}: expected {(int)expected}, got {(int)response.StatusCode}: {text}\n{errors}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> PostJsonAsync(this ApiHost host, TestMember caller, string url, object body, HttpStatusCode expected) =>
        await WriteSteps.ReadAsync(await host.ClientFor(caller).PostAsJsonAsync(url.TrimStart('/'), body, Json), expected);

    public static async Task<JsonElement> PutJsonAsync(this ApiHost host, TestMember caller, string url, object body, HttpStatusCode expected) =>
        await WriteSteps.ReadAsync(await host.ClientFor(caller).PutAsJsonAsync(url.TrimStart('/'), body, Json), expected);

    public static IEnumerable<JsonElement> Items(this JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray();
}
