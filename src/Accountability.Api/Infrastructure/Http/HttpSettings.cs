namespace Accountability.Api.Infrastructure.Http;

/// <summary>Configuration section <c>Http</c>.</summary>
public sealed class HttpSettings
{
    public const string Section = "Http";

    /// <summary>Largest accepted request body (413 above it). Commands here are small JSON documents.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Browser origins allowed to open hub connections (<c>/hubs/*</c>). CORS does not protect WebSockets, so a
    /// request with an <c>Origin</c> header outside this list is refused; clients without one (native, tests) pass.
    /// Empty: any origin.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Reverse proxies whose <c>X-Forwarded-For</c> is trusted (per-address rate limits see the real client).</summary>
    public string[] KnownProxies { get; set; } = [];
}
