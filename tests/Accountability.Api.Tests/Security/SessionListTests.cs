using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Testing;
using Npgsql;

namespace Accountability.Api.Tests.Security;

/// <summary>A member's signed-in devices: listed with what each said it was, signed out one by one or all but this one.</summary>
[Trait("Category", "Security")]
public sealed class SessionListTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_member_sees_each_signed_in_device_and_signs_one_out()
    {
        var member = await host.RegisterAsync();
        var phone = await SignInAsync(member, "Accountability-iOS/3.2 (iPhone; iOS 18.1)");
        var laptop = await SignInAsync(member, "Mozilla/5.0\t(X11; Linux x86_64)");

        var fromLaptop = host.CreateClient(laptop.AccessToken);
        var sessions = (await fromLaptop.GetFromJsonAsync<List<SessionResponse>>("api/v1/account/sessions"))!;
        Assert.Equal(3, sessions.Count);
        Assert.Equal(sessions.OrderByDescending(s => s.SignedInAt).Select(s => s.SessionId), sessions.Select(s => s.SessionId));
        var current = Assert.Single(sessions, s => s.Current);
        Assert.Equal("Mozilla/5.0 (X11; Linux x86_64)", current.Client);
        Assert.Contains(sessions, s => s.Client == "Accountability-iOS/3.2 (iPhone; iOS 18.1)" && !s.Current);
        Assert.All(sessions, s => Assert.True(s.ExpiresAt > s.SignedInAt && s.LastRenewedAt >= s.SignedInAt));

        // Signing the phone out ends its access token at once and its refresh token with it.
        var phoneSession = sessions.Single(s => s.Client is { } client && client.StartsWith("Accountability-iOS", StringComparison.Ordinal)).SessionId;
        using (var ended = await fromLaptop.DeleteAsync($"api/v1/account/sessions/{phoneSession}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, ended.StatusCode);
        }

        using (var phoneProfile = await host.CreateClient(phone.AccessToken).GetAsync("api/v1/account/profile"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, phoneProfile.StatusCode);
        }

        using (var phoneRefresh = await host.Client.PostAsJsonAsync("api/v1/account/refresh", new { refreshToken = phone.RefreshToken }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, phoneRefresh.StatusCode);
        }

        Assert.Equal(2, (await fromLaptop.GetFromJsonAsync<List<SessionResponse>>("api/v1/account/sessions"))!.Count);

        // Ended already, or never this member's: unknown.
        using (var again = await fromLaptop.DeleteAsync($"api/v1/account/sessions/{phoneSession}"))
        {
            await ProblemAssert.IsProblemAsync(again, HttpStatusCode.NotFound);
        }

        var stranger = await host.RegisterAsync();
        var strangersSession = (await host.ClientFor(stranger).GetFromJsonAsync<List<SessionResponse>>("api/v1/account/sessions"))!.Single().SessionId;
        using (var notMine = await fromLaptop.DeleteAsync($"api/v1/account/sessions/{strangersSession}"))
        {
            await ProblemAssert.IsProblemAsync(notMine, HttpStatusCode.NotFound);
        }

        using (var strangerProfile = await host.ClientFor(stranger).GetAsync("api/v1/account/profile"))
        {
            Assert.Equal(HttpStatusCode.OK, strangerProfile.StatusCode);
        }

        using (var notAnId = await fromLaptop.DeleteAsync("api/v1/account/sessions/not-a-session"))
        {
            await ProblemAssert.IsProblemAsync(notAnId, HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task Signing_out_every_other_device_keeps_this_one()
    {
        var member = await host.RegisterAsync();
        var tablet = await SignInAsync(member, "Tablet");
        var desk = await SignInAsync(member, "Desk " + new string('x', 300));
        var fromDesk = host.CreateClient(desk.AccessToken);

        using (var response = await fromDesk.PostAsJsonAsync("api/v1/account/sessions/end-others", new { }))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var left = Assert.Single((await fromDesk.GetFromJsonAsync<List<SessionResponse>>("api/v1/account/sessions"))!);
        Assert.True(left.Current);
        Assert.Equal(("Desk " + new string('x', 300))[..200], left.Client);
        foreach (var token in new[] { member.AccessToken, tablet.AccessToken })
        {
            using var gone = await host.CreateClient(token).GetAsync("api/v1/account/profile");
            Assert.Equal(HttpStatusCode.Unauthorized, gone.StatusCode);
        }
    }

    [Fact]
    public async Task A_database_from_before_device_names_is_upgraded_at_start()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("sessions-upgrade");
        await using (var first = await ApiHost.StartAsync(new ApiHostOptions { ConnectionString = database }))
        {
            await first.RegisterAsync();
        }

        // Back to the identity schema's step 2, as a database from before this change has it.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var downgrade = new NpgsqlCommand(
                "ALTER TABLE identity.sessions DROP COLUMN client_name; DELETE FROM identity.schema_versions WHERE version = 3", connection);
            await downgrade.ExecuteNonQueryAsync();
        }

        await using var second = await ApiHost.StartAsync(new ApiHostOptions { ConnectionString = database });
        var member = await second.RegisterAsync();
        var named = await SignInAsync(second, member, "After the upgrade");
        var sessions = (await second.CreateClient(named.AccessToken).GetFromJsonAsync<List<SessionResponse>>("api/v1/account/sessions"))!;
        Assert.Contains(sessions, s => s.Client == "After the upgrade" && s.Current);

        await using var check = new NpgsqlConnection(database);
        await check.OpenAsync();
        await using var version = new NpgsqlCommand("SELECT max(version) FROM identity.schema_versions", check);
        Assert.Equal(3, (int)(await version.ExecuteScalarAsync())!);
    }

    private Task<TokenResponse> SignInAsync(TestMember member, string userAgent) => SignInAsync(host, member, userAgent);

    private static async Task<TokenResponse> SignInAsync(ApiHost on, TestMember member, string userAgent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/account/login")
        {
            Content = JsonContent.Create(new { email = member.Email, password = member.Password }),
        };
        request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        using var response = await on.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
    }
}
