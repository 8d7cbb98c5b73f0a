using System.Net;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Identity.Authentication;
using Accountability.Api.Identity.Tokens;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Accountability.Api.Tests.Security;

public sealed class ProbeHubHost() : ApiHost(ProbeHub.HostOptions());

/// <summary>Every kind of bad access token is refused with 401, over HTTP and on hub connect.</summary>
[Trait("Category", "Security")]
public sealed class TokenValidationTests(ProbeHubHost host) : IClassFixture<ProbeHubHost>
{
    private const string Protected = "api/v1/account/profile";
    private readonly TestTokens tokens = new(host);

    public static TheoryData<string> BadTokenKinds =>
    [
        "missing", "empty", "garbage", "expired", "not-yet-valid", "tampered-signature", "tampered-payload", "wrong-issuer",
        "wrong-audience", "wrong-type", "alg-none", "foreign-key", "algorithm-confusion", "ended-session",
    ];

    [Fact]
    public async Task A_real_token_is_accepted_over_http()
    {
        var member = await host.RegisterAsync();
        using var response = await host.ClientFor(member).GetAsync(Protected);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_minted_token_with_every_check_passing_is_accepted()
    {
        var member = await host.RegisterAsync();
        using var response = await host.CreateClient(await tokens.ValidTokenAsync(member)).GetAsync(Protected);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_token_validated_once_is_trusted_until_it_expires_and_no_longer()
    {
        var member = await host.RegisterAsync();
        var descriptor = await tokens.ValidAsync(member);
        descriptor.Expires = DateTime.UtcNow.AddSeconds(2);
        var token = TestTokens.Create(descriptor);
        var options = host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(BearerAuthentication.LocalScheme);
        var parameters = options.TokenValidationParameters.Clone();
        parameters.IssuerSigningKeys = (await host.Services.GetRequiredService<SigningKeys>().GetConfigurationAsync(default)).SigningKeys;
        parameters.ClockSkew = TimeSpan.Zero;
        var validated = new ValidatedTokens(TimeProvider.System);

        var first = await validated.ValidateTokenAsync(token, parameters);
        var second = await validated.ValidateTokenAsync(token, parameters);
        Assert.True(first.IsValid && second.IsValid);
        Assert.Equal(1, validated.Count);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal(first.ClaimsIdentity.FindFirst("sid")!.Value, second.ClaimsIdentity.FindFirst("sid")!.Value);

        // Another string (its signature changed) is validated on its own and refused.
        Assert.False((await validated.ValidateTokenAsync(TestTokens.TamperedSignature(token), parameters)).IsValid);
        Assert.Equal(1, validated.Count);

        // Past its expiry the token is validated again, and refused.
        await Task.Delay(descriptor.Expires.Value - DateTime.UtcNow + TimeSpan.FromMilliseconds(100));
        var late = await validated.ValidateTokenAsync(token, parameters);
        Assert.False(late.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(late.Exception);
        Assert.Equal(0, validated.Count);
    }

    [Theory]
    [MemberData(nameof(BadTokenKinds))]
    public async Task A_bad_token_gets_401_problem_over_http(string kind)
    {
        var token = await BadTokenAsync(kind);
        using var request = new HttpRequestMessage(HttpMethod.Get, Protected);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        using var response = await host.Client.SendAsync(request);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, ProblemTypes.Unauthorized);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [MemberData(nameof(BadTokenKinds))]
    public async Task A_bad_token_in_the_hub_query_string_is_refused_with_401(string kind)
    {
        var token = await BadTokenAsync(kind);
        var result = await HubClient.ConnectAsync(host.BaseAddress, ProbeHub.Path, token);
        Assert.Null(result.Client);
        Assert.Equal(HttpStatusCode.Unauthorized, result.Status);
    }

    [Fact]
    public async Task A_real_token_in_the_hub_query_string_connects_as_the_member()
    {
        var member = await host.RegisterAsync();
        var result = await HubClient.ConnectAsync(host.BaseAddress, ProbeHub.Path, member.AccessToken);
        await using var client = result.Client ?? throw new InvalidOperationException($"Refused: {result.Status}");
        var who = await client.InvokeAsync(nameof(ProbeHub.WhoAmI));
        Assert.Equal(member.Id.ToString(), who.GetString());
    }

    [Fact]
    public async Task An_ordinary_request_asking_to_upgrade_is_authenticated_with_the_whole_member()
    {
        // Only hub upgrades keep a member-id-only principal: a logout sent with upgrade headers still ends its session.
        var member = await host.RegisterAsync();
        using (var tcp = new System.Net.Sockets.TcpClient())
        {
            await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
            var stream = tcp.GetStream();
            var request = $"POST /api/v1/account/logout HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nAuthorization: Bearer {member.AccessToken}\r\n" +
                "Connection: Upgrade\r\nUpgrade: websocket\r\nContent-Length: 0\r\n\r\n";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request));
            using var reader = new StreamReader(stream, System.Text.Encoding.ASCII);
            Assert.StartsWith("HTTP/1.1 204", await reader.ReadLineAsync(), StringComparison.Ordinal);
        }

        using var after = await host.ClientFor(member).GetAsync(Protected);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_token_in_the_query_string_is_ignored_outside_hub_paths()
    {
        var member = await host.RegisterAsync();
        using var response = await host.Client.GetAsync(Protected + "?access_token=" + Uri.EscapeDataString(member.AccessToken));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_hub_connection_closes_when_its_token_expires()
    {
        var member = await host.RegisterAsync();
        var descriptor = await tokens.ValidAsync(member);
        descriptor.Expires = DateTime.UtcNow.AddSeconds(2);
        var result = await HubClient.ConnectAsync(host.BaseAddress, ProbeHub.Path, TestTokens.Create(descriptor));
        await using var client = result.Client ?? throw new InvalidOperationException($"Refused: {result.Status}");

        // CloseOnAuthenticationExpiration checks on the server's heartbeat (about once a second) after expiry.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (client.IsOpen && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.False(client.IsOpen, "The hub should close a connection whose token has expired.");
    }

    private async Task<string?> BadTokenAsync(string kind)
    {
        if (kind is "missing")
        {
            return null;
        }

        var member = await host.RegisterAsync();
        switch (kind)
        {
            case "empty":
                return string.Empty;
            case "garbage":
                return "not-a-jwt";
            case "expired":
                return await tokens.ExpiredAsync(member);
            case "not-yet-valid":
                return await tokens.NotYetValidAsync(member);
            case "tampered-signature":
                return TestTokens.TamperedSignature(member.AccessToken);
            case "tampered-payload":
                var other = await host.RegisterAsync();
                return TestTokens.TamperedPayload(member.AccessToken, other.Id);
            case "wrong-issuer":
                return await tokens.WrongIssuerAsync(member);
            case "wrong-audience":
                return await tokens.WrongAudienceAsync(member);
            case "wrong-type":
                return await tokens.WrongTypeAsync(member);
            case "alg-none":
                return TestTokens.AlgNone(member.AccessToken);
            case "foreign-key":
                return await tokens.ForeignKeyAsync(member);
            case "algorithm-confusion":
                return await tokens.AlgorithmConfusionAsync(member);
            case "ended-session":
                using (var client = host.ClientFor(member))
                using (var logout = await client.PostAsync("api/v1/account/logout", null))
                {
                    Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
                }

                return member.AccessToken;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
