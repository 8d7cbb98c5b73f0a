using System.Net;
using Accountability.Api.Tests.Infrastructure;

namespace Accountability.Api.Tests.Security;

/// <summary>Request logging at its most verbose, to prove tokens are scrubbed rather than merely filtered.</summary>
public sealed class VerboseLoggingHost() : ApiHost(ProbeHub.HostOptions(new(StringComparer.OrdinalIgnoreCase)
{
    ["Logging:LogLevel:Default"] = "Trace",
    ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
    ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
}));

/// <summary>A token sent in a hub URL (or anywhere else) never appears in any log line.</summary>
[Trait("Category", "Security")]
public sealed class LogHygieneTests(VerboseLoggingHost host) : IClassFixture<VerboseLoggingHost>
{
    [Fact]
    public async Task A_token_in_a_hub_query_string_never_appears_in_the_logs()
    {
        var member = await host.RegisterAsync();
        var token = member.AccessToken;

        var result = await HubClient.ConnectAsync(host.BaseAddress, ProbeHub.Path, token);
        await using (var client = result.Client ?? throw new InvalidOperationException($"Refused: {result.Status}"))
        {
            await client.InvokeAsync(nameof(ProbeHub.WhoAmI));
        }

        // The negotiate request and a refused connect carry the token in the URL too.
        using (await host.Client.PostAsync(ProbeHub.Path.TrimStart('/') + "/negotiate?negotiateVersion=1&access_token=" + token, null))
        {
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await HubClient.ConnectAsync(host.BaseAddress, ProbeHub.Path, token + "x")).Status);
        using (await host.Client.GetAsync("api/v1/account/profile?access_token=" + token))
        {
        }

        var logs = host.Logs.AllText();
        Assert.Contains(ProbeHub.Path, logs, StringComparison.Ordinal);
        Assert.Contains("access_token=[redacted]", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[2], logs, StringComparison.Ordinal);
        Assert.DoesNotContain(member.RefreshToken, logs, StringComparison.Ordinal);
    }
}
