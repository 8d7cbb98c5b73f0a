using System.Text.RegularExpressions;

namespace Accountability.Api.Infrastructure.Http.Logging;

/// <summary>
/// Removes bearer tokens from text bound for the logs: <c>access_token=</c> query values (SignalR clients send the
/// token in the hub URL), <c>Bearer</c> header values and anything shaped like a JWT.
/// </summary>
public static partial class SecretScrubber
{
    public const string Redacted = "[redacted]";

    /// <summary>A cheap test so that ordinary log lines pay no regular-expression cost.</summary>
    public static bool MayContainSecret(string? text) =>
        text is not null
        && (text.Contains("access_token", StringComparison.OrdinalIgnoreCase)
            || text.Contains("eyJ", StringComparison.Ordinal)
            || text.Contains("bearer", StringComparison.OrdinalIgnoreCase)
            || text.Contains("refresh_token", StringComparison.OrdinalIgnoreCase));

    public static string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!MayContainSecret(text))
        {
            return text;
        }

        text = QueryToken().Replace(text, "$1" + Redacted);
        text = BearerValue().Replace(text, "$1" + Redacted);
        return JwtShape().Replace(text, Redacted);
    }

    [GeneratedRegex(@"((?:access_token|refresh_token|id_token)(?:=|%3D))[^&\s""'#]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QueryToken();

    [GeneratedRegex(@"(bearer\s+)[A-Za-z0-9\-._~+/=]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerValue();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]*)?", RegexOptions.CultureInvariant)]
    private static partial Regex JwtShape();
}
