using System.Security.Claims;
using Accountability.Api.Features.RealTime;
using Accountability.Api.Identity.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Accountability.Api.Tests.Security;

/// <summary>
/// What a hub connection's request keeps for the connection's lifetime: the member and the token's expiry, and no
/// credential or header value. (The end-to-end side, connecting and closing at expiry, is in
/// <see cref="TokenValidationTests"/>.)
/// </summary>
[Trait("Category", "Security")]
public sealed class LongLivedRequestTests
{
    private static readonly ClaimsPrincipal Member = new(new ClaimsIdentity([new Claim(AccountabilityClaims.MemberId, Guid.NewGuid().ToString())], "local"));

    [Fact]
    public void An_accepted_hub_request_forgets_its_token_and_header_values_but_keeps_its_host()
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/hubs/feed";
        context.Request.Host = new HostString("feed.example.com");
        context.Request.QueryString = new QueryString("?id=abc&access_token=secret-token");
        context.Request.Headers.Authorization = "Bearer secret-token";
        context.Request.Headers.UserAgent = "Mozilla/5.0 (a browser)";
        context.Request.Headers.Cookie = "session=" + new string('x', 2000);
        context.Request.Headers["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ==";

        UpgradedRequest.ForgetHeaders(context);

        Assert.Null(BearerTokenReader.Read(context));
        Assert.Equal("?id=abc", context.Request.QueryString.Value);
        Assert.Equal("feed.example.com", context.Request.Host.Value);
        foreach (var header in context.Request.Headers.Where(h => h.Key != "Host"))
        {
            Assert.True(string.IsNullOrEmpty(header.Value.ToString()), $"{header.Key} still holds a value");
        }
    }

    [Fact]
    public void The_kept_authentication_answers_with_the_member_and_the_token_expiry_each_time_it_is_asked()
    {
        var expires = WholeSeconds(DateTimeOffset.UtcNow.AddMinutes(15));
        var kept = new UpgradeAuthentication(Member, expires, BearerAuthentication.LocalScheme);

        var first = kept.AuthenticateResult;
        var second = kept.AuthenticateResult;

        Assert.True(first is { Succeeded: true });
        Assert.Same(Member, first.Principal);
        Assert.Equal(expires, first.Properties!.ExpiresUtc);
        Assert.Equal(BearerAuthentication.LocalScheme, first.Ticket!.AuthenticationScheme);
        Assert.NotSame(first, second);
        Assert.Same(Member, kept.User);
    }

    [Fact]
    public void The_kept_authentication_takes_what_authorization_sets_and_nothing_once_cleared()
    {
        var kept = new UpgradeAuthentication(Member, DateTimeOffset.UtcNow.AddMinutes(15), BearerAuthentication.LocalScheme);
        var other = new ClaimsPrincipal(new ClaimsIdentity([new Claim(AccountabilityClaims.MemberId, Guid.NewGuid().ToString())], "local"));
        var later = WholeSeconds(DateTimeOffset.UtcNow.AddHours(1));

        kept.AuthenticateResult = AuthenticateResult.Success(new AuthenticationTicket(other, new AuthenticationProperties { ExpiresUtc = later }, "local"));
        Assert.Same(other, kept.User);
        Assert.Equal(later, kept.AuthenticateResult!.Properties!.ExpiresUtc);

        kept.AuthenticateResult = null;
        Assert.Null(kept.User);
        Assert.Null(kept.AuthenticateResult);
    }

    /// <summary>Token expiries are whole seconds (JWT <c>exp</c>), as authentication properties keep them.</summary>
    private static DateTimeOffset WholeSeconds(DateTimeOffset instant) => DateTimeOffset.FromUnixTimeSeconds(instant.ToUnixTimeSeconds());
}
