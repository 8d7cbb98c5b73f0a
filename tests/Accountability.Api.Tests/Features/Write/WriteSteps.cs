using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Accountability.Api.Tests.Infrastructure;
using Npgsql;

namespace Accountability.Api.Tests.Features.Write;

/// <summary>A group with its coach, its current invite code and the members who joined with it.</summary>
public sealed record Cohort(Guid GroupId, TestMember Coach, string InviteCode, IReadOnlyList<TestMember> Members)
{
    public TestMember Member(int index) => Members[index];
}

/// <summary>The steps the write tests take through the real API, and direct looks at the event log.</summary>
public static class WriteSteps
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Registers a coach who creates a group (with the given extra settings), issues an invite code, and <paramref name="members"/> members who join.</summary>
    public static async Task<Cohort> CreateCohortAsync(this ApiHost host, int members = 2, string timeZone = "Europe/Paris", object? settings = null)
    {
        var coach = await host.RegisterAsync(displayName: "Coach Carla", timeZone: timeZone);
        var coachClient = host.ClientFor(coach);
        var body = settings ?? new { name = "Morning runners", description = "Run before work", timeZoneId = timeZone };
        var group = await ReadAsync(await coachClient.PostAsJsonAsync("api/v1/groups", body), HttpStatusCode.Created);
        var groupId = group.GetProperty("groupId").GetGuid();
        var invite = await ReadAsync(await coachClient.PostAsJsonAsync($"api/v1/groups/{groupId}/invite-code", new { }), HttpStatusCode.OK);
        var code = invite.GetProperty("code").GetString()!;
        var joined = new List<TestMember>();
        for (var i = 0; i < members; i++)
        {
            var member = await host.RegisterAsync(displayName: $"Member {i + 1}", timeZone: timeZone);
            await ReadAsync(await host.ClientFor(member).PostAsJsonAsync("api/v1/groups/join", new { inviteCode = code }), HttpStatusCode.OK);
            joined.Add(member);
        }

        return new Cohort(groupId, coach, code, joined);
    }

    /// <summary>Sets a done/not-done daily goal (or the given body) and returns its id.</summary>
    public static async Task<Guid> SetGoalAsync(this ApiHost host, TestMember member, Guid groupId, object? body = null)
    {
        body ??= new { title = "Run 5 km", measure = new { kind = "done" }, cadence = new { kind = "daily" } };
        var goal = await ReadAsync(await host.ClientFor(member).PostAsJsonAsync($"api/v1/groups/{groupId}/goals", body), HttpStatusCode.Created);
        return goal.GetProperty("goalId").GetGuid();
    }

    /// <summary>Pairs two members of the cohort as partners (by the coach).</summary>
    public static async Task<Guid> PairAsync(this ApiHost host, Cohort cohort, TestMember first, TestMember second)
    {
        var pair = await ReadAsync(
            await host.ClientFor(cohort.Coach).PostAsJsonAsync($"api/v1/groups/{cohort.GroupId}/pairs", new { firstMemberId = first.Id, secondMemberId = second.Id }),
            HttpStatusCode.Created);
        return pair.GetProperty("pairId").GetGuid();
    }

    /// <summary>Asserts the status and returns the JSON body.</summary>
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    public static async Task<HttpResponseMessage> SendJsonAsync(
        this HttpClient client, HttpMethod method, string url, object? body = null, string? idempotencyKey = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (ifMatch is not null)
        {
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(ifMatch));
        }

        return await client.SendAsync(request);
    }

    /// <summary>Events in the whole log, or in one stream (<c>group-{id}</c>, <c>goal-{id}</c>, <c>member-{id}</c>).</summary>
    public static async Task<long> EventCountAsync(this ApiHost host, string? streamId = null)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM es.events WHERE $1::text IS NULL OR stream_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)streamId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The stored type names of a stream's events, in order.</summary>
    public static async Task<IReadOnlyList<string>> EventTypesAsync(this ApiHost host, string streamId)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT type FROM es.events WHERE stream_id = $1 ORDER BY version", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        await using var reader = await command.ExecuteReaderAsync();
        var types = new List<string>();
        while (await reader.ReadAsync())
        {
            types.Add(reader.GetString(0));
        }

        return types;
    }

    /// <summary>A scalar from the database (read models, the log).</summary>
    public static async Task<T?> ScalarAsync<T>(this ApiHost host, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public static string Group(Guid id) => $"group-{id:D}";

    public static string Goal(Guid id) => $"goal-{id:D}";

    public static string Member(Guid id) => $"member-{id:D}";

    /// <summary>Today's date in a zone (the day a check-in without a date is for).</summary>
    public static DateOnly Today(string timeZone = "Europe/Paris") =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById(timeZone)).DateTime);
}
