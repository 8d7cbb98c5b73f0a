using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Identity.AccountEndpoints;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Security;

/// <summary>
/// Access tokens from an external OpenID Connect authority (discovery and JWKS served on loopback) are accepted,
/// mapped to a member provisioned on first use, and checked like local ones; local tokens keep working.
/// </summary>
[Trait("Category", "Security")]
public sealed class ExternalAuthorityTests : IAsyncLifetime
{
    private const string Audience = "accountability-api";
    private TestOidcAuthority authority = null!;
    private ApiHost host = null!;

    public async Task InitializeAsync()
    {
        authority = await TestOidcAuthority.StartAsync();
        host = await ApiHost.StartAsync(new ApiHostOptions
        {
            Settings = new(StringComparer.OrdinalIgnoreCase)
            {
                ["Authentication:External:Authority"] = authority.Issuer,
                ["Authentication:External:Audience"] = Audience,
                ["Authentication:External:RequireHttpsMetadata"] = "false",
                ["Authentication:External:DefaultTimeZone"] = "America/Chicago",
            },
        });
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        await authority.DisposeAsync();
    }

    [Fact]
    public async Task An_external_token_is_accepted_and_mapped_to_the_same_member_every_time()
    {
        var subject = Guid.NewGuid().ToString();
        var first = await host.CreateClient(authority.CreateToken(subject, Audience, name: "Keycloak Kim"))
            .GetFromJsonAsync<ProfileResponse>("api/v1/account/profile");
        var second = await host.CreateClient(authority.CreateToken(subject, Audience))
            .GetFromJsonAsync<ProfileResponse>("api/v1/account/profile");

        Assert.Equal(first!.MemberId, second!.MemberId);
        Assert.Equal("Keycloak Kim", first.DisplayName);
        Assert.Equal("America/Chicago", first.TimeZone);
        Assert.Null(first.Email);
    }

    [Fact]
    public async Task Concurrent_first_requests_provision_one_member()
    {
        var subject = Guid.NewGuid().ToString();
        var profiles = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            host.CreateClient(authority.CreateToken(subject, Audience)).GetFromJsonAsync<ProfileResponse>("api/v1/account/profile")));
        Assert.Single(profiles.Select(p => p!.MemberId).Distinct());
    }

    [Fact]
    public async Task An_external_member_can_set_a_profile_and_uses_the_same_authorization()
    {
        var client = host.CreateClient(authority.CreateToken(Guid.NewGuid().ToString(), Audience));
        using var update = await client.PutAsJsonAsync("api/v1/account/profile", new { displayName = "Kim", timeZone = "Europe/Berlin" });
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        using var password = await client.PostAsJsonAsync("api/v1/account/password", new { currentPassword = "whatever-it-is", newPassword = "a-brand-new-passphrase" });
        await ProblemAssert.IsProblemAsync(password, HttpStatusCode.Conflict, ProblemTypes.Conflict);
    }

    [Theory]
    [InlineData("wrong-audience")]
    [InlineData("expired")]
    [InlineData("tampered")]
    [InlineData("unknown-issuer")]
    public async Task A_bad_external_token_gets_401(string kind)
    {
        var subject = Guid.NewGuid().ToString();
        var token = kind switch
        {
            "wrong-audience" => authority.CreateToken(subject, "another-api"),
            "expired" => authority.CreateToken(subject, Audience, change: d =>
            {
                d.IssuedAt = d.NotBefore = DateTime.UtcNow.AddHours(-2);
                d.Expires = DateTime.UtcNow.AddHours(-1);
            }),
            "tampered" => TestTokens.TamperedSignature(authority.CreateToken(subject, Audience)),
            "unknown-issuer" => authority.CreateToken(subject, Audience, change: d => d.Issuer = "https://impostor.example"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var response = await host.CreateClient(token).GetAsync("api/v1/account/profile");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Local_tokens_still_work_beside_the_external_authority()
    {
        var member = await host.RegisterAsync();
        using var response = await host.ClientFor(member).GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
