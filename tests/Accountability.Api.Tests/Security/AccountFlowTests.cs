using System.Net;
using System.Net.Http.Json;
using System.Text;
using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Security;

/// <summary>Register, sign in, refresh (rotation and reuse), sign out, profile and password, with every bad input.</summary>
[Trait("Category", "Security")]
public sealed class AccountFlowTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task Registering_returns_tokens_that_open_the_profile()
    {
        var email = $"ann-{Guid.NewGuid():N}@example.com";
        using var response = await host.Client.PostAsJsonAsync("api/v1/account/register",
            new { email, password = ApiHost.DefaultPassword, displayName = "Ann", timeZone = "America/New_York" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var tokens = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.Equal(900, tokens.ExpiresIn);

        var profile = await host.CreateClient(tokens.AccessToken).GetFromJsonAsync<ProfileResponse>("api/v1/account/profile");
        Assert.Equal(new ProfileResponse(tokens.MemberId, email, "Ann", "America/New_York", TwoFactorEnabled: false), profile);
    }

    public static TheoryData<string, string[]> BadRegistrations => new()
    {
        { """{"password":"correct-horse-battery","displayName":"Ann","timeZone":"Europe/Paris"}""", ["email"] },
        { """{"email":"not-an-email","password":"correct-horse-battery","displayName":"Ann","timeZone":"Europe/Paris"}""", ["email"] },
        { """{"email":"a@example.com","password":"short","displayName":"Ann","timeZone":"Europe/Paris"}""", ["password"] },
        { """{"email":"a@example.com","password":"aaaaaaaaaaaa","displayName":"Ann","timeZone":"Europe/Paris"}""", ["password"] },
        { """{"email":"a@example.com","password":"1234567890","displayName":"Ann","timeZone":"Europe/Paris"}""", ["password"] },
        { """{"email":"a@example.com","password":"correct-horse-battery","timeZone":"Europe/Paris"}""", ["displayName"] },
        { """{"email":"a@example.com","password":"correct-horse-battery","displayName":"   ","timeZone":"Europe/Paris"}""", ["displayName"] },
        { """{"email":"a@example.com","password":"correct-horse-battery","displayName":"\u202Eevil","timeZone":"Europe/Paris"}""", ["displayName"] },
        { """{"email":"a@example.com","password":"correct-horse-battery","displayName":"Ann"}""", ["timeZone"] },
        { """{"email":"a@example.com","password":"correct-horse-battery","displayName":"Ann","timeZone":"Mars/Olympus"}""", ["timeZone"] },
        { """{"email":"a@example.com","password":"correct-horse-battery","displayName":"Ann","timeZone":"W. Europe Standard Time"}""", ["timeZone"] },
        { """{}""", ["email", "password", "displayName", "timeZone"] },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public async Task Registering_with_a_bad_field_gets_a_validation_problem_for_that_field(string body, string[] fields)
    {
        using var response = await PostJsonAsync(host.Client, "api/v1/account/register", body);
        await ProblemAssert.IsValidationProblemAsync(response, fields);
    }

    [Fact]
    public async Task A_password_containing_the_email_name_is_refused()
    {
        using var response = await host.Client.PostAsJsonAsync("api/v1/account/register",
            new { email = "rosalind@example.com", password = "rosalind-2024!", displayName = "Ros", timeZone = "Europe/London" });
        await ProblemAssert.IsValidationProblemAsync(response, "password");
    }

    [Fact]
    public async Task Registering_an_existing_email_is_a_409_problem()
    {
        var member = await host.RegisterAsync();
        using var response = await host.Client.PostAsJsonAsync("api/v1/account/register",
            new { email = member.Email.ToUpperInvariant(), password = ApiHost.DefaultPassword, displayName = "Twin", timeZone = "UTC" });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, ProblemTypes.AccountExists);
    }

    [Fact]
    public async Task Signing_in_with_the_right_password_gives_a_new_session()
    {
        var member = await host.RegisterAsync();
        var tokens = await host.LoginAsync(member.Email);
        Assert.Equal(member.Id, tokens.MemberId);
        Assert.NotEqual(member.RefreshToken, tokens.RefreshToken);
    }

    [Theory]
    [InlineData("wrong-password")]
    [InlineData("unknown-email")]
    public async Task Signing_in_wrongly_is_one_indistinct_401_problem(string mistake)
    {
        var member = await host.RegisterAsync();
        var email = mistake == "unknown-email" ? "nobody-" + member.Email : member.Email;
        var password = mistake == "wrong-password" ? "not-the-password" : member.Password;
        using var response = await host.Client.PostAsJsonAsync("api/v1/account/login", new { email, password });
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.InvalidCredentials);
        Assert.Contains("incorrect", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"email":"","password":""}""", new[] { "email", "password" })]
    [InlineData("""{"email":"a@example.com"}""", new[] { "password" })]
    public async Task Signing_in_without_fields_is_a_validation_problem(string body, string[] fields)
    {
        using var response = await PostJsonAsync(host.Client, "api/v1/account/login", body);
        await ProblemAssert.IsValidationProblemAsync(response, fields);
    }

    [Fact]
    public async Task Refreshing_rotates_the_refresh_token_and_the_new_access_token_works()
    {
        var member = await host.RegisterAsync();
        var refreshed = await RefreshAsync(member.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.Status);
        Assert.NotEqual(member.RefreshToken, refreshed.Tokens!.RefreshToken);

        using var profile = await host.CreateClient(refreshed.Tokens.AccessToken).GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.OK, profile.StatusCode);

        var again = await RefreshAsync(refreshed.Tokens.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, again.Status);
    }

    [Fact]
    public async Task Reusing_a_refresh_token_ends_the_whole_session()
    {
        var member = await host.RegisterAsync();
        var first = await RefreshAsync(member.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, first.Status);

        // The old token again: someone copied it. Refused, and the session (the thief's and the owner's) ends.
        var reuse = await RefreshAsync(member.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.Status);
        Assert.Equal(ProblemTypes.InvalidRefreshToken, reuse.ProblemType);

        var successor = await RefreshAsync(first.Tokens!.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, successor.Status);
        using var profile = await host.CreateClient(first.Tokens.AccessToken).GetAsync("api/v1/account/profile");
        await ProblemAssert.IsProblemAsync(profile, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Concurrent_use_of_one_refresh_token_yields_at_most_one_new_pair()
    {
        var member = await host.RegisterAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RefreshAsync(member.RefreshToken)));
        Assert.True(results.Count(r => r.Status == HttpStatusCode.OK) <= 1);
        Assert.All(results, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.Unauthorized, r.Status.ToString()));
    }

    [Theory]
    [InlineData("""{"refreshToken":"made-up"}""", HttpStatusCode.Unauthorized)]
    [InlineData("""{"refreshToken":""}""", HttpStatusCode.BadRequest)]
    [InlineData("""{}""", HttpStatusCode.BadRequest)]
    public async Task A_bad_refresh_token_is_a_problem(string body, HttpStatusCode status)
    {
        using var response = await PostJsonAsync(host.Client, "api/v1/account/refresh", body);
        await ProblemAssert.IsProblemAsync(response, status);
    }

    [Fact]
    public async Task Logging_out_revokes_the_refresh_token_and_the_access_token()
    {
        var member = await host.RegisterAsync();
        var other = await host.LoginAsync(member.Email);
        using var logout = await host.ClientFor(member).PostAsync("api/v1/account/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(member.RefreshToken)).Status);
        using var profile = await host.ClientFor(member).GetAsync("api/v1/account/profile");
        await ProblemAssert.IsProblemAsync(profile, HttpStatusCode.Unauthorized);

        // Other devices stay signed in.
        using var otherProfile = await host.CreateClient(other.AccessToken).GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.OK, otherProfile.StatusCode);
    }

    [Fact]
    public async Task Updating_the_profile_changes_name_and_time_zone_at_once()
    {
        var member = await host.RegisterAsync();
        var client = host.ClientFor(member);
        using var update = await client.PutAsJsonAsync("api/v1/account/profile", new { displayName = "  Zoë Ng  ", timeZone = "Asia/Tokyo" });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var profile = await client.GetFromJsonAsync<ProfileResponse>("api/v1/account/profile");
        Assert.Equal("Zoë Ng", profile!.DisplayName);
        Assert.Equal("Asia/Tokyo", profile.TimeZone);
    }

    [Theory]
    [InlineData("""{"displayName":"","timeZone":"Europe/Paris"}""", new[] { "displayName" })]
    [InlineData("""{"displayName":"Ann","timeZone":""}""", new[] { "timeZone" })]
    [InlineData("""{"displayName":"Ann\u0000","timeZone":"Nowhere/City"}""", new[] { "displayName", "timeZone" })]
    public async Task Updating_the_profile_with_bad_fields_is_a_validation_problem(string body, string[] fields)
    {
        var member = await host.RegisterAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/v1/account/profile")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        using var response = await host.ClientFor(member).SendAsync(request);
        await ProblemAssert.IsValidationProblemAsync(response, fields);
    }

    [Fact]
    public async Task A_long_display_name_is_refused()
    {
        var member = await host.RegisterAsync();
        using var response = await host.ClientFor(member).PutAsJsonAsync("api/v1/account/profile", new { displayName = new string('x', 61), timeZone = "UTC" });
        await ProblemAssert.IsValidationProblemAsync(response, "displayName");
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_and_ends_other_sessions()
    {
        var member = await host.RegisterAsync();
        var otherDevice = await host.LoginAsync(member.Email);
        var client = host.ClientFor(member);

        using var wrong = await client.PostAsJsonAsync("api/v1/account/password", new { currentPassword = "not-my-password", newPassword = "a-brand-new-passphrase" });
        await ProblemAssert.IsValidationProblemAsync(wrong, "currentPassword");

        using var weak = await client.PostAsJsonAsync("api/v1/account/password", new { currentPassword = member.Password, newPassword = "short" });
        await ProblemAssert.IsValidationProblemAsync(weak, "newPassword");

        using var changed = await client.PostAsJsonAsync("api/v1/account/password", new { currentPassword = member.Password, newPassword = "a-brand-new-passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        // This session goes on; the other device's tokens stop working.
        using var mine = await client.GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        using var theirs = await host.CreateClient(otherDevice.AccessToken).GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.Unauthorized, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(otherDevice.RefreshToken)).Status);

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.LoginAsync(member.Email, member.Password));
        Assert.Equal(member.Id, (await host.LoginAsync(member.Email, "a-brand-new-passphrase")).MemberId);
    }

    internal static async Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string url, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await client.PostAsync(url, content);
    }

    private async Task<(HttpStatusCode Status, TokenResponse? Tokens, string? ProblemType)> RefreshAsync(string refreshToken)
    {
        using var response = await host.Client.PostAsJsonAsync("api/v1/account/refresh", new { refreshToken });
        if (response.IsSuccessStatusCode)
        {
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<TokenResponse>(), null);
        }

        var problem = await ProblemAssert.IsProblemAsync(response, response.StatusCode);
        return (response.StatusCode, null, problem.GetProperty("type").GetString());
    }
}
