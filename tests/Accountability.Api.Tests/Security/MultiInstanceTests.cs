using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Tests.Infrastructure;
using Accountability.Testing;

namespace Accountability.Api.Tests.Security;

/// <summary>Two service processes on one database: started together, each accepts the other's tokens.</summary>
[Trait("Category", "Security")]
public sealed class MultiInstanceTests : IAsyncLifetime
{
    private ApiHost first = null!;
    private ApiHost second = null!;

    public async Task InitializeAsync()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync("twins");
        // Both start at once on an empty database: the schema and the first keys are created exactly once.
        var hosts = await Task.WhenAll(
            ApiHost.StartAsync(new ApiHostOptions { ConnectionString = database }),
            ApiHost.StartAsync(new ApiHostOptions { ConnectionString = database }));
        (first, second) = (hosts[0], hosts[1]);
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task Tokens_issued_by_one_instance_work_on_the_other()
    {
        var member = await first.RegisterAsync();
        var profile = await second.ClientFor(member).GetFromJsonAsync<ProfileResponse>("api/v1/account/profile");
        Assert.Equal(member.Id, profile!.MemberId);

        using var refreshed = await second.Client.PostAsJsonAsync("api/v1/account/refresh", new { refreshToken = member.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var tokens = (await refreshed.Content.ReadFromJsonAsync<TokenResponse>())!;
        using var back = await first.CreateClient(tokens.AccessToken).GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);

        // Reuse detected on the first instance of a token rotated on the second.
        using var reuse = await first.Client.PostAsJsonAsync("api/v1/account/refresh", new { refreshToken = member.RefreshToken });
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
    }

    [Fact]
    public async Task A_logout_on_one_instance_ends_the_session_on_the_other()
    {
        var member = await second.RegisterAsync();
        using var logout = await second.ClientFor(member).PostAsync("api/v1/account/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        using var profile = await first.ClientFor(member).GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.Unauthorized, profile.StatusCode);
    }

    [Fact]
    public async Task Both_instances_sign_with_the_one_stored_key()
    {
        var a = await first.RegisterAsync();
        var b = await second.RegisterAsync();
        Assert.Equal(
            new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(a.AccessToken).Kid,
            new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(b.AccessToken).Kid);
    }
}
