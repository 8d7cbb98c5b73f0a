using Accountability.Api.Identity.Access;
using Accountability.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Accountability.Api.Tests.Security;

/// <summary>
/// A hub that exists only in security tests, mapped under <c>/hubs</c> like the feed hub, to prove that hub
/// connections authenticate with the query-string token and that the token never reaches the logs.
/// </summary>
public sealed class ProbeHub : Hub
{
    public const string Path = "/hubs/security-probe";

    public string? WhoAmI() => Context.UserIdentifier;

    /// <summary>Host options with the probe hub mapped (and SignalR added).</summary>
    public static ApiHostOptions HostOptions(Dictionary<string, string?>? settings = null) => new()
    {
        Settings = settings ?? new(StringComparer.OrdinalIgnoreCase),
        ConfigureBuilder = builder => builder.Services.AddSignalR(),
        MapEndpoints = app => app.MapHub<ProbeHub>(Path, options => options.CloseOnAuthenticationExpiration = true)
            .RequireAccess(AccessRule.Authenticated),
    };
}
