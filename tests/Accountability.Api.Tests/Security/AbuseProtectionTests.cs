using System.Net;
using System.Net.Http.Json;
using Accountability.Api.Infrastructure.Http.Problems;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Security;

/// <summary>A host with the production limits, except a small write limit so the test stays short.</summary>
public sealed class ProductionLimitsHost() : ApiHost(new ApiHostOptions
{
    ProductionRateLimits = true,
    Settings = new(StringComparer.OrdinalIgnoreCase)
    {
        ["RateLimiting:WritesPerMember:Permits"] = "5",
        ["RateLimiting:WritesPerMember:WindowSeconds"] = "60",
        // Registering the test's members must not use up the sign-in budget of 127.0.0.1.
        ["RateLimiting:AuthPerAddress:Permits"] = "60",
    },
});

/// <summary>Brute force and flooding meet 429 with Retry-After (or lockout), and other members are unaffected.</summary>
[Trait("Category", "Security")]
public sealed class AbuseProtectionTests(ProductionLimitsHost host) : IClassFixture<ProductionLimitsHost>
{
    [Fact]
    public async Task The_eleventh_failed_sign_in_in_a_minute_is_refused_and_another_member_still_signs_in()
    {
        var victim = await host.RegisterAsync();
        var bystander = await host.RegisterAsync();
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            using var failed = await host.Client.PostAsJsonAsync("api/v1/account/login", new { email = victim.Email, password = $"guess-number-{attempt}" });
            await ProblemAssert.IsProblemAsync(failed, HttpStatusCode.Unauthorized, ProblemTypes.InvalidCredentials);
        }

        using var eleventh = await host.Client.PostAsJsonAsync("api/v1/account/login", new { email = victim.Email, password = "guess-number-11" });
        await ProblemAssert.IsProblemAsync(eleventh, HttpStatusCode.TooManyRequests, ProblemTypes.TooManyRequests);
        Assert.True(eleventh.Headers.RetryAfter?.Delta > TimeSpan.Zero, "429 carries Retry-After");

        // Even the right password is refused while the account is throttled and locked.
        using var rightPassword = await host.Client.PostAsJsonAsync("api/v1/account/login", new { email = victim.Email, password = victim.Password });
        Assert.True(rightPassword.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized, rightPassword.StatusCode.ToString());

        Assert.Equal(bystander.Id, (await host.LoginAsync(bystander.Email)).MemberId);
    }

    [Fact]
    public async Task Writes_beyond_the_per_member_limit_get_429_with_retry_after_and_others_keep_writing()
    {
        var flooder = await host.RegisterAsync();
        var neighbour = await host.RegisterAsync();
        var client = host.ClientFor(flooder);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var response = await client.PutAsJsonAsync("api/v1/account/profile", new { displayName = $"Flood {i}", timeZone = "UTC" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, ProblemTypes.TooManyRequests);
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        using var reads = await client.GetAsync("api/v1/account/profile");
        Assert.Equal(HttpStatusCode.OK, reads.StatusCode);
        using var other = await host.ClientFor(neighbour).PutAsJsonAsync("api/v1/account/profile", new { displayName = "Calm", timeZone = "UTC" });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Sign_in_attempts_from_one_address_are_limited_across_account_names()
    {
        // A host of its own: the address budget is shared by everything this class sends from 127.0.0.1.
        await using var sprayed = await ApiHost.StartAsync(new ApiHostOptions
        {
            ProductionRateLimits = true,
            Settings = new(StringComparer.OrdinalIgnoreCase) { ["RateLimiting:AuthPerAddress:Permits"] = "8" },
        });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await sprayed.Client.PostAsJsonAsync("api/v1/account/login", new { email = $"spray-{i}@example.com", password = "password-spray" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAssert.IsProblemAsync(response, HttpStatusCode.TooManyRequests, ProblemTypes.TooManyRequests);
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            }
        }

        Assert.Equal(8, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}
